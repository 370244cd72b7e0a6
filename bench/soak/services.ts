// The soak's durable stack, each server a child process it can kill and start again on its data:
// the embedded event store (embedded/src/cli.ts), embedded PostgreSQL (scripts/embedded-services.ts,
// which stops its server cleanly on SIGTERM and when our pipe to it closes) and the worker.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type UnexpectedExit = { service: string; at: number; code: number | null; signal: NodeJS.Signals | null };

/**
 * The app's processes stop by themselves when their parent goes away only when started by npm
 * (lib/when-parent-exits.ts; the store's cli has a copy): give them that environment, so a soak
 * killed with kill -9 leaves no worker or store behind.
 */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, npm_lifecycle_event: process.env.npm_lifecycle_event ?? 'soak', ...extra };
}

/** A `node [--import tsx] <script>` child in its own process group (a terminal Ctrl-C reaches only the soak). */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private expectExit = false;
  /** Exits before it is ready are start failures (start() rejects), not unexpected exits. */
  private isReady = false;
  private exited: Promise<void> = Promise.resolve();
  starts = 0;

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly args: () => string[],
    private readonly env: () => Record<string, string>,
    private readonly logFile: string,
    /** Resolves with what the service announced once ready (the line matched by `ready`), or undefined when not waiting. */
    private readonly ready: RegExp | undefined,
    private readonly onUnexpectedExit: (exit: UnexpectedExit) => void,
    private readonly pipeStdin = false,
    /** Extra options for node itself (e.g. --cpu-prof). */
    private readonly nodeArgs: string[] = [],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts it and resolves with the ready line (or '' when there is none to wait for). */
  async start(timeoutMs = 60_000): Promise<string> {
    if (this.running) throw new Error(`${this.name} is already running`);
    const log = fs.openSync(this.logFile, 'a');
    fs.writeSync(log, `\n--- ${new Date().toISOString()} start #${++this.starts}\n`);
    // TypeScript through tsx; a built .mjs (the bundled worker) as it is.
    const entry = this.script.endsWith('.ts')
      ? ['--conditions=react-server', '--import', 'tsx', path.join(ROOT, this.script)]
      : [path.join(ROOT, this.script)];
    const child = spawn(process.execPath, [...this.nodeArgs, ...entry, ...this.args()], {
      cwd: ROOT,
      env: childEnv(this.env()),
      detached: true,
      stdio: [this.pipeStdin ? 'pipe' : 'ignore', this.ready ? 'pipe' : log, log],
    });
    fs.closeSync(log);
    child.stdin?.on('error', () => {});
    this.child = child;
    this.expectExit = false;
    this.isReady = !this.ready;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        if (!this.expectExit && this.isReady) this.onUnexpectedExit({ service: this.name, at: Date.now(), code, signal });
        resolve();
      });
    });
    if (!this.ready) return '';
    const pattern = this.ready;
    const out = fs.createWriteStream(this.logFile, { flags: 'a' });
    const lines = readline.createInterface({ input: child.stdout! });
    return new Promise<string>((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => finish(new Error(`${this.name} not ready within ${timeoutMs} ms (log: ${this.logFile})`)), timeoutMs);
      const finish = (error: Error | null, line?: string) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (error) {
          this.expectExit = true;
          child.kill('SIGKILL');
          reject(error);
        } else {
          this.isReady = true;
          resolve(line!);
        }
      };
      lines.on('line', (line) => {
        out.write(`${line}\n`);
        const match = pattern.exec(line);
        if (match) finish(null, match[1] ?? line);
      });
      child.once('exit', (code, signal) =>
        finish(new Error(`${this.name} exited (${signal ?? `code ${code}`}) before it was ready; see ${this.logFile}`)),
      );
    });
  }

  /** kill -9, and wait until it is gone. */
  async kill9(): Promise<void> {
    if (!this.running) return;
    this.expectExit = true;
    this.child!.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (the service's clean stop), SIGKILL if it takes longer than timeoutMs. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (!this.running) return;
    this.expectExit = true;
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}
