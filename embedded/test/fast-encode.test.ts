// The hand-rolled ReadResp encoder must decode to exactly what the generated classes build.
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../src/core/types.js';
import { streamsPb } from '../src/grpc/generated.js';
import { toStreamsReadEvent } from '../src/grpc/convert.js';
import { encodeReadRespEvent, encodeReadRespFromRecord, isLinkRecord } from '../src/grpc/fast-encode.js';
import { decodeRecord, encodeRecord } from '../src/storage/record-codec.js';

const rec = (over: Partial<RecordedEvent> = {}): RecordedEvent => ({
  eventId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  type: 'Dëposited',
  isJson: true,
  data: Buffer.from(JSON.stringify({ amount: 10, pad: 'x'.repeat(300) })),
  metadata: new Uint8Array(),
  streamId: 'accöunt-1',
  revision: 12n,
  position: 4096n,
  created: 17_000_000_000_000_000n,
  ...over,
});

function viaGenerated(event?: RecordedEvent, link?: RecordedEvent, structured = false) {
  const resp = new streamsPb.ReadResp();
  resp.setEvent(toStreamsReadEvent(event, link, { structuredUuids: structured }));
  return resp.toObject();
}

function viaFast(event?: RecordedEvent, link?: RecordedEvent, structured = false) {
  return streamsPb.ReadResp.deserializeBinary(encodeReadRespEvent(event, link, structured)).toObject();
}

describe('encodeReadRespEvent', () => {
  it.each([
    ['plain JSON event', rec(), undefined, false],
    ['binary event with metadata, revision 0', rec({ isJson: false, revision: 0n, metadata: Buffer.from([1, 2]) }), undefined, false],
    [
      'resolved link, structured ids',
      rec(),
      rec({ type: '$>', isJson: false, streamId: 'links', data: Buffer.from('12@accöunt-1') }),
      true,
    ],
    ['unresolvable link', undefined, rec({ type: '$>', isJson: false, data: Buffer.from('9@gone') }), false],
    [
      'extreme numbers',
      rec({ revision: 9223372036854775807n, position: 18446744073709551615n, eventId: 'ffffffff-ffff-ffff-ffff-ffffffffffff' }),
      undefined,
      true,
    ],
    ['empty data, large data', rec({ data: new Uint8Array() }), rec({ data: Buffer.alloc(200_000, 7) }), false],
  ])('%s', (_name, event, link, structured) => {
    expect(viaFast(event, link, structured)).toEqual(viaGenerated(event, link, structured));
  });
});

describe('encodeReadRespFromRecord (straight from stored bytes)', () => {
  // A record as the log stores it, in a larger buffer at an offset (as `$all` chunks are).
  const stored = (r: RecordedEvent) => {
    const bytes = encodeRecord(r, true);
    const buf = Buffer.concat([Buffer.alloc(13, 0xee), bytes, Buffer.alloc(7, 0xee)]);
    return { buf, off: 13 };
  };
  const viaGeneratedResp = (r: RecordedEvent, structured: boolean) => {
    const resp = new streamsPb.ReadResp();
    resp.setEvent(toStreamsReadEvent(r, undefined, { structuredUuids: structured }));
    return resp;
  };

  it.each([
    ['plain JSON event', rec(), false],
    ['structured ids', rec(), true],
    ['binary event with metadata, revision 0', rec({ isJson: false, revision: 0n, metadata: Buffer.from([1, 2]) }), false],
    [
      'tombstone revision, huge position, all-f id',
      rec({ revision: 9223372036854775807n, position: 2n ** 52n, eventId: 'ffffffff-ffff-ffff-ffff-ffffffffffff' }),
      true,
    ],
    ['zero id halves', rec({ eventId: '00000000-0000-0000-0000-000000000000' }), true],
    ['empty data, long names', rec({ data: new Uint8Array(), streamId: 's'.repeat(300), type: 't'.repeat(130) }), false],
    ['large data and metadata', rec({ data: Buffer.alloc(200_000, 7), metadata: Buffer.alloc(5_000, 3) }), false],
    ['negative created', rec({ created: -5n }), false],
  ])('%s: same message as the generated classes, byte for byte', (_name, r, structured) => {
    const { buf, off } = stored(r);
    const fast = encodeReadRespFromRecord(buf, off, Number(r.position), structured);
    const generated = viaGeneratedResp(decodeRecord(buf, off, r.position), structured);
    expect(streamsPb.ReadResp.deserializeBinary(fast).toObject()).toEqual(generated.toObject());
    expect(Buffer.from(generated.serializeBinary()).equals(fast)).toBe(true);
    // and the same as the decoded path
    expect(streamsPb.ReadResp.deserializeBinary(fast).toObject()).toEqual(viaFast(r, undefined, structured));
  });

  it('reuses the created text only for equal ticks', () => {
    const a = stored(rec({ created: 1n }));
    const b = stored(rec({ created: 4294967296n + 1n }));
    const objA = streamsPb.ReadResp.deserializeBinary(encodeReadRespFromRecord(a.buf, a.off, 1)).toObject();
    const objB = streamsPb.ReadResp.deserializeBinary(encodeReadRespFromRecord(b.buf, b.off, 1)).toObject();
    expect(objA.event?.event?.metadataMap).toContainEqual(['created', '1']);
    expect(objB.event?.event?.metadataMap).toContainEqual(['created', '4294967297']);
  });

  it('recognises links by their type bytes', () => {
    const link = stored(rec({ type: '$>' }));
    const other = stored(rec({ type: '$>x' }));
    expect(isLinkRecord(link.buf, link.off)).toBe(true);
    expect(isLinkRecord(other.buf, other.off)).toBe(false);
  });
});
