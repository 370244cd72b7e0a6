// Messages of KurrentDB's `kurrentdb.protocol.v2.streams.StreamsService/AppendSession` (multi-stream
// append, KurrentDB 25.1), decoded and encoded here with google-protobuf's binary reader and writer:
// @eventstore/db-client 6.2.1 ships no classes for them, and the package must not need
// @kurrent/kurrentdb-client at run time. Field numbers are those of the kurrent client's
// kurrentdb/protocols/v2/streams/{streams,errors}.proto (PROTOCOL.md §17).
import { createRequire } from 'node:module';
import type * as jspbTypes from 'google-protobuf';

const require = createRequire(import.meta.url);
const jspb = createRequire(require.resolve('@eventstore/db-client/package.json'))('google-protobuf') as typeof jspbTypes;

/** SchemaFormat enum. */
export const SCHEMA_FORMAT_JSON = 1;

export interface WireRecord {
  recordId: string | undefined;
  /** properties map, values decoded from google.protobuf.Value */
  properties: Record<string, unknown>;
  /** bytes of the properties as the server measures them (their Struct encoding) */
  propertiesSize: number;
  format: number;
  schemaName: string;
  data: Uint8Array;
}

export interface WireAppendRequest {
  stream: string;
  records: WireRecord[];
  /** -1 no stream, -2 any, -4 stream exists, N exact; undefined when not sent (any) */
  expectedRevision: bigint | undefined;
}

type Reader = jspbTypes.BinaryReader;

function readFields(reader: Reader, onField: (field: number) => boolean): void {
  while (reader.nextField()) {
    if (reader.isEndGroup()) break;
    if (!onField(reader.getFieldNumber())) reader.skipField();
  }
}

function readValue(reader: Reader): unknown {
  let value: unknown = null;
  readFields(reader, (field) => {
    switch (field) {
      case 1:
        reader.readEnum();
        value = null;
        return true;
      case 2:
        value = reader.readDouble();
        return true;
      case 3:
        value = reader.readString();
        return true;
      case 4:
        value = reader.readBool();
        return true;
      case 5: {
        const obj: Record<string, unknown> = {};
        reader.readMessage(obj, (o: Record<string, unknown>, r: Reader) => readStruct(r, o));
        value = obj;
        return true;
      }
      case 6: {
        const list: unknown[] = [];
        reader.readMessage(list, (l: unknown[], r: Reader) =>
          readFields(r, (f) => {
            if (f !== 1) return false;
            const holder = { v: undefined as unknown };
            r.readMessage(holder, (h: { v: unknown }, rr: Reader) => (h.v = readValue(rr)));
            l.push(holder.v);
            return true;
          }),
        );
        value = list;
        return true;
      }
      default:
        return false;
    }
  });
  return value;
}

/** map<string, Value> entries (field 1 of Struct, field 2 of AppendRecord) into `into`. */
function readMapEntry(reader: Reader, into: Record<string, unknown>): void {
  let key = '';
  let value: unknown = null;
  readFields(reader, (field) => {
    if (field === 1) key = reader.readString();
    else if (field === 2) {
      const holder = { v: undefined as unknown };
      reader.readMessage(holder, (h: { v: unknown }, r: Reader) => (h.v = readValue(r)));
      value = holder.v;
    } else return false;
    return true;
  });
  into[key] = value;
}

function readStruct(reader: Reader, into: Record<string, unknown>): void {
  readFields(reader, (field) => {
    if (field !== 1) return false;
    reader.readMessage(into, (o: Record<string, unknown>, r: Reader) => readMapEntry(r, o));
    return true;
  });
}

function readRecord(reader: Reader, rec: WireRecord): void {
  readFields(reader, (field) => {
    switch (field) {
      case 1:
        rec.recordId = reader.readString();
        return true;
      case 2: {
        const start = reader.getCursor();
        reader.readMessage(rec.properties, (o: Record<string, unknown>, r: Reader) => readMapEntry(r, o));
        // as a Struct the same entries are the same bytes: tag + length + entry
        rec.propertiesSize += reader.getCursor() - start + 1;
        return true;
      }
      case 3:
        reader.readMessage(rec, (o: WireRecord, r: Reader) =>
          readFields(r, (f) => {
            if (f === 1) o.format = r.readEnum();
            else if (f === 2) o.schemaName = r.readString();
            else return false;
            return true;
          }),
        );
        return true;
      case 4:
        rec.data = reader.readBytes();
        return true;
      default:
        return false;
    }
  });
}

export function decodeAppendRequest(bytes: Uint8Array): WireAppendRequest {
  const reader = new jspb.BinaryReader(bytes);
  const req: WireAppendRequest = { stream: '', records: [], expectedRevision: undefined };
  readFields(reader, (field) => {
    switch (field) {
      case 1:
        req.stream = reader.readString();
        return true;
      case 2: {
        const rec: WireRecord = {
          recordId: undefined,
          properties: {},
          propertiesSize: 0,
          format: 0,
          schemaName: '',
          data: new Uint8Array(0),
        };
        reader.readMessage(rec, (o: WireRecord, r: Reader) => readRecord(r, o));
        req.records.push(rec);
        return true;
      }
      case 3:
        req.expectedRevision = BigInt(reader.readSint64String());
        return true;
      default:
        return false;
    }
  });
  return req;
}

/** AppendSessionResponse { output = 1 (AppendResponse { stream = 1; stream_revision = 2 }); position = 2 }. */
export function encodeAppendSessionResponse(streams: readonly { streamId: string; currentRevision: bigint }[], position: bigint): Buffer {
  const w = new jspb.BinaryWriter();
  for (const s of streams) {
    w.writeMessage(1, s, (o: typeof s, ww: jspbTypes.BinaryWriter) => {
      ww.writeString(1, o.streamId);
      ww.writeSint64String(2, o.currentRevision.toString());
    });
  }
  w.writeSint64String(2, position.toString());
  return Buffer.from(w.getResultBuffer());
}

/** A detail message of kurrentdb.protocol.v2.streams.errors, as its name and fields. */
export type ErrorDetail =
  | { type: 'StreamRevisionConflictErrorDetails'; stream: string; expectedRevision: bigint; actualRevision: bigint }
  | { type: 'StreamTombstonedErrorDetails'; stream: string }
  | { type: 'StreamAlreadyInAppendSessionErrorDetails'; stream: string }
  | { type: 'AppendTransactionSizeExceededErrorDetails'; size: number; maxSize: number };

function encodeDetail(d: ErrorDetail): Uint8Array {
  const w = new jspb.BinaryWriter();
  switch (d.type) {
    case 'StreamRevisionConflictErrorDetails':
      w.writeString(1, d.stream);
      w.writeSint64String(2, d.expectedRevision.toString());
      w.writeSint64String(3, d.actualRevision.toString());
      break;
    case 'StreamTombstonedErrorDetails':
    case 'StreamAlreadyInAppendSessionErrorDetails':
      w.writeString(1, d.stream);
      break;
    case 'AppendTransactionSizeExceededErrorDetails':
      w.writeInt32(1, d.size);
      w.writeInt32(2, d.maxSize);
      break;
  }
  return w.getResultBuffer();
}

/**
 * The `grpc-status-details-bin` trailer KurrentDB sends: google.rpc.Status with its details as
 * [google.rpc.ErrorInfo { reason, domain }, the error's own detail message]. The kurrent client
 * reads the details field as a single Any, so it sees the last one: the detail message.
 */
export function encodeStatusDetails(code: number, message: string, reason: string, detail: ErrorDetail): Buffer {
  const w = new jspb.BinaryWriter();
  w.writeInt32(1, code);
  w.writeString(2, message);
  // (writeMessage skips a null value, so the Any's parts travel as the value)
  const any = (typeUrl: string, value: Uint8Array) =>
    w.writeMessage(3, { typeUrl, value }, (o: { typeUrl: string; value: Uint8Array }, ww: jspbTypes.BinaryWriter) => {
      ww.writeString(1, o.typeUrl);
      ww.writeBytes(2, o.value);
    });
  const info = new jspb.BinaryWriter();
  info.writeString(1, reason);
  info.writeString(2, 'kurrentdb');
  any('type.googleapis.com/google.rpc.ErrorInfo', info.getResultBuffer());
  any(`type.googleapis.com/kurrentdb.protocol.v2.streams.errors.${detail.type}`, encodeDetail(detail));
  return Buffer.from(w.getResultBuffer());
}
