import { describe, expect, it } from 'vitest';
import { activeFilters, eventLogHref, hasEmptyFields, parseEventLogParams } from './event-log-params';
import { parseEventId } from './event-id';
import { parseStreamCursor, parseStreamName, streamHref } from './stream-params';

const ACCOUNT = '1234567897';

describe('parseEventLogParams', () => {
  it('reads every filter and the cursor', () => {
    const parsed = parseEventLogParams({
      type: ['PaymentMade', 'AccountOpened', 'PaymentMade'],
      account: ACCOUNT,
      min: '1,234.5',
      max: '2000',
      from: '2026-12-05',
      to: '2026-12-06T10:30',
      q: '  rent  ',
      command: 'c-1',
      correlation: 'corr',
      causation: 'cause',
      before: '42',
      utm_source: 'ignored',
    });
    expect(parsed).toEqual({
      ok: true,
      params: {
        filter: {
          types: ['AccountOpened', 'PaymentMade'],
          account: ACCOUNT,
          minCents: 123_450n,
          maxCents: 200_000n,
          from: new Date('2026-12-05T00:00:00Z'),
          until: new Date('2026-12-06T10:31:00Z'),
          text: 'rent',
          command: 'c-1',
          correlation: 'corr',
          causation: 'cause',
        },
        cursor: { before: 42n },
        raw: {
          type: ['PaymentMade', 'AccountOpened'],
          account: ACCOUNT,
          min: '1,234.5',
          max: '2000',
          from: '2026-12-05',
          to: '2026-12-06T10:30',
          q: 'rent',
          command: 'c-1',
          correlation: 'corr',
          causation: 'cause',
          before: '42',
        },
      },
    });
  });

  it('takes blank fields (what a GET form sends) as absent', () => {
    const search = { type: '', account: '', min: ' ', q: '', after: '7' };
    expect(parseEventLogParams(search)).toMatchObject({ ok: true, params: { filter: {}, cursor: { after: 7n } } });
    expect(hasEmptyFields(search)).toBe(true);
    expect(hasEmptyFields({ type: ['PaymentMade', ''] })).toBe(true);
    expect(hasEmptyFields({ type: 'PaymentMade', after: '7' })).toBe(false);
  });

  it('ends a day, minute or second at the start of the next one', () => {
    const until = (to: string) => (parseEventLogParams({ to }) as { ok: true; params: { filter: { until: Date } } }).params.filter.until;
    expect(until('2026-12-31')).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(until('2026-12-31T23:59')).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(until('2026-12-31T23:59:59')).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(parseEventLogParams({ from: '2026-12-06', to: '2026-12-06' }).ok).toBe(true);
  });

  it.each([
    [{ type: 'Payment Made' }, /event type name/],
    [{ type: Array.from({ length: 11 }, (_, i) => `T${i}`) }, /at most 10/],
    [{ account: '123' }, /account.*10 digits/],
    [{ account: '1234567890' }, /check digit/],
    [{ min: '-5' }, /min.*negative/],
    [{ max: '1,50' }, /max.*comma/],
    [{ min: 'ten' }, /min/],
    [{ min: '20', max: '10' }, /larger than the largest/],
    [{ from: 'yesterday' }, /from.*YYYY-MM-DD/],
    [{ from: '2026-02-30' }, /not a date that exists/],
    [{ to: '2026-12-06T24:00' }, /not a date that exists/],
    [{ from: '2026-12-07', to: '2026-12-06' }, /after the end date/],
    [{ q: 'ab' }, /at least 3/],
    [{ q: 'x'.repeat(101) }, /at most 100/],
    [{ q: 'abc\u0000' }, /control/],
    [{ command: 'has space' }, /command.*no spaces/],
    [{ correlation: 'x'.repeat(201) }, /at most 200/],
    [{ before: 'abc' }, /before.*commit position/],
    [{ after: '-1' }, /after.*commit position/],
    [{ before: '18446744073709551616' }, /beyond the largest/],
    [{ before: '1', after: '2' }, /not both/],
    [{ account: [ACCOUNT, ACCOUNT] }, /once/],
  ])('refuses %j with a clear message', (search, message) => {
    const parsed = parseEventLogParams(search);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});

describe('event log links', () => {
  it('are built in one order, so equal filters give equal URLs', () => {
    expect(eventLogHref({})).toBe('/events');
    expect(eventLogHref({ q: 'a&b', type: ['PaymentMade', 'AccountOpened'], account: ACCOUNT }, { before: 5n })).toBe(
      `/events?type=AccountOpened&type=PaymentMade&account=${ACCOUNT}&q=a%26b&before=5`,
    );
  });

  it('offer each active filter for removal, keeping the others and dropping the cursor', () => {
    const filters = activeFilters({ type: ['PaymentMade', 'AccountOpened'], min: '1234.5', q: 'rent', before: '9' });
    expect(filters.map((f) => [f.label, f.removeHref])).toEqual([
      ['Type: PaymentMade', '/events?type=AccountOpened&min=1234.5&q=rent'],
      ['Type: AccountOpened', '/events?type=PaymentMade&min=1234.5&q=rent'],
      ['Amount ≥ $1,234.50', '/events?type=AccountOpened&type=PaymentMade&q=rent'],
      ['Text: “rent”', '/events?type=AccountOpened&type=PaymentMade&min=1234.5'],
    ]);
  });
});

describe('stream and event addresses', () => {
  it('take any stream name but refuse empty, control characters, overlong names and $all', () => {
    // Segments arrive percent-encoded, as in the address.
    expect(parseStreamName('command-3f2b8c1e-4d5a-4b6c-9d7e-8f9a0b1c2d3e')).toEqual({
      ok: true,
      value: 'command-3f2b8c1e-4d5a-4b6c-9d7e-8f9a0b1c2d3e',
    });
    expect(parseStreamName('%24%24account-1')).toEqual({ ok: true, value: '$$account-1' });
    expect(parseStreamName('orders%2Fwith%20spaces%3F')).toEqual({ ok: true, value: 'orders/with spaces?' });
    expect(parseStreamName('50%2525')).toEqual({ ok: true, value: '50%25' });
    for (const bad of ['', 'a%00b', 'a%E2%80%AEb', 'x'.repeat(501), '%24all', '50%', '%E0%A4%A'])
      expect(parseStreamName(bad).ok, JSON.stringify(bad)).toBe(false);
    expect(streamHref('orders/with spaces?', { before: 3n })).toBe('/streams/orders%2Fwith%20spaces%3F?before=3');
    for (const name of ['orders/with spaces?', '$$x', '50%', 'ünïcode €']) {
      expect(parseStreamName(streamHref(name).slice('/streams/'.length))).toEqual({ ok: true, value: name });
    }
  });

  it('page streams by revision', () => {
    expect(parseStreamCursor({ before: '10' })).toEqual({ ok: true, value: { before: 10n } });
    expect(parseStreamCursor({ after: '' })).toEqual({ ok: true, value: {} });
    for (const bad of [{ before: 'x' }, { after: '9223372036854775808' }, { before: '1', after: '2' }, { before: ['1', '2'] }]) {
      expect(parseStreamCursor(bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });

  it('take event ids as UUIDs only', () => {
    expect(parseEventId('3F2B8C1E-4D5A-4B6C-9D7E-8F9A0B1C2D3E')).toEqual({ ok: true, value: '3f2b8c1e-4d5a-4b6c-9d7e-8f9a0b1c2d3e' });
    for (const bad of ['', 'abc', '3f2b8c1e4d5a4b6c9d7e8f9a0b1c2d3e', '3f2b8c1e-4d5a-4b6c-9d7e-8f9a0b1c2d3e0'])
      expect(parseEventId(bad).ok).toBe(false);
  });
});
