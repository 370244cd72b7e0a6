// Link (`$>`) resolution for reads and subscriptions (protocol §4.4).
import type { RecordedEvent, Store } from '../core/types.js';
import { LINK_EVENT_TYPE, parseLinkData } from './convert.js';

export interface ResolvedRecord {
  /** what the reader sees as the event; undefined when a link cannot be resolved */
  event: RecordedEvent | undefined;
  /** the link record, only when the record was a link and resolution was asked for */
  link: RecordedEvent | undefined;
}

/** Looks up the target of a link; undefined if deleted, truncated or malformed. */
export async function resolveLinkTarget(store: Store, link: RecordedEvent): Promise<RecordedEvent | undefined> {
  const target = parseLinkData(link.data);
  if (!target) return undefined;
  try {
    for await (const rec of store.readStream(target.streamId, { direction: 'forwards', from: target.revision, maxCount: 1n })) {
      return rec.revision === target.revision ? rec : undefined;
    }
  } catch {
    // stream missing, deleted or tombstoned: the link is unresolvable
  }
  return undefined;
}

export async function resolveRecord(store: Store, rec: RecordedEvent, resolveLinks: boolean): Promise<ResolvedRecord> {
  if (!resolveLinks || rec.type !== LINK_EVENT_TYPE) return { event: rec, link: undefined };
  return { event: await resolveLinkTarget(store, rec), link: rec };
}
