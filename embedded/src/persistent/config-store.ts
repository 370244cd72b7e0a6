// Group definitions live in the log, in `$persistentSubscriptionConfig` (as in ESDB): each change
// appends the whole list, and loading reads the latest record.
import type { Store } from '../core/types.js';
import { jsonEvent, readLast } from './bookkeeping.js';
import { definitionFromJson, definitionToJson, type GroupDefinition } from './definition.js';

export const CONFIG_STREAM = '$persistentSubscriptionConfig';
const CONFIG_TYPE = '$PersistentConfig1';

export async function loadDefinitions(store: Store): Promise<GroupDefinition[]> {
  const last = await readLast(store, CONFIG_STREAM);
  if (!last) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(last.data).toString('utf8'));
  } catch {
    console.error(`${CONFIG_STREAM}: latest record is not JSON; starting with no groups`);
    return [];
  }
  const entries = (parsed as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) return [];
  const defs: GroupDefinition[] = [];
  for (const entry of entries) {
    const def = definitionFromJson(entry);
    if (def) defs.push(def);
    else console.error(`${CONFIG_STREAM}: skipping a malformed group entry`, entry);
  }
  return defs;
}

/** Returns the position of the configuration record. */
export async function saveDefinitions(store: Store, defs: readonly GroupDefinition[]): Promise<bigint | undefined> {
  const result = await store.append(CONFIG_STREAM, { kind: 'any' }, [
    jsonEvent(CONFIG_TYPE, {
      version: 2,
      updated: new Date().toISOString(),
      updatedBy: 'system',
      entries: defs.map(definitionToJson),
    }),
  ]);
  return result.position;
}
