// Server-side `$all` filters (protocol §10.3, §10.4).
import type { ReadReq } from '@eventstore/db-client/generated/streams_pb.js';
import type { RecordedEvent } from '../core/types.js';
import { BadRequestError } from '../core/errors.js';
import { LINK_EVENT_TYPE } from './convert.js';
import { streamsPb } from './generated.js';

export type RecordFilter = (rec: RecordedEvent) => boolean;

export interface ParsedFilter {
  matches: RecordFilter;
  /** the same test from the two names it looks at (raw reads have no RecordedEvent) */
  matchesNames(streamId: string, type: string): boolean;
  /** checkpoint every `interval` considered records */
  interval: number;
}

const PERSISTENT_ALL_BOOKKEEPING = /^\$persistentsubscription-\$all::.*-(checkpoint|parked)$/;

/** Streams ESDB hides from filtered `$all` reads and from the live phase of `$all` subscriptions. */
export function isHiddenFromFilteredAll(streamId: string): boolean {
  return streamId === '$epoch-information' || PERSISTENT_ALL_BOOKKEEPING.test(streamId);
}

/** Builds a matcher from an Expression: non-empty regex wins, else any prefix (ordinal startsWith). */
export function expressionMatcher(regex: string, prefixes: string[]): (value: string) => boolean {
  if (regex.length > 0) {
    let re: RegExp;
    try {
      re = new RegExp(regex);
    } catch {
      throw new BadRequestError(`'${regex}' is not a valid regular expression`);
    }
    return (value) => re.test(value);
  }
  return (value) => prefixes.some((p) => value.startsWith(p));
}

export function parseFilter(filter: ReadReq.Options.FilterOptions): ParsedFilter {
  const C = streamsPb.ReadReq.Options.FilterOptions.FilterCase;
  let matchValue: (value: string) => boolean;
  let field: 'stream' | 'type';
  switch (filter.getFilterCase()) {
    case C.STREAM_IDENTIFIER: {
      const e = filter.getStreamIdentifier()!;
      matchValue = expressionMatcher(e.getRegex(), e.getPrefixList());
      field = 'stream';
      break;
    }
    case C.EVENT_TYPE: {
      const e = filter.getEventType()!;
      matchValue = expressionMatcher(e.getRegex(), e.getPrefixList());
      field = 'type';
      break;
    }
    default:
      throw new BadRequestError('Filter must be on stream identifier or event type');
  }
  const W = streamsPb.ReadReq.Options.FilterOptions.WindowCase;
  const window = filter.getWindowCase() === W.MAX && filter.getMax() > 0 ? filter.getMax() : 32;
  const multiplier = filter.getCheckpointintervalmultiplier() > 0 ? filter.getCheckpointintervalmultiplier() : 1;
  const matchesNames = (streamId: string, type: string) => {
    if (isHiddenFromFilteredAll(streamId)) return false;
    return matchValue(field === 'stream' ? streamId : type === LINK_EVENT_TYPE ? LINK_EVENT_TYPE : type);
  };
  return {
    interval: window * multiplier,
    matches: (rec) => matchesNames(rec.streamId, rec.type),
    matchesNames,
  };
}
