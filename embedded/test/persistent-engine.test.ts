// Pure parts of the persistent-subscription engine: checkpoint candidates (§14.10), the
// Pinned strategy's bucket ownership (§14.9) and stored group definitions. Everything else is tested through the client.
import { describe, expect, it } from 'vitest';
import { CheckpointTracker } from '../src/persistent/checkpoints.js';
import { definitionFromJson, definitionToJson, type GroupDefinition } from '../src/persistent/definition.js';
import { DEFAULT_SETTINGS } from '../src/persistent/settings.js';
import { createStrategy, pinBucket, type Slotted } from '../src/persistent/strategies.js';

describe('CheckpointTracker', () => {
  it('never moves past the lowest outstanding message', () => {
    const t = new CheckpointTracker();
    const seqs = [10n, 20n, 30n, 40n].map((v) => t.push(v, true));
    expect(t.candidate()).toBeUndefined();
    t.done(seqs[1]);
    t.done(seqs[2]);
    expect(t.candidate()).toBeUndefined(); // 10 still outstanding
    t.done(seqs[0]);
    expect(t.candidate()).toEqual({ seq: 2, value: 30n });
    expect(t.pendingCount()).toBe(3);
    t.markWritten(2);
    expect(t.pendingCount()).toBe(0);
    t.push(50n, false); // filtered out: done at once, still advances
    t.done(seqs[3]);
    expect(t.candidate()).toEqual({ seq: 4, value: 50n });
    expect(t.pendingCount()).toBe(2);
  });

  it('keeps memory bounded to the outstanding window', () => {
    const t = new CheckpointTracker();
    for (let i = 0; i < 10_000; i++) t.done(t.push(BigInt(i), true));
    expect(t.outstandingCount).toBe(0);
    expect(t.candidate()).toEqual({ seq: 9_999, value: 9_999n });
  });
});

describe('Pinned strategy', () => {
  const consumer = (id: number, free = 10): Slotted => ({ id, freeSlots: () => free });

  it('sends a key to one consumer and moves only departed consumers’ buckets', () => {
    const s = createStrategy<Slotted>('Pinned');
    const [a, b, c] = [consumer(1), consumer(2), consumer(3)];
    s.rebalance([a, b, c]);
    const keys = Array.from({ length: 200 }, (_, i) => `stream-${i}`);
    const before = new Map(keys.map((k) => [k, s.pick([a, b, c], k)!.id]));
    expect(new Set(before.values()).size).toBe(3);
    for (const k of keys) expect(s.pick([a, b, c], k)!.id).toBe(before.get(k));

    s.rebalance([a, c]);
    for (const k of keys) {
      const now = s.pick([a, c], k)!.id;
      if (before.get(k) !== 2) expect(now).toBe(before.get(k));
      else expect([1, 3]).toContain(now);
    }
  });

  it('waits rather than breaking the pin when the owner is full', () => {
    const s = createStrategy<Slotted>('Pinned');
    const full = consumer(1, 0);
    s.rebalance([full]);
    expect(s.pick([full], 'x')).toBeUndefined();
    expect(pinBucket('x')).toBe(pinBucket('x'));
  });
});

describe('stored group definitions', () => {
  const def: GroupDefinition = {
    stream: '$all',
    group: 'g',
    startFrom: { kind: 'all', commit: -1n, prepare: -1n },
    resolvedStart: 123n,
    filter: { on: 'eventType', expression: { regex: '^A', prefixes: [] } },
    settings: { ...DEFAULT_SETTINGS, strategy: 'Pinned', maxRetryCount: 3 },
  };

  it('round-trips through JSON', () => {
    expect(definitionFromJson(JSON.parse(JSON.stringify(definitionToJson(def))))).toEqual(def);
  });

  it('skips malformed entries instead of failing the load', () => {
    const json = definitionToJson(def);
    for (const bad of [
      { ...json, startFrom: 'nope' },
      { ...json, resolvedStart: 'x' },
      { ...json, filter: { on: 'eventType', expression: { regex: '(', prefixes: [] } } },
      { ...json, filter: { on: 'other', expression: { prefixes: [] } } },
      { ...json, settings: { ...json.settings, strategy: 'Nope' } },
      { ...json, settings: { ...json.settings, readBatchSize: 600 } },
      null,
      42,
    ]) {
      expect(definitionFromJson(bad)).toBeUndefined();
    }
  });
});
