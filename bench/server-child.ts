// The event store under test, in its own process (as in production, the client never shares its
// event loop). Started by server-process.ts through fork(); talks back over IPC.
//   argv: <dataDir>
//   sends  { type: 'ready', connectionString, pid, startMs, startup } (startMs: startEventStore to ready)
//   answers { type: 'memory' } with { type: 'memory', usage } after a forced gc (needs --expose-gc)
//   { type: 'profile-start' } / { type: 'profile-stop', file } profile one phase (V8 CPU profiler),
//   answered with { type: 'profile', ok, error? }
//   stops cleanly on { type: 'stop' }
import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import { startEventStore } from '@eventbank/embedded-eventstore';

type Request = { type: 'memory' } | { type: 'stop' } | { type: 'profile-start' } | { type: 'profile-stop'; file: string };

let session: Session | undefined;
const post = (method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) => session!.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));

async function profileStart(): Promise<void> {
  session ??= new Session();
  session.connect();
  await post('Profiler.enable');
  // 200 µs sampling: fine enough for per-event costs, cheap enough not to distort them much.
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
}

async function profileStop(file: string): Promise<void> {
  const { profile } = (await post('Profiler.stop')) as { profile: unknown };
  fs.writeFileSync(file, JSON.stringify(profile));
  session!.disconnect();
}

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir || !process.send) throw new Error('server-child: run through fork() with a data directory');
  // start-up to ready, as the bench's start-up phase reports it
  const started = performance.now();
  const es = await startEventStore({ port: 0, dataDir });
  const startMs = performance.now() - started;

  process.on('message', (msg: Request) => {
    if (msg.type === 'memory') {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc) {
        gc();
        gc();
      }
      process.send!({ type: 'memory', gcForced: gc !== undefined, usage: process.memoryUsage() });
    } else if (msg.type === 'profile-start' || msg.type === 'profile-stop') {
      (msg.type === 'profile-start' ? profileStart() : profileStop(msg.file)).then(
        () => process.send!({ type: 'profile', ok: true }),
        (err: unknown) => process.send!({ type: 'profile', ok: false, error: String(err) }),
      );
    } else if (msg.type === 'stop') {
      es.close().then(
        () => process.exit(0),
        (err) => {
          console.error('server-child: close failed', err);
          process.exit(1);
        },
      );
    }
  });
  // The parent going away must not leave an orphan server behind.
  process.on('disconnect', () => {
    void es.close().finally(() => process.exit(0));
  });
  process.send({ type: 'ready', connectionString: es.connectionString, pid: process.pid, startMs, startup: es.startup });
}

main().catch((err) => {
  console.error(`server-child: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
