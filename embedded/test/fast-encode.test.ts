// The hand-rolled ReadResp encoder must decode to exactly what the generated classes build.
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../src/core/types.js';
import { streamsPb } from '../src/grpc/generated.js';
import { toStreamsReadEvent } from '../src/grpc/convert.js';
import { encodeReadRespEvent } from '../src/grpc/fast-encode.js';

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
    ['resolved link, structured ids', rec(), rec({ type: '$>', isJson: false, streamId: 'links', data: Buffer.from('12@accöunt-1') }), true],
    ['unresolvable link', undefined, rec({ type: '$>', isJson: false, data: Buffer.from('9@gone') }), false],
    ['extreme numbers', rec({ revision: 9223372036854775807n, position: 18446744073709551615n, eventId: 'ffffffff-ffff-ffff-ffff-ffffffffffff' }), undefined, true],
    ['empty data, large data', rec({ data: new Uint8Array() }), rec({ data: Buffer.alloc(200_000, 7) }), false],
  ])('%s', (_name, event, link, structured) => {
    expect(viaFast(event, link, structured)).toEqual(viaGenerated(event, link, structured));
  });
});
