// Group commit and failure handling of the log, driven through a backend that counts and fails syncs.
import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../src/storage/backend.js';
import { Log, LOG_START } from '../src/storage/log.js';
import { encodeRecord } from '../src/storage/record-codec.js';
import { randomUUID } from 'node:crypto';

class CountingBackend extends MemoryBackend {
  syncs = 0;
  failNextSync = false;
  private release: (() => void) | undefined;
  holdSync = false;

  override async sync(): Promise<void> {
    this.syncs++;
    if (this.holdSync) await new Promise<void>((r) => (this.release = r));
    if (this.failNextSync) throw new Error('EIO: simulated fsync failure');
  }

  releaseSync(): void {
    this.holdSync = false;
    this.release?.();
  }
}

const record = (n: number) =>
  encodeRecord(
    {
      streamId: 's',
      revision: BigInt(n),
      created: 0n,
      eventId: randomUUID(),
      type: 't',
      isJson: false,
      data: new Uint8Array(10),
      metadata: new Uint8Array(),
    },
    true,
  );

async function openLog(backend: CountingBackend): Promise<Log> {
  const { log } = await Log.open(backend, () => {});
  backend.syncs = 0;
  return log;
}

describe('log group commit', () => {
  it('batches commits that arrive while a sync runs into one write+sync, acknowledging in order', async () => {
    const backend = new CountingBackend();
    const log = await openLog(backend);
    backend.holdSync = true;
    const order: number[] = [];
    const first = log.append(record(0), () => order.push(0));
    // While the first sync is held, 99 more commits queue up.
    await new Promise((r) => setImmediate(r));
    const rest = Array.from({ length: 99 }, (_, i) => log.append(record(i + 1), () => order.push(i + 1)));
    expect(log.durableEnd).toBe(LOG_START);
    backend.releaseSync();
    await Promise.all([first.done, ...rest.map((r) => r.done)]);
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(backend.syncs).toBe(2);
    expect(log.durableEnd).toBe(log.end);
    const offsets = [first, ...rest].map((r) => r.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
  });

  it('never acknowledges a commit whose sync failed, and refuses later appends', async () => {
    const backend = new CountingBackend();
    const log = await openLog(backend);
    backend.failNextSync = true;
    let acknowledged = false;
    const { done } = log.append(record(0), () => (acknowledged = true));
    await expect(done).rejects.toThrow(/EIO/);
    expect(acknowledged).toBe(false);
    expect(() => log.append(record(1), () => {})).toThrow(/EIO/);
  });

  it('serves reads of commits that are not yet written', async () => {
    const backend = new CountingBackend();
    const log = await openLog(backend);
    backend.holdSync = true;
    const a = log.append(record(0), () => {});
    await new Promise((r) => setImmediate(r));
    const rec = record(1);
    const b = log.append(rec, () => {});
    expect(log.readRecord(b.offset).equals(rec)).toBe(true);
    backend.releaseSync();
    await Promise.all([a.done, b.done]);
    expect(log.readRecord(b.offset).equals(rec)).toBe(true);
  });
});
