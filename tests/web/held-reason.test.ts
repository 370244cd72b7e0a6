import { describe, expect, it } from 'vitest';
import { MAX_REASON_LENGTH, shownReason } from '@/components/held-reason';

describe('the hold reason as the held notice shows it', () => {
  it('keeps an ordinary reason, without its final full stop', () => {
    expect(shownReason('Holder name cannot contain control characters.')).toBe('Holder name cannot contain control characters');
  });

  it('shows control, bidi-override and lone-surrogate characters as U+FFFD, keeping real pairs', () => {
    expect(shownReason('bad\u0000name\u0007')).toBe('bad\uFFFDname\uFFFD');
    expect(shownReason('a\u202Eevil\u2066b')).toBe('a\uFFFDevil\uFFFDb');
    expect(shownReason('x\uD800y\uDC00z')).toBe('x\uFFFDy\uFFFDz');
    expect(shownReason('emoji \u{1F600} stays')).toBe('emoji \u{1F600} stays');
  });

  it('bounds a long reason by characters, never splitting a pair', () => {
    const shown = shownReason('\u{1F600}'.repeat(MAX_REASON_LENGTH + 50));
    expect(shown.endsWith('…')).toBe(true);
    expect(Array.from(shown)).toHaveLength(MAX_REASON_LENGTH + 1);
    expect(shown).not.toMatch(/[\uD800-\uDFFF](?![\uDC00-\uDFFF])/u);
  });

  it('says so when no reason was recorded', () => {
    expect(shownReason('  ')).toBe('no reason was recorded');
  });
});
