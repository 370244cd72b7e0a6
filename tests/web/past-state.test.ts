import { describe, expect, it } from 'vitest';
import { parsePastRevision, pastStateHref } from '@/components/past-state';

describe('past state route', () => {
  it('links to an account revision', () => {
    expect(pastStateHref('1000000008', 3n)).toBe('/accounts/1000000008/at/3');
    expect(pastStateHref('1000000008', '0')).toBe('/accounts/1000000008/at/0');
  });

  it('accepts whole revisions from 0 up to 2^63 - 1', () => {
    expect(parsePastRevision('0')).toEqual({ ok: true, revision: 0n });
    expect(parsePastRevision('42')).toEqual({ ok: true, revision: 42n });
    expect(parsePastRevision('9223372036854775807')).toEqual({ ok: true, revision: 2n ** 63n - 1n });
  });

  it.each(['', '-1', '1.5', 'abc', '1e3', ' 1', '99999999999999999999'])('rejects %j with a clear message', (value) => {
    const parsed = parsePastRevision(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(/not a revision/);
  });

  it('rejects revisions no stream can reach', () => {
    expect(parsePastRevision('9223372036854775808')).toEqual({
      ok: false,
      message: 'Revision 9223372036854775808 is beyond any possible revision.',
    });
  });
});
