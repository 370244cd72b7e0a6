// Consumer strategies (§14.9): which connected consumer gets the next message.
import type { StrategyName } from './settings.js';

export interface Slotted {
  readonly id: number;
  /** free in-flight slots */
  freeSlots(): number;
}

export interface Strategy<C extends Slotted> {
  /** The consumer to receive a message with this pin key, or undefined to wait for a free slot. */
  pick(consumers: readonly C[], pinKey: string): C | undefined;
  /** Called when the set of consumers changes. */
  rebalance(consumers: readonly C[]): void;
}

class RoundRobin<C extends Slotted> implements Strategy<C> {
  private next = 0;
  pick(consumers: readonly C[]): C | undefined {
    const n = consumers.length;
    for (let i = 0; i < n; i++) {
      const index = (this.next + i) % n;
      const c = consumers[index];
      if (c.freeSlots() > 0) {
        this.next = (index + 1) % n;
        return c;
      }
    }
    return undefined;
  }
  rebalance(): void {}
}

class DispatchToSingle<C extends Slotted> implements Strategy<C> {
  pick(consumers: readonly C[]): C | undefined {
    return consumers.find((c) => c.freeSlots() > 0);
  }
  rebalance(): void {}
}

export const PIN_BUCKETS = 1024;

/** FNV-1a over UTF-16 code units: stable across restarts, cheap. */
export function pinBucket(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % PIN_BUCKETS;
}

/**
 * Pinned: a key always goes to the consumer owning its bucket, so one stream's events stay on one
 * consumer. When consumers come or go, only the buckets of departed consumers (or a fair share for a
 * newcomer) move.
 */
class Pinned<C extends Slotted> implements Strategy<C> {
  private owners: (number | undefined)[] = new Array(PIN_BUCKETS).fill(undefined);

  pick(consumers: readonly C[], pinKey: string): C | undefined {
    const owner = this.owners[pinBucket(pinKey)];
    const c = consumers.find((x) => x.id === owner);
    return c && c.freeSlots() > 0 ? c : undefined;
  }

  rebalance(consumers: readonly C[]): void {
    const ids = consumers.map((c) => c.id);
    if (ids.length === 0) {
      this.owners.fill(undefined);
      return;
    }
    const live = new Set(ids);
    const share = Math.ceil(PIN_BUCKETS / ids.length);
    const counts = new Map<number, number>(ids.map((id) => [id, 0]));
    for (let b = 0; b < PIN_BUCKETS; b++) {
      const o = this.owners[b];
      if (o === undefined || !live.has(o) || counts.get(o)! >= share) this.owners[b] = undefined;
      else counts.set(o, counts.get(o)! + 1);
    }
    let cursor = 0;
    for (let b = 0; b < PIN_BUCKETS; b++) {
      if (this.owners[b] !== undefined) continue;
      while (counts.get(ids[cursor % ids.length])! >= share) cursor++;
      const id = ids[cursor % ids.length];
      this.owners[b] = id;
      counts.set(id, counts.get(id)! + 1);
      cursor++;
    }
  }
}

export function createStrategy<C extends Slotted>(name: StrategyName): Strategy<C> {
  switch (name) {
    case 'RoundRobin':
      return new RoundRobin<C>();
    case 'DispatchToSingle':
      return new DispatchToSingle<C>();
    case 'Pinned':
    case 'PinnedByCorrelation':
      return new Pinned<C>();
    default: {
      const never: never = name;
      throw new Error(`unknown strategy ${String(never)}`);
    }
  }
}
