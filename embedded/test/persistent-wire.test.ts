// The hand-written persistent Read codecs must be wire-identical to the generated classes.
import { describe, expect, it } from 'vitest';
import type * as grpc from '@grpc/grpc-js';
import type { RecordedEvent } from '../src/core/types.js';
import { persistentPb, sharedPb } from '../src/grpc/generated.js';
import { encodeDelivery, persistentServiceDefinition, type ReadRequest } from '../src/grpc/persistent-wire.js';

const rec = (over: Partial<RecordedEvent> = {}): RecordedEvent => ({
  eventId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  type: 'Deposited',
  isJson: true,
  data: new TextEncoder().encode('{"n":1}'),
  metadata: new Uint8Array(),
  streamId: 'account-ü-1',
  revision: 0n,
  position: 5_000_000_123n,
  created: 17_000_000_000_000_000n,
  ...over,
});

function decode(bytes: Buffer) {
  const resp = persistentPb.ReadResp.deserializeBinary(bytes);
  const ev = resp.getEvent()!;
  const record = (r: InstanceType<typeof persistentPb.ReadResp.ReadEvent.RecordedEvent> | undefined) =>
    r && {
      id: r.getId()!.hasString()
        ? r.getId()!.getString()
        : [r.getId()!.getStructured()!.getMostSignificantBits(), r.getId()!.getStructured()!.getLeastSignificantBits()],
      stream: Buffer.from(r.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8'),
      revision: r.getStreamRevision(),
      commit: r.getCommitPosition(),
      prepare: r.getPreparePosition(),
      metadata: Object.fromEntries(r.getMetadataMap().getEntryList()),
      custom: Buffer.from(r.getCustomMetadata_asU8()).toString('utf8'),
      data: Buffer.from(r.getData_asU8()).toString('utf8'),
    };
  return {
    event: record(ev.getEvent()),
    link: record(ev.getLink()),
    commit: ev.hasCommitPosition() ? ev.getCommitPosition() : undefined,
    retry: ev.hasRetryCount() ? ev.getRetryCount() : undefined,
  };
}

describe('encodeDelivery', () => {
  it('encodes a plain event with string ids', () => {
    expect(decode(encodeDelivery({ event: rec(), retryCount: 0 }, false))).toEqual({
      event: {
        id: '0f8fad5b-d9cb-469f-a165-70867728950e',
        stream: 'account-ü-1',
        revision: '0',
        commit: '5000000123',
        prepare: '5000000123',
        metadata: { type: 'Deposited', created: '17000000000000000', 'content-type': 'application/json' },
        custom: '',
        data: '{"n":1}',
      },
      link: undefined,
      commit: '5000000123',
      retry: 0,
    });
  });

  it('encodes a resolved link with structured ids, the link position on both records', () => {
    const event = rec({ isJson: false, revision: 9_223_372_036_854_775_806n, metadata: new TextEncoder().encode('{"m":1}') });
    const link = rec({
      eventId: 'ffffffff-ffff-ffff-8000-000000000001',
      type: '$>',
      isJson: false,
      streamId: '$ce-account',
      revision: 3n,
      position: 18_000_000_000_000_000_000n,
      data: new TextEncoder().encode('1@account-ü-1'),
    });
    const d = decode(encodeDelivery({ event, link, retryCount: 7 }, true));
    expect(d.link!.id).toEqual(['-1', '-9223372036854775807']);
    expect(d.event!.id).toEqual(['1121305442246149791', '-6816918738128300786']);
    expect(d.event!.revision).toBe('9223372036854775806');
    expect(d.event!.commit).toBe('18000000000000000000');
    expect(d.event!.metadata['content-type']).toBe('application/octet-stream');
    expect(d.event!.custom).toBe('{"m":1}');
    expect(d.link!.stream).toBe('$ce-account');
    expect(d.link!.data).toBe('1@account-ü-1');
    expect(d.commit).toBe('18000000000000000000');
    expect(d.retry).toBe(7);
  });

  it('encodes an unresolvable link (no event)', () => {
    const link = rec({ type: '$>', position: 1n });
    const d = decode(encodeDelivery({ link, retryCount: 1 }, false));
    expect(d.event).toBeUndefined();
    expect(d.link!.commit).toBe('1');
  });
});

describe('Read request decoding', () => {
  const read = (persistentServiceDefinition() as unknown as { read: grpc.MethodDefinition<ReadRequest, unknown> }).read;
  const uuid = (s: string) => {
    const u = new sharedPb.UUID();
    u.setString(s);
    return u;
  };
  const bytes = (req: InstanceType<typeof persistentPb.ReadReq>) => Buffer.from(req.serializeBinary());

  it('takes the fast path for string-id acks and nacks, normalising ids', () => {
    const req = new persistentPb.ReadReq();
    const ack = new persistentPb.ReadReq.Ack();
    ack.setIdsList([uuid('0F8FAD5B-D9CB-469F-A165-70867728950E'), uuid('{0f8fad5b-d9cb-469f-a165-70867728950f}')]);
    req.setAck(ack);
    expect(read.requestDeserialize(bytes(req))).toEqual({
      kind: 'ack',
      ids: ['0f8fad5b-d9cb-469f-a165-70867728950e', '0f8fad5b-d9cb-469f-a165-70867728950f'],
    });

    const nreq = new persistentPb.ReadReq();
    const nack = new persistentPb.ReadReq.Nack();
    nack.setIdsList([uuid('0f8fad5b-d9cb-469f-a165-70867728950e')]);
    nack.setAction(persistentPb.ReadReq.Nack.Action.PARK);
    nack.setReason('bad ünicode');
    nreq.setNack(nack);
    expect(read.requestDeserialize(bytes(nreq))).toEqual({
      kind: 'nack',
      ids: ['0f8fad5b-d9cb-469f-a165-70867728950e'],
      action: 1,
      reason: 'bad ünicode',
    });
  });

  it('falls back to the generated decoder for options, structured ids and invalid ids', () => {
    const opts = new persistentPb.ReadReq();
    const o = new persistentPb.ReadReq.Options();
    o.setGroupName('g');
    opts.setOptions(o);
    const decoded = read.requestDeserialize(bytes(opts)) as { kind: string; req: InstanceType<typeof persistentPb.ReadReq> };
    expect(decoded.kind).toBe('other');
    expect(decoded.req.getOptions()!.getGroupName()).toBe('g');

    const bad = new persistentPb.ReadReq();
    const ack = new persistentPb.ReadReq.Ack();
    ack.setIdsList([uuid('not-a-uuid')]);
    bad.setAck(ack);
    expect((read.requestDeserialize(bytes(bad)) as { kind: string }).kind).toBe('other');
  });
});
