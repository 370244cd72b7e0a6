import { describe, expect, it } from 'vitest';
import { pastStateHref, timeTravelHref } from './href';
import { parseAsOf, parsePointNumber, parsePointQuery, parsePosition, parseRevision } from './params';

describe('time-travel URL values', () => {
  it('accepts revisions from 0 to 2^63 - 1 and explains the rest', () => {
    expect(parseRevision('0')).toEqual({ ok: true, value: 0n });
    expect(parseRevision('9223372036854775807')).toEqual({ ok: true, value: 2n ** 63n - 1n });
    expect(parseRevision('9223372036854775808')).toEqual({
      ok: false,
      reason: 'Revision 9223372036854775808 is beyond any possible revision.',
    });
    for (const bad of ['', '-1', '1.5', 'abc', '1e3', ' 1', '99999999999999999999']) {
      const parsed = parseRevision(bad);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toMatch(/is not a revision/);
    }
  });

  it('accepts positions up to 2^64 - 1', () => {
    expect(parsePosition(undefined)).toEqual({ ok: true, value: undefined });
    expect(parsePosition('0')).toEqual({ ok: true, value: 0n });
    expect(parsePosition('18446744073709551615')).toEqual({ ok: true, value: 2n ** 64n - 1n });
    for (const bad of ['18446744073709551616', '-5', '12abc', '', '1 ', '0x10']) {
      const parsed = parsePosition(bad);
      expect(parsed.ok, bad).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toMatch(/“position” must be a \$all commit position/);
    }
    expect(parsePosition(['1', '2'])).toEqual({ ok: false, reason: 'Give “position” once, not 2 times.' });
  });

  it('reads asOf as ISO 8601, UTC when no offset is given', () => {
    expect(parseAsOf('2026-12-06T10:30:00Z')).toEqual({ ok: true, value: new Date('2026-12-06T10:30:00Z') });
    expect(parseAsOf('2026-12-06T12:30:00.5+02:00')).toEqual({ ok: true, value: new Date('2026-12-06T10:30:00.500Z') });
    expect(parseAsOf('2026-12-06T10:30')).toEqual({ ok: true, value: new Date('2026-12-06T10:30:00Z') });
    for (const bad of ['2026-02-30T10:00:00Z', '2026-12-06', 'yesterday', '2026-12-06T25:00:00Z', '1969-12-31T23:59:59Z', '']) {
      const parsed = parseAsOf(bad);
      expect(parsed.ok, bad).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toMatch(/“asOf” must be an ISO 8601 date and time/);
    }
  });

  it('accepts point numbers from 1', () => {
    expect(parsePointNumber('1')).toEqual({ ok: true, value: 1 });
    expect(parsePointNumber(undefined)).toEqual({ ok: true, value: undefined });
    for (const bad of ['0', '-1', '2.5', 'last', '99999999999']) expect(parsePointNumber(bad).ok, bad).toBe(false);
  });

  it('takes a position or a moment, not both', () => {
    expect(parsePointQuery({})).toEqual({ ok: true, value: null });
    expect(parsePointQuery({ position: '42' })).toEqual({ ok: true, value: { by: 'position', position: 42n } });
    expect(parsePointQuery({ asOf: '2026-12-06T10:30:00Z' })).toEqual({
      ok: true,
      value: { by: 'asOf', at: new Date('2026-12-06T10:30:00Z') },
    });
    expect(parsePointQuery({ position: '42', asOf: '2026-12-06T10:30:00Z' })).toEqual({
      ok: false,
      reason: 'Give either “position” or “asOf”, not both.',
    });
    expect(parsePointQuery({ position: 'x' }).ok).toBe(false);
  });
});

describe('past-state addresses', () => {
  it('addresses own revisions, positions and moments', () => {
    expect(pastStateHref('1000000008', 3n)).toBe('/accounts/1000000008/at/3');
    expect(pastStateHref('1000000008', '0')).toBe('/accounts/1000000008/at/0');
    expect(pastStateHref('1000000008', { revision: 7n })).toBe('/accounts/1000000008/at/7');
    expect(pastStateHref('1000000008', { position: 123456789n })).toBe('/accounts/1000000008/at?position=123456789');
    expect(pastStateHref('1000000008', { asOf: new Date('2026-12-06T10:30:00Z') })).toBe(
      '/accounts/1000000008/at?asOf=2026-12-06T10%3A30%3A00.000Z',
    );
    expect(timeTravelHref('1000000008', 4)).toBe('/accounts/1000000008?point=4#time-travel');
  });
});
