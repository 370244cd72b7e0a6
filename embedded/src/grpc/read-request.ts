// Parses and validates a Streams/Read request into one of the four accepted shapes (§8).
import type { ReadReq } from '@eventstore/db-client/generated/streams_pb.js';
import type { Direction } from '../core/types.js';
import { BadRequestError } from '../core/errors.js';
import { streamsPb } from './generated.js';
import { parseStreamName, toBigInt } from './convert.js';
import { parseFilter, type ParsedFilter } from './filter.js';

export type StartPoint = 'start' | 'end' | bigint;

interface Common {
  resolveLinks: boolean;
  structuredUuids: boolean;
}

export type ParsedRead =
  | (Common & { kind: 'stream-read'; stream: string; from: StartPoint; direction: Direction; maxCount: bigint })
  | (Common & { kind: 'all-read'; from: StartPoint; direction: Direction; maxCount: bigint; filter?: ParsedFilter })
  | (Common & { kind: 'stream-subscription'; stream: string; from: StartPoint })
  | (Common & { kind: 'all-subscription'; from: StartPoint; filter?: ParsedFilter });

const O = streamsPb.ReadReq.Options;

function invalidCombination(): never {
  throw new BadRequestError('The combination of stream, count, direction and filter options is invalid.');
}

const nonNegative = (n: bigint): bigint => (n < 0n ? 0n : n);

function streamStart(options: ReadReq.Options.StreamOptions): StartPoint {
  const C = O.StreamOptions.RevisionOptionCase;
  switch (options.getRevisionOptionCase()) {
    case C.REVISION: {
      const revision = toBigInt(options.getRevision(), 'revision');
      if (revision < 0n) throw new BadRequestError('Trying to read from an invalid position.');
      return revision;
    }
    case C.START:
      return 'start';
    case C.END:
      return 'end';
    default:
      throw new BadRequestError('Missing revision option');
  }
}

function allStart(options: ReadReq.Options.AllOptions): StartPoint {
  const C = O.AllOptions.AllOptionCase;
  switch (options.getAllOptionCase()) {
    case C.POSITION: {
      const p = options.getPosition()!;
      const commit = toBigInt(p.getCommitPosition(), 'commit position');
      const prepare = toBigInt(p.getPreparePosition(), 'prepare position');
      if (commit < 0n || prepare < 0n || prepare > commit) throw new BadRequestError('Trying to read from an invalid position.');
      return commit;
    }
    case C.START:
      return 'start';
    case C.END:
      return 'end';
    default:
      throw new BadRequestError('Missing $all position option');
  }
}

export function parseReadRequest(req: ReadReq): ParsedRead {
  if (!req.hasOptions()) throw new BadRequestError('Missing read options');
  const options = req.getOptions()!;
  if (!options.hasUuidOption()) throw new BadRequestError('Missing UUID option');
  const uuidOption = options.getUuidOption()!;
  const common: Common = {
    resolveLinks: options.getResolveLinks(),
    structuredUuids: uuidOption.getContentCase() === O.UUIDOption.ContentCase.STRUCTURED,
  };

  const direction: Direction = (() => {
    switch (options.getReadDirection()) {
      case O.ReadDirection.FORWARDS:
        return 'forwards';
      case O.ReadDirection.BACKWARDS:
        return 'backwards';
      default:
        throw new BadRequestError(`'${options.getReadDirection()}' is not a valid read direction`);
    }
  })();

  const filterCase = options.getFilterOptionCase();
  const noFilter = filterCase === O.FilterOptionCase.NO_FILTER;
  const filter = filterCase === O.FilterOptionCase.FILTER ? parseFilter(options.getFilter()!) : undefined;
  if (!noFilter && !filter) throw new BadRequestError('Missing filter option');

  const countCase = options.getCountOptionCase();
  switch (options.getStreamOptionCase()) {
    case O.StreamOptionCase.STREAM: {
      const s = options.getStream()!;
      const stream = parseStreamName(s.getStreamIdentifier());
      const from = streamStart(s);
      if (!noFilter) invalidCombination();
      if (countCase === O.CountOptionCase.COUNT) {
        return { ...common, kind: 'stream-read', stream, from, direction, maxCount: nonNegative(toBigInt(options.getCount(), 'count')) };
      }
      if (countCase === O.CountOptionCase.SUBSCRIPTION) {
        if (direction !== 'forwards') invalidCombination();
        return { ...common, kind: 'stream-subscription', stream, from };
      }
      return invalidCombination();
    }
    case O.StreamOptionCase.ALL: {
      const from = allStart(options.getAll()!);
      if (countCase === O.CountOptionCase.COUNT) {
        return { ...common, kind: 'all-read', from, direction, maxCount: nonNegative(toBigInt(options.getCount(), 'count')), filter };
      }
      if (countCase === O.CountOptionCase.SUBSCRIPTION) {
        if (direction !== 'forwards') invalidCombination();
        return { ...common, kind: 'all-subscription', from, filter };
      }
      return invalidCombination();
    }
    default:
      throw new BadRequestError('Missing stream option');
  }
}
