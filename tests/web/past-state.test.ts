import { describe, expect, it } from 'vitest';
import { pastStateHref } from '@/components/past-state';

// The addresses themselves are tested with their parsers in lib/time-travel/params.test.ts.
describe('past state links', () => {
  it('link to an account revision, as before, and to any point by position', () => {
    expect(pastStateHref('1000000008', 3n)).toBe('/accounts/1000000008/at/3');
    expect(pastStateHref('1000000008', '0')).toBe('/accounts/1000000008/at/0');
    expect(pastStateHref('1000000008', { position: 99n })).toBe('/accounts/1000000008/at?position=99');
  });
});
