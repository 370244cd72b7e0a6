import { Writable } from 'node:stream';
import { createLogger } from '@/lib/log';

/** A logger whose JSON lines are parsed into `lines`, for tests that check what is logged. */
export function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ destination }), lines };
}
