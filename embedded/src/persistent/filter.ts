// Which `$all` records a group considers (§10.3, §14.9).
import type { RecordedEvent } from '../core/types.js';
import type { AllFilter } from './definition.js';

/** ESDB hides its own `$all` bookkeeping from `$all` groups; without this a group would feed on its own checkpoints. */
/** Also their metastreams, which a group writes on its first checkpoint and on replays. */
const HIDDEN_FROM_ALL = /^(\$\$)?\$persistentsubscription-\$all::.*-(checkpoint|parked)$/;

export function hiddenFromAllGroups(streamId: string): boolean {
  return streamId === '$epoch-information' || HIDDEN_FROM_ALL.test(streamId);
}

export type RecordMatcher = (record: RecordedEvent) => boolean;

/** Builds the matcher once; an invalid regex is rejected at create time, so here it can throw. */
export function compileFilter(filter: AllFilter | undefined): RecordMatcher {
  if (!filter) return () => true;
  const pick = filter.on === 'stream' ? (r: RecordedEvent) => r.streamId : (r: RecordedEvent) => r.type;
  const { regex, prefixes } = filter.expression;
  if (regex) {
    const re = new RegExp(regex);
    return (r) => re.test(pick(r));
  }
  return (r) => {
    const value = pick(r);
    return prefixes.some((p) => value.startsWith(p));
  };
}

/** Returns an error text for an unusable filter, else undefined. */
export function validateFilter(filter: AllFilter | undefined): string | undefined {
  if (!filter) return undefined;
  if (filter.expression.regex) {
    try {
      new RegExp(filter.expression.regex);
    } catch {
      return `Invalid filter regex: ${filter.expression.regex}`;
    }
  }
  return undefined;
}
