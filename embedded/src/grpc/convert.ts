// Wire <-> core conversions shared by the Streams and PersistentSubscriptions services.
// 64-bit values travel as decimal strings (never through Number); UUIDs are accepted in
// every form .NET Guid.Parse accepts and always stored/returned canonical lower-case.
import type { UUID as UUIDMsg, StreamIdentifier } from '@eventstore/db-client/generated/shared_pb.js';
import type { RecordedEvent, ExpectedRevision } from '../core/types.js';
import { BadRequestError } from '../core/errors.js';
import { sharedPb, streamsPb } from './generated.js';

export const UINT64_MAX = 18446744073709551615n;
export const INT64_MAX = 9223372036854775807n;

// ---------------------------------------------------------------- 64-bit numbers

/** Parses a decimal uint64/int64 string field; throws BadRequestError on anything else. */
export function toBigInt(value: string | number | undefined, what = 'value'): bigint {
  if (value === undefined || value === '') return 0n;
  const s = String(value);
  if (!/^-?\d+$/.test(s)) throw new BadRequestError(`'${s}' is not a valid ${what}`);
  return BigInt(s);
}

export function toDecimal(value: bigint | number): string {
  return typeof value === 'bigint' ? value.toString(10) : String(value);
}

// ---------------------------------------------------------------- UUIDs

/** True for exactly `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in lower-case hex. */
function isCanonicalLowerUuid(s: string): boolean {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return false;
    } else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

const HEX32 = /^[0-9a-f]{32}$/;

/**
 * Parses a textual UUID like .NET Guid.Parse (formats N, D, B, P and X, any case, surrounding
 * whitespace) and returns the canonical lower-case 8-4-4-4-12 form, or undefined if invalid.
 */
export function parseUuidString(input: string): string | undefined {
  // Clients send the canonical form (every append and ack carries ids): check it without regexes.
  if (isCanonicalLowerUuid(input)) return input;
  let s = input.trim().toLowerCase();
  let hex: string | undefined;
  if (s.startsWith('{0x') || s.startsWith('{ 0x')) {
    hex = parseXFormat(s);
  } else {
    if ((s.startsWith('{') && s.endsWith('}')) || (s.startsWith('(') && s.endsWith(')'))) s = s.slice(1, -1);
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s)) hex = s.replace(/-/g, '');
    else if (s === input.trim().toLowerCase() && HEX32.test(s)) hex = s;
  }
  if (!hex || !HEX32.test(hex)) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// {0xdddddddd,0xdddd,0xdddd,{0xdd,0xdd,0xdd,0xdd,0xdd,0xdd,0xdd,0xdd}}
function parseXFormat(s: string): string | undefined {
  const compact = s.replace(/\s+/g, '');
  const m = /^\{0x([0-9a-f]{1,8}),0x([0-9a-f]{1,4}),0x([0-9a-f]{1,4}),\{((?:0x[0-9a-f]{1,2},){7}0x[0-9a-f]{1,2})\}\}$/.exec(compact);
  if (!m) return undefined;
  const bytes = m[4]
    .split(',')
    .map((b) => b.slice(2).padStart(2, '0'))
    .join('');
  return m[1].padStart(8, '0') + m[2].padStart(4, '0') + m[3].padStart(4, '0') + bytes;
}

/** msb/lsb (signed int64 decimal strings) -> canonical UUID string. */
export function uuidFromStructured(msb: string, lsb: string): string {
  const hi = BigInt.asUintN(64, toBigInt(msb, 'UUID'));
  const lo = BigInt.asUintN(64, toBigInt(lsb, 'UUID'));
  const hex = hi.toString(16).padStart(16, '0') + lo.toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** canonical UUID string -> [msb, lsb] as signed int64 decimal strings. */
export function uuidToStructured(uuid: string): [string, string] {
  const hex = uuid.replace(/-/g, '');
  const hi = BigInt.asIntN(64, BigInt('0x' + hex.slice(0, 16)));
  const lo = BigInt.asIntN(64, BigInt('0x' + hex.slice(16)));
  return [hi.toString(10), lo.toString(10)];
}

/** Reads a proto UUID (string or structured case). Throws BadRequestError when missing or invalid. */
export function parseUuid(msg: UUIDMsg | undefined, what = 'UUID'): string {
  if (!msg) throw new BadRequestError(`Missing ${what}`);
  if (msg.hasStructured()) {
    const st = msg.getStructured()!;
    try {
      return uuidFromStructured(st.getMostSignificantBits(), st.getLeastSignificantBits());
    } catch {
      throw new BadRequestError(`Invalid ${what}`);
    }
  }
  if (msg.hasString()) {
    const parsed = parseUuidString(msg.getString());
    if (parsed) return parsed;
    throw new BadRequestError(`'${msg.getString()}' is not a valid ${what}`);
  }
  throw new BadRequestError(`Missing ${what}`);
}

export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Builds a proto UUID in the form the reader asked for (uuid_option). */
export function toUuidMsg(uuid: string, structured = false): UUIDMsg {
  const msg = new sharedPb.UUID();
  if (structured) {
    const [msb, lsb] = uuidToStructured(uuid);
    const st = new sharedPb.UUID.Structured();
    st.setMostSignificantBits(msb);
    st.setLeastSignificantBits(lsb);
    msg.setStructured(st);
  } else {
    msg.setString(uuid);
  }
  return msg;
}

// ---------------------------------------------------------------- stream names

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Stream name from a StreamIdentifier; throws BadRequestError when missing or empty. */
export function parseStreamName(id: StreamIdentifier | undefined): string {
  if (!id) throw new BadRequestError('Missing stream identifier');
  const name = utf8.decode(id.getStreamName_asU8());
  if (name.length === 0) throw new BadRequestError('Empty stream name');
  return name;
}

export function toStreamIdentifier(name: string): StreamIdentifier {
  const id = new sharedPb.StreamIdentifier();
  id.setStreamName(Buffer.from(name, 'utf8'));
  return id;
}

// ---------------------------------------------------------------- expected revisions

/** Internal/trailer value of an expected revision: N, or -2 any, -1 no_stream, -4 stream_exists. */
export function expectedToNumber(expected: ExpectedRevision): bigint {
  switch (expected.kind) {
    case 'any':
      return -2n;
    case 'no_stream':
      return -1n;
    case 'stream_exists':
      return -4n;
    case 'exact':
      return expected.revision;
    default: {
      const never: never = expected;
      throw new Error(`unknown expected revision ${String(never)}`);
    }
  }
}

// ---------------------------------------------------------------- recorded events

export const LINK_EVENT_TYPE = '$>';

/** Anything with the RecordedEvent setters: streams and persistent RecordedEvent classes share them. */
export interface RecordedEventMsg {
  setId(value?: UUIDMsg): unknown;
  setStreamIdentifier(value?: StreamIdentifier): unknown;
  setStreamRevision(value: string): unknown;
  setPreparePosition(value: string): unknown;
  setCommitPosition(value: string): unknown;
  getMetadataMap(): { set(key: string, value: string): unknown };
  setCustomMetadata(value: Uint8Array | string): unknown;
  setData(value: Uint8Array | string): unknown;
}

export interface ToRecordedOptions {
  /** reader asked for structured UUIDs */
  structuredUuids?: boolean;
  /** overrides the record's own position (persistent subscriptions report the original's) */
  position?: bigint;
}

/** Fills a generated RecordedEvent message (streams or persistent) from a stored record. */
export function fillRecordedEvent<T extends RecordedEventMsg>(msg: T, rec: RecordedEvent, opts: ToRecordedOptions = {}): T {
  const position = toDecimal(opts.position ?? rec.position);
  msg.setId(toUuidMsg(rec.eventId, opts.structuredUuids));
  msg.setStreamIdentifier(toStreamIdentifier(rec.streamId));
  msg.setStreamRevision(toDecimal(rec.revision));
  msg.setPreparePosition(position);
  msg.setCommitPosition(position);
  const meta = msg.getMetadataMap();
  meta.set('type', rec.type);
  meta.set('created', toDecimal(rec.created));
  meta.set('content-type', rec.isJson ? 'application/json' : 'application/octet-stream');
  msg.setCustomMetadata(rec.metadata);
  msg.setData(rec.data);
  return msg;
}

type StreamsReadEvent = InstanceType<typeof streamsPb.ReadResp.ReadEvent>;

/**
 * Streams ReadEvent. `event` is what the reader sees as the event (the resolved target, or the
 * link itself when not resolving); `link` is set only for a resolved (or unresolvable) link.
 * `event` undefined with a link = link target could not be resolved.
 */
export function toStreamsReadEvent(
  event: RecordedEvent | undefined,
  link: RecordedEvent | undefined,
  opts: ToRecordedOptions = {},
): StreamsReadEvent {
  const msg = new streamsPb.ReadResp.ReadEvent();
  const RE = streamsPb.ReadResp.ReadEvent.RecordedEvent;
  if (event) msg.setEvent(fillRecordedEvent(new RE(), event, opts));
  if (link) msg.setLink(fillRecordedEvent(new RE(), link, opts));
  const original = link ?? event;
  if (original) msg.setCommitPosition(toDecimal(opts.position ?? original.position));
  else msg.setNoPosition(new sharedPb.Empty());
  return msg;
}

/** Parses link data "<eventNumber>@<streamName>"; undefined when malformed. */
export function parseLinkData(data: Uint8Array): { revision: bigint; streamId: string } | undefined {
  const text = utf8.decode(data);
  const at = text.indexOf('@');
  if (at <= 0 || at === text.length - 1) return undefined;
  const num = text.slice(0, at);
  if (!/^\d+$/.test(num)) return undefined;
  return { revision: BigInt(num), streamId: text.slice(at + 1) };
}

/** "Now" in .NET ticks since the Unix epoch (100 ns units). */
export function nowTicks(): bigint {
  return BigInt(Date.now()) * 10_000n;
}
