import { describe, expect, it } from 'vitest';
import { boundActionFieldsAreSafe, malformedUrl, refuseServerAction, replyArgumentsAreSafe } from '@/lib/http/request-checks';

const LIMIT = 1000;
const base = 'http://bank.test';
const post = (headers: Record<string, string>, body: BodyInit) =>
  new Request(`${base}/accounts/new`, { method: 'POST', headers: { host: 'bank.test', ...headers }, body });

describe('malformed URLs', () => {
  it('refuses broken percent-escapes in the path and the query', () => {
    expect(malformedUrl(`${base}/accounts/%E0%A4%A`)?.status).toBe(400);
    expect(malformedUrl(`${base}/accounts/%ZZ/at/1`)?.status).toBe(400);
    expect(malformedUrl(`${base}/events?cursor=%ZZ`)?.status).toBe(400);
    expect(malformedUrl(`${base}/events?%ZZ=1`)?.status).toBe(400);
  });

  it('lets well-formed addresses through, encoded unicode included', () => {
    expect(malformedUrl(`${base}/accounts/%E0%A4%A4`)).toBeNull();
    expect(malformedUrl(`${base}/events?before=12&after=a+b%20c`)).toBeNull();
    expect(malformedUrl(`${base}/`)).toBeNull();
  });
});

describe('server action requests', () => {
  it('ignores requests that are not form posts', async () => {
    expect(await refuseServerAction(new Request(`${base}/`), LIMIT)).toBeNull();
    expect(await refuseServerAction(post({ 'content-type': 'application/json' }, '{'), LIMIT)).toBeNull();
  });

  it('accepts what a browser sends, with and without JavaScript', async () => {
    const form = new FormData();
    form.append('$ACTION_1:0', '{"id":"ab","bound":"$@1"}');
    form.append('$ACTION_1:1', '[{"status":"error","message":"$$5 is too little","values":{"amount":"$undefined"}}]');
    form.append('holderName', 'Ada');
    expect(await refuseServerAction(post({ origin: base }, form), LIMIT)).toBeNull();
    expect(await refuseServerAction(post({ 'next-action': 'ab', origin: base }, form), LIMIT)).toBeNull();
    expect(await refuseServerAction(post({ 'next-action': 'ab', 'content-type': 'text/plain;charset=UTF-8' }, '[1]'), LIMIT)).toBeNull();
  });

  it('refuses bodies over the limit, declared or not', async () => {
    const big = 'x'.repeat(LIMIT + 1);
    expect((await refuseServerAction(post({ 'content-type': 'application/x-www-form-urlencoded' }, big), LIMIT))?.status).toBe(413);
    const chunked = new Request(`${base}/`, {
      method: 'POST',
      headers: { 'next-action': 'ab', 'content-type': 'text/plain' },
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect((await refuseServerAction(chunked, LIMIT))?.status).toBe(413);
  });

  it('refuses action calls that are not form data, and bodies that do not parse', async () => {
    const action = { 'next-action': 'ab' };
    expect((await refuseServerAction(post({ ...action, 'content-type': 'application/json' }, '{}'), LIMIT))?.status).toBe(400);
    expect((await refuseServerAction(post(action, new Blob(['x'])), LIMIT))?.status).toBe(400);
    expect((await refuseServerAction(post({ ...action, 'content-type': 'text/plain' }, 'garbage{'), LIMIT))?.status).toBe(400);
    expect((await refuseServerAction(post({ 'content-type': 'multipart/form-data' }, 'x'), LIMIT))?.status).toBe(400);
    expect((await refuseServerAction(post({ 'content-type': 'multipart/form-data; boundary=b' }, 'x'), LIMIT))?.status).toBe(400);
    const form = new FormData();
    form.append('$ACTION_1:1', '{not json');
    expect((await refuseServerAction(post({}, form), LIMIT))?.status).toBe(400);
  });

  it('refuses JavaScript action calls whose arguments reference anything but the form data', async () => {
    const call = (argumentList: string) => {
      const form = new FormData();
      form.append('_1_amount', '5');
      form.append('0', argumentList);
      return refuseServerAction(post({ 'next-action': 'ab', origin: base }, form), LIMIT);
    };
    expect(await call('[{"status":"idle"},"$K1"]')).toBeNull();
    expect(await call('[{"status":"error","message":"$$5","values":{"amount":"$undefined"}},"$K1"]')).toBeNull();
    // "$Q1" (a Map from chunk 1) made React's decoder throw: a 500.
    for (const hostile of ['["$Q1","$K1"]', '[{"status":"idle"},"$@1"]', '[{"a":"$Q0"},"$K1"]', '["$K1x"]', 'not json']) {
      expect((await call(hostile))?.status, hostile).toBe(400);
      const plain = post({ 'next-action': 'ab', 'content-type': 'text/plain;charset=UTF-8' }, hostile);
      expect((await refuseServerAction(plain, LIMIT))?.status, hostile).toBe(400);
    }
    expect(replyArgumentsAreSafe(null)).toBe(true);
    expect(replyArgumentsAreSafe(new File(['[]'], 'args.json'))).toBe(false);
  });

  it('refuses cross-origin submissions', async () => {
    const form = new FormData();
    expect((await refuseServerAction(post({ origin: 'https://evil.test' }, form), LIMIT))?.status).toBe(403);
    expect((await refuseServerAction(post({ origin: 'null' }, form), LIMIT))?.status).toBe(403);
  });
});

describe('bound action fields (no-JavaScript posts)', () => {
  const form = (fields: Record<string, string>) => {
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) data.append(name, value);
    return data;
  };
  const meta = '{"id":"ab","bound":"$@1"}';

  it.each([
    ['[{"status":"idle"}]'],
    ['[{"status":"error","fieldErrors":{"amount":["x"]},"n":"$n42","d":"$D2026-01-01T00:00:00.000Z","u":"$undefined"}]'],
    ['[{"message":"$$ escaped dollars"}]'],
  ])('accepts plain state %s', (state) => {
    expect(boundActionFieldsAreSafe(form({ '$ACTION_1:0': meta, '$ACTION_1:1': state }))).toBe(true);
  });

  it.each([
    ['a Map reference', '["$Q1"]'],
    ['a promise reference', '["$@0"]'],
    ['a form data reference', '[{"x":"$K1"}]'],
    ['a bigint that is not one', '["$n12x"]'],
    ['a bare chunk reference', '["$1"]'],
    ['text that is not JSON', '[{'],
  ])('refuses %s in the bound state', (_, state) => {
    expect(boundActionFieldsAreSafe(form({ '$ACTION_1:0': meta, '$ACTION_1:1': state }))).toBe(false);
  });

  it('refuses metadata that binds a missing or self chunk, or has no id', () => {
    expect(boundActionFieldsAreSafe(form({ '$ACTION_1:0': meta }))).toBe(false);
    expect(boundActionFieldsAreSafe(form({ '$ACTION_1:0': '{"id":"ab","bound":"$@0"}' }))).toBe(false);
    expect(boundActionFieldsAreSafe(form({ '$ACTION_1:0': '{"bound":null}' }))).toBe(false);
    expect(boundActionFieldsAreSafe(form({ '$ACTION_1:0': '{"id":"ab","bound":null}' }))).toBe(true);
  });
});
