// The worker's hold reason is text from PostgreSQL, zod or the event itself (a holder name with
// a control character, say). React escapes it, but control and bidi-override characters would
// still garble or reorder the notice around it, so they are shown as U+FFFD.

export const MAX_REASON_LENGTH = 300;

// With the u flag a surrogate range matches only lone surrogates (a pair is one code point).
const UNSHOWABLE = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF\uD800-\uDFFF]/gu;

/** The reason as the notice shows it: showable characters only, bounded, without a final full stop. */
export function shownReason(reason: string): string {
  const clean = reason.replace(UNSHOWABLE, '\uFFFD').trim().replace(/\.+$/, '');
  const chars = Array.from(clean);
  const shown = chars.length > MAX_REASON_LENGTH ? `${chars.slice(0, MAX_REASON_LENGTH).join('')}…` : clean;
  return shown === '' ? 'no reason was recorded' : shown;
}
