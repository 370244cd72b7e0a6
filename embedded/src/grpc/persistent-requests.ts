// PersistentSubscriptions request messages -> subsystem requests (protocol §14.2–§14.6).
// Shapes the 6.2.1 client sends and those of other clients (explicit stream options) are both read.
import type * as pb from '@eventstore/db-client/generated/persistent_pb.js';
import type { StreamIdentifier } from '@eventstore/db-client/generated/shared_pb.js';
import { BadRequestError } from '../core/errors.js';
import { ALL, type AllFilter, type StartFrom } from '../persistent/definition.js';
import { DEFAULT_SETTINGS, type GroupSettings } from '../persistent/settings.js';
import type { GroupRequest } from '../persistent/subsystem.js';
import { UINT64_MAX, parseStreamName, toBigInt } from './convert.js';
import { persistentPb } from './generated.js';

const CreateReq = persistentPb.CreateReq;
const UpdateReq = persistentPb.UpdateReq;

/** Stream name, or '' when missing/empty so that validation answers with ESDB's "Bad stream name." */
function streamNameOrEmpty(id: StreamIdentifier | undefined): string {
  try {
    return parseStreamName(id);
  } catch (err) {
    if (err instanceof BadRequestError) return '';
    throw err;
  }
}

/** Stream start from a revision field: 2^64-1 is the client's "end" (-1 internally). */
function streamStart(revision: bigint): StartFrom {
  return { kind: 'stream', revision: revision === UINT64_MAX ? -1n : revision };
}

type AnySettings = pb.CreateReq.Settings | pb.UpdateReq.Settings;

const TICKS_PER_MS = 10_000n;

function ticksToMs(ticks: string): number {
  const ms = toBigInt(ticks, 'ticks') / TICKS_PER_MS;
  return ms > 2_147_483_647n ? 2_147_483_647 : Number(ms);
}

const STRATEGY_BY_ENUM: Record<number, string> = { 0: 'DispatchToSingle', 1: 'RoundRobin', 2: 'Pinned' };

function parseSettings(s: AnySettings | undefined, consumerStrategy?: string): GroupSettings {
  if (!s) throw new BadRequestError('Missing settings');
  let messageTimeoutMs = DEFAULT_SETTINGS.messageTimeoutMs;
  switch (s.getMessageTimeoutCase()) {
    case CreateReq.Settings.MessageTimeoutCase.MESSAGE_TIMEOUT_MS:
      messageTimeoutMs = s.getMessageTimeoutMs();
      break;
    case CreateReq.Settings.MessageTimeoutCase.MESSAGE_TIMEOUT_TICKS:
      messageTimeoutMs = ticksToMs(s.getMessageTimeoutTicks());
      break;
  }
  let checkpointAfterMs = DEFAULT_SETTINGS.checkpointAfterMs;
  switch (s.getCheckpointAfterCase()) {
    case CreateReq.Settings.CheckpointAfterCase.CHECKPOINT_AFTER_MS:
      checkpointAfterMs = s.getCheckpointAfterMs();
      break;
    case CreateReq.Settings.CheckpointAfterCase.CHECKPOINT_AFTER_TICKS:
      checkpointAfterMs = ticksToMs(s.getCheckpointAfterTicks());
      break;
  }
  const named = s.getNamedConsumerStrategy();
  const strategy = consumerStrategy || STRATEGY_BY_ENUM[named] || `${named}`;
  return {
    resolveLinks: s.getResolveLinks(),
    extraStatistics: s.getExtraStatistics(),
    messageTimeoutMs,
    maxRetryCount: s.getMaxRetryCount(),
    checkpointAfterMs,
    minCheckpointCount: s.getMinCheckpointCount(),
    maxCheckpointCount: s.getMaxCheckpointCount(),
    maxSubscriberCount: s.getMaxSubscriberCount(),
    liveBufferSize: s.getLiveBufferSize(),
    readBatchSize: s.getReadBatchSize(),
    historyBufferSize: s.getHistoryBufferSize(),
    // validated later: an unknown name fails with "Consumer strategy X does not exist."
    strategy: strategy as GroupSettings['strategy'],
  };
}

interface AllStartOptions {
  getAllOptionCase(): number;
  getPosition(): { getCommitPosition(): string; getPreparePosition(): string } | undefined;
}

function allStart(all: AllStartOptions): StartFrom {
  switch (all.getAllOptionCase()) {
    case CreateReq.AllOptions.AllOptionCase.POSITION: {
      const p = all.getPosition()!;
      return { kind: 'all', commit: toBigInt(p.getCommitPosition(), 'position'), prepare: toBigInt(p.getPreparePosition(), 'position') };
    }
    case CreateReq.AllOptions.AllOptionCase.START:
      return { kind: 'all', commit: 0n, prepare: 0n };
    case CreateReq.AllOptions.AllOptionCase.END:
      return { kind: 'all', commit: -1n, prepare: -1n };
    default:
      throw new BadRequestError('Missing $all start option');
  }
}

interface StreamStartOptions {
  getRevisionOptionCase(): number;
  getRevision(): string;
}

function explicitStreamStart(so: StreamStartOptions): StartFrom {
  switch (so.getRevisionOptionCase()) {
    case CreateReq.StreamOptions.RevisionOptionCase.REVISION:
      return streamStart(toBigInt(so.getRevision(), 'revision'));
    case CreateReq.StreamOptions.RevisionOptionCase.START:
      return { kind: 'stream', revision: 0n };
    case CreateReq.StreamOptions.RevisionOptionCase.END:
      return { kind: 'stream', revision: -1n };
    default:
      throw new BadRequestError('Missing stream start option');
  }
}

function parseFilter(f: pb.CreateReq.AllOptions.FilterOptions | undefined): AllFilter {
  if (!f) throw new BadRequestError('Missing filter');
  const Case = CreateReq.AllOptions.FilterOptions.FilterCase;
  let on: AllFilter['on'];
  let expr: pb.CreateReq.AllOptions.FilterOptions.Expression | undefined;
  switch (f.getFilterCase()) {
    case Case.STREAM_IDENTIFIER:
      on = 'stream';
      expr = f.getStreamIdentifier();
      break;
    case Case.EVENT_TYPE:
      on = 'eventType';
      expr = f.getEventType();
      break;
    default:
      throw new BadRequestError('Filter needs a stream identifier or event type expression');
  }
  const regex = expr?.getRegex() ?? '';
  return { on, expression: { ...(regex ? { regex } : {}), prefixes: expr?.getPrefixList() ?? [] } };
}

export function parseCreate(req: pb.CreateReq): GroupRequest {
  const o = req.getOptions();
  if (!o) throw new BadRequestError('Missing options');
  const Case = CreateReq.Options.StreamOptionCase;
  const settingsMsg = o.getSettings();
  const settings = parseSettings(settingsMsg, settingsMsg?.getConsumerStrategy());
  const group = o.getGroupName();
  switch (o.getStreamOptionCase()) {
    case Case.ALL: {
      const all = o.getAll()!;
      const filter = all.getFilterOptionCase() === CreateReq.AllOptions.FilterOptionCase.FILTER ? parseFilter(all.getFilter()) : undefined;
      return { stream: ALL, group, startFrom: allStart(all), settings, ...(filter ? { filter } : {}) };
    }
    case Case.STREAM: {
      const so = o.getStream()!;
      return { stream: streamNameOrEmpty(so.getStreamIdentifier()), group, startFrom: explicitStreamStart(so), settings };
    }
    default:
      // 6.2.1: stream in field 1, start in the deprecated settings.revision (§14.2)
      return {
        stream: streamNameOrEmpty(o.getStreamIdentifier()),
        group,
        startFrom: streamStart(toBigInt(settingsMsg!.getRevision(), 'revision')),
        settings,
      };
  }
}

export function parseUpdate(req: pb.UpdateReq): GroupRequest {
  const o = req.getOptions();
  if (!o) throw new BadRequestError('Missing options');
  const Case = UpdateReq.Options.StreamOptionCase;
  const settingsMsg = o.getSettings();
  const settings = parseSettings(settingsMsg);
  const group = o.getGroupName();
  switch (o.getStreamOptionCase()) {
    case Case.ALL:
      return { stream: ALL, group, startFrom: allStart(o.getAll()!), settings };
    case Case.STREAM: {
      const so = o.getStream()!;
      return { stream: streamNameOrEmpty(so.getStreamIdentifier()), group, startFrom: explicitStreamStart(so), settings };
    }
    default:
      return {
        stream: streamNameOrEmpty(o.getStreamIdentifier()),
        group,
        startFrom: streamStart(toBigInt(settingsMsg!.getRevision(), 'revision')),
        settings,
      };
  }
}

export interface GroupRef {
  stream: string;
  group: string;
}

export function parseDelete(req: pb.DeleteReq): GroupRef {
  const o = req.getOptions();
  if (!o) throw new BadRequestError('Missing options');
  const isAll = o.getStreamOptionCase() === persistentPb.DeleteReq.Options.StreamOptionCase.ALL;
  return { stream: isAll ? ALL : parseStreamName(o.getStreamIdentifier()), group: o.getGroupName() };
}

export function parseGetInfo(req: pb.GetInfoReq): GroupRef {
  const o = req.getOptions();
  if (!o) throw new BadRequestError('Missing options');
  const isAll = o.getStreamOptionCase() === persistentPb.GetInfoReq.Options.StreamOptionCase.ALL;
  return { stream: isAll ? ALL : parseStreamName(o.getStreamIdentifier()), group: o.getGroupName() };
}

export function parseReplayParked(req: pb.ReplayParkedReq): GroupRef & { stopAt?: bigint } {
  const o = req.getOptions();
  if (!o) throw new BadRequestError('Missing options');
  const isAll = o.getStreamOptionCase() === persistentPb.ReplayParkedReq.Options.StreamOptionCase.ALL;
  const stream = isAll ? ALL : parseStreamName(o.getStreamIdentifier());
  const stopAt =
    o.getStopAtOptionCase() === persistentPb.ReplayParkedReq.Options.StopAtOptionCase.STOP_AT
      ? toBigInt(o.getStopAt(), 'stop_at')
      : undefined;
  return { stream, group: o.getGroupName(), ...(stopAt !== undefined ? { stopAt } : {}) };
}

/** undefined = list every group. */
export function parseList(req: pb.ListReq): { stream?: string } {
  const o = req.getOptions();
  if (!o) throw new BadRequestError('Missing options');
  if (o.getListOptionCase() !== persistentPb.ListReq.Options.ListOptionCase.LIST_FOR_STREAM) return {};
  const so = o.getListForStream()!;
  if (so.getStreamOptionCase() === persistentPb.ListReq.StreamOption.StreamOptionCase.ALL) return { stream: ALL };
  return { stream: parseStreamName(so.getStream()) };
}
