// encodeDelivery must produce exactly the bytes the generated classes serialise (not just bytes
// that decode the same): sizes are computed up front, so any slip would show up here.
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../src/core/types.js';
import { fillRecordedEvent } from '../src/grpc/convert.js';
import { persistentPb } from '../src/grpc/generated.js';
import { encodeDelivery } from '../src/grpc/persistent-wire.js';

const rec = (over: Partial<RecordedEvent> = {}): RecordedEvent => ({
  eventId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  type: 'Deposited',
  isJson: true,
  data: new TextEncoder().encode('{"n":1}'),
  metadata: new Uint8Array(),
  streamId: 'account-1',
  revision: 0n,
  position: 5_000_000_123n,
  created: 17_000_000_000_000_000n,
  ...over,
});

function generated(event: RecordedEvent | undefined, link: RecordedEvent | undefined, retryCount: number, structured: boolean): Buffer {
  const position = (link ?? event)!.position;
  const RE = persistentPb.ReadResp.ReadEvent.RecordedEvent;
  const ev = new persistentPb.ReadResp.ReadEvent();
  if (event) ev.setEvent(fillRecordedEvent(new RE(), event, { structuredUuids: structured, position }));
  if (link) ev.setLink(fillRecordedEvent(new RE(), link, { structuredUuids: structured, position }));
  ev.setCommitPosition(position.toString());
  ev.setRetryCount(retryCount);
  const resp = new persistentPb.ReadResp();
  resp.setEvent(ev);
  return Buffer.from(resp.serializeBinary());
}

const big = (n: number) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = i % 251;
  return b;
};

const cases: [string, RecordedEvent | undefined, RecordedEvent | undefined, number][] = [
  ['plain event', rec(), undefined, 0],
  [
    'non-ASCII stream and type, custom metadata',
    rec({ streamId: 'konto-ü-€-😀', type: 'Überweisung😀', metadata: new TextEncoder().encode('{"m":"é"}') }),
    undefined,
    3,
  ],
  [
    'empty data, binary, huge revision and position',
    rec({ data: new Uint8Array(), isJson: false, revision: 9_223_372_036_854_775_806n, position: 18_000_000_000_000_000_000n }),
    undefined,
    1,
  ],
  ['position 0 and revision 0', rec({ position: 0n }), undefined, 0],
  ['data needing multi-byte lengths', rec({ data: big(20_000), metadata: big(300) }), undefined, 300],
  ['long stream name', rec({ streamId: 's'.repeat(200) }), undefined, 0],
  [
    'resolved link',
    rec({ revision: 4n }),
    rec({
      eventId: 'ffffffff-ffff-ffff-8000-000000000001',
      type: '$>',
      streamId: '$ce-account',
      revision: 3n,
      position: 9n,
      data: new TextEncoder().encode('4@account-1'),
    }),
    2,
  ],
  ['unresolvable link', undefined, rec({ type: '$>', position: 1n }), 0],
  ['all-zero id', rec({ eventId: '00000000-0000-0000-0000-000000000000' }), undefined, 0],
];

describe('encodeDelivery bytes', () => {
  for (const structured of [false, true]) {
    for (const [name, event, link, retry] of cases) {
      it(`${name}${structured ? ' (structured ids)' : ''}`, () => {
        expect(encodeDelivery({ event, link, retryCount: retry }, structured).equals(generated(event, link, retry, structured))).toBe(true);
      });
    }
  }
});
