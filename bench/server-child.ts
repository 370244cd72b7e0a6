// The event store under test, in its own process (as in production, the client never shares its
// event loop). Started by server-process.ts through fork(); talks back over IPC.
//   argv: <dataDir>
//   sends  { type: 'ready', connectionString, pid }
//   answers { type: 'memory' } with { type: 'memory', usage } after a forced gc (needs --expose-gc)
//   stops cleanly on { type: 'stop' } (a clean exit is what makes --cpu-prof write its profile)
import { startEventStore } from '../embedded/src/index.js';

type Request = { type: 'memory' } | { type: 'stop' };

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir || !process.send) throw new Error('server-child: run through fork() with a data directory');
  const es = await startEventStore({ port: 0, dataDir });

  process.on('message', (msg: Request) => {
    if (msg.type === 'memory') {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc) {
        gc();
        gc();
      }
      process.send!({ type: 'memory', gcForced: gc !== undefined, usage: process.memoryUsage() });
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
  process.send({ type: 'ready', connectionString: es.connectionString, pid: process.pid });
}

main().catch((err) => {
  console.error(`server-child: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
