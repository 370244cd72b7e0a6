// Parent side of server-child.ts: start, ask for memory, read CPU time and RSS from /proc, stop.
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'server-child.ts');
const CLOCK_TICKS = 100; // USER_HZ on Linux

export interface ServerMemory {
  rssMb: number;
  peakRssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  gcForced: boolean;
}

interface ReadyMessage {
  type: string;
  connectionString: string;
  pid: number;
  startMs: number;
  startup: { index: string; scannedBytes: number };
}

export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly connectionString: string,
    readonly pid: number,
    /** startEventStore to ready, in the child (ms), and how its index was loaded */
    readonly start: { ms: number; index: string; scannedBytes: number },
  ) {}

  static async start(dataDir: string, timeoutMs = 30_000): Promise<ServerProcess> {
    const execArgv = ['--import', 'tsx', '--expose-gc'];
    const child = fork(CHILD, [dataDir], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await new Promise<ReadyMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`server child not ready within ${timeoutMs} ms`));
      }, timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server child exited with code ${code} before it was ready`));
      });
      child.once('message', (msg: ReadyMessage) => {
        clearTimeout(timer);
        if (msg.type === 'ready') resolve(msg);
        else reject(new Error(`unexpected first message from server child: ${msg.type}`));
      });
    });
    child.removeAllListeners('exit');
    return new ServerProcess(child, ready.connectionString, ready.pid, {
      ms: ready.startMs,
      index: ready.startup.index,
      scannedBytes: ready.startup.scannedBytes,
    });
  }

  /** Seconds of CPU (user + system) the server has used so far, from /proc/PID/stat. */
  cpuSeconds(): number {
    const stat = fs.readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  }

  /** Forces a gc in the child, then reads its resident set from /proc/PID/status. */
  async memory(timeoutMs = 30_000): Promise<ServerMemory> {
    const reply = await new Promise<{ gcForced: boolean; usage: NodeJS.MemoryUsage }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server child did not answer the memory request')), timeoutMs);
      const onMessage = (msg: { type: string; gcForced: boolean; usage: NodeJS.MemoryUsage }) => {
        if (msg.type !== 'memory') return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve(msg);
      };
      this.child.on('message', onMessage);
      this.child.send({ type: 'memory' });
    });
    const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (field: string) => {
      const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
      if (!m) throw new Error(`${field} missing from /proc/${this.pid}/status`);
      return Number(m[1]);
    };
    const mb = (bytes: number) => bytes / 1024 / 1024;
    return {
      rssMb: kb('VmRSS') / 1024,
      peakRssMb: kb('VmHWM') / 1024,
      heapUsedMb: mb(reply.usage.heapUsed),
      heapTotalMb: mb(reply.usage.heapTotal),
      externalMb: mb(reply.usage.external),
      arrayBuffersMb: mb(reply.usage.arrayBuffers),
      gcForced: reply.gcForced,
    };
  }

  /** Starts the V8 CPU profiler in the child (one phase at a time). */
  async profileStart(): Promise<void> {
    await this.request({ type: 'profile-start' }, 'profile');
  }

  /** Stops the profiler and has the child write the .cpuprofile to `file`. */
  async profileStop(file: string): Promise<void> {
    await this.request({ type: 'profile-stop', file }, 'profile');
  }

  private async request(message: object, replyType: string, timeoutMs = 60_000): Promise<void> {
    const reply = await new Promise<{ ok: boolean; error?: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server child did not answer ${JSON.stringify(message)}`)), timeoutMs);
      const onMessage = (msg: { type: string; ok: boolean; error?: string }) => {
        if (msg.type !== replyType) return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve(msg);
      };
      this.child.on('message', onMessage);
      this.child.send(message);
    });
    if (!reply.ok) throw new Error(reply.error ?? 'server child request failed');
  }

  /** Clean stop; SIGKILL if it hangs. */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.send({ type: 'stop' });
    else this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}
