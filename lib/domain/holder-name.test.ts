import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAccountEvent } from './events';
import { holderNameSchema, paymentReferenceSchema } from './holder-name';

const message = (result: { success: boolean; error?: { issues: Array<{ message: string }> } }) =>
  result.error?.issues.map((i) => i.message).join('; ');

describe('holder names', () => {
  it.each([
    ['Ada Lovelace', 'Ada Lovelace'],
    ['  Zoë  Ångström ', 'Zoë  Ångström'],
    ['محمد علي', 'محمد علي'],
    ['李小龍', '李小龍'],
    ['Emoji 👩‍💻', 'Emoji 👩‍💻'],
  ])('accept %j', (input, stored) => {
    expect(holderNameSchema.parse(input)).toBe(stored);
  });

  it.each([
    ['Ada\u0000', /control characters/],
    ['Ada\nBob', /control characters/],
    ['Ada\tLovelace', /control characters/],
    ['Ada\u001b[31m', /control characters/],
    ['Ada\u0085', /control characters/],
    ['Ada\u202eecilA', /text-direction/],
    ['\u2066Ada\u2069', /text-direction/],
    ['Ada\u200f', /text-direction/],
    ['Ada\ud800', /invalid character/],
    ['\udc00Ada', /invalid character/],
    ['\u200b', /invisible/],
    ['\u200b\u200d\ufeff', /invisible/],
    [' \u2060 \u00ad ', /invisible/],
    ['\u3164', /invisible/],
  ])('refuse %j with a clear message', (input, expected) => {
    const result = holderNameSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(message(result)).toMatch(expected);
    expect(message(result)).toMatch(/^Holder name /);
  });

  it('refuse a name over 100 characters with one message that says how long it is', () => {
    const result = holderNameSchema.safeParse('N'.repeat(10_000));
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'Holder name must be at most 100 characters (this one has 10,000)',
    ]);
    expect(holderNameSchema.safeParse('N'.repeat(100)).success).toBe(true);
    // Too long and invisible: the first problem only.
    expect(holderNameSchema.safeParse('\u200b'.repeat(101)).error?.issues).toHaveLength(1);
  });

  it('keep a zero-width joiner inside a visible name (emoji and Indic scripts need it)', () => {
    expect(holderNameSchema.safeParse('क्‍ष').success).toBe(true);
  });
});

describe('payment references', () => {
  it('refuse the same characters, naming the field', () => {
    expect(message(paymentReferenceSchema.safeParse('rent\u202e'))).toBe('Reference cannot contain text-direction control characters');
    expect(message(paymentReferenceSchema.safeParse('rent\r\n'))).toBeUndefined(); // trimmed away
    expect(message(paymentReferenceSchema.safeParse('rent\r\nmore'))).toMatch(/^Reference cannot contain control characters/);
    expect(paymentReferenceSchema.parse('  rent March ')).toBe('rent March');
  });
});

const forbidden = fc.constantFrom(
  ...['\u0000', '\u0007', '\u001b', '\u007f', '\u009b', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e'],
  ...['\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\ud800', '\udfff'],
);
const invisible = fc.constantFrom('\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', ' ');

describe('properties', () => {
  it('a name with any forbidden character anywhere is refused, by the command and by the stored event', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), forbidden, fc.string({ maxLength: 40 }), (before, bad, after) => {
        const name = `Ada${before}${bad}${after}x`;
        expect(holderNameSchema.safeParse(name).success).toBe(false);
        const stored = parseAccountEvent('AccountOpened', { accountNumber: '1000000008', holderName: name, openingBalanceCents: 0 });
        expect(stored.ok).toBe(false);
        const payment = parseAccountEvent('PaymentMade', {
          payerAccountNumber: '1000000008',
          payeeAccountNumber: '2000000006',
          amountCents: 1,
          reference: name,
        });
        expect(payment.ok).toBe(false);
      }),
    );
  });

  it('a name made only of invisible characters is refused', () => {
    fc.assert(
      fc.property(fc.array(invisible, { minLength: 1, maxLength: 10 }), (chars) => {
        expect(holderNameSchema.safeParse(chars.join('')).success).toBe(false);
      }),
    );
  });

  it('every accepted name is stored trimmed, within bounds, and accepted again unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (input) => {
        const result = holderNameSchema.safeParse(input);
        if (!result.success) return;
        expect(result.data).toBe(result.data.trim());
        expect(result.data.length).toBeGreaterThan(0);
        expect(result.data.length).toBeLessThanOrEqual(100);
        expect(/[\ud800-\udfff]/u.test(result.data)).toBe(false);
        expect(holderNameSchema.parse(result.data)).toBe(result.data);
      }),
    );
  });

  it('printable names are accepted', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z][A-Za-z .'-]{0,50}[A-Za-z]$/), (name) => {
        expect(holderNameSchema.parse(name)).toBe(name);
      }),
    );
  });
});
