import { describe, expect, it } from 'vitest';
import { parseEventLogCursor } from './event-log-cursor';

describe('parseEventLogCursor', () => {
  it('accepts no cursor, before or after', () => {
    expect(parseEventLogCursor({})).toEqual({ ok: true, cursor: {} });
    expect(parseEventLogCursor({ before: '42' })).toEqual({ ok: true, cursor: { before: 42n } });
    expect(parseEventLogCursor({ after: '0' })).toEqual({ ok: true, cursor: { after: 0n } });
    expect(parseEventLogCursor({ before: '18446744073709551615' })).toEqual({
      ok: true,
      cursor: { before: 18446744073709551615n },
    });
  });

  it.each([
    [{ before: '' }, /before.*whole number/],
    [{ before: '-1' }, /before.*whole number/],
    [{ before: '1.5' }, /before.*whole number/],
    [{ before: 'abc' }, /before.*whole number/],
    [{ after: '1e3' }, /after.*whole number/],
    [{ before: '18446744073709551616' }, /beyond the largest/],
    [{ before: '123456789012345678901' }, /whole number/],
    [{ before: ['1', '2'] }, /once/],
    [{ before: '1', after: '2' }, /not both/],
  ])('rejects %j with a clear message', (params, message) => {
    const parsed = parseEventLogCursor(params);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});
