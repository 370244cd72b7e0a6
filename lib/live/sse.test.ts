import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLiveParams } from './sse';

const parse = (query: string, lastEventId?: string) =>
  parseLiveParams(
    new URL(`http://localhost/api/live${query}`),
    new Headers(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
  );

describe('parseLiveParams', () => {
  it('takes an account with a valid check digit and a position; Last-Event-ID wins over since', () => {
    expect(parse('?account=1000000008&since=42')).toEqual({ ok: true, params: { account: '1000000008', since: 42n } });
    expect(parse('?since=42', '43')).toEqual({ ok: true, params: { since: 43n } });
    expect(parse('')).toEqual({ ok: true, params: {} });
    expect(parse('', '')).toEqual({ ok: true, params: {} });
  });

  it('refuses anything else with a message, and never throws', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.option(fc.string({ unit: 'binary', maxLength: 30 })),
        (query, header) => {
          let url: URL;
          try {
            url = new URL(`http://localhost/api/live?${query}`);
          } catch {
            return;
          }
          let headers: Headers;
          try {
            headers = new Headers(header === null ? {} : { 'last-event-id': header });
          } catch {
            return; // not a valid header value: no browser can send it
          }
          const result = parseLiveParams(url, headers);
          if (result.ok) {
            if (result.params.account !== undefined) expect(result.params.account).toMatch(/^\d{10}$/);
            if (result.params.since !== undefined) expect(result.params.since).toBeGreaterThanOrEqual(0n);
          } else {
            expect(result.message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 500 },
    );
    expect(parse('?since=9223372036854775808').ok).toBe(false);
    expect(parse('?since=9223372036854775807').ok).toBe(true);
  });
});
