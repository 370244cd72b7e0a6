/**
 * Free text that people type (holder names, payment references) ends up on every page, in the
 * history of other accounts and in the raw event view. These checks keep text that could
 * disguise or corrupt what is shown out of the store: control characters (terminal escapes,
 * NUL, line breaks), text-direction controls (which reorder what is displayed, so "Ada" could
 * render as another name or a reference could hide an account number), lone surrogates (not
 * text at all: they break JSON consumers) and text made only of invisible characters (a name
 * that looks empty). Ordinary spaces inside the text are fine.
 */

/** C0 and C1 controls, including NUL, TAB, CR/LF and DEL. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069) and the implicit marks
 * LRM, RLM and ALM (U+200E, U+200F, U+061C). The marks cannot reorder on their own, but they
 * are invisible and make two different strings look identical, and nothing a bank stores for
 * a name or a reference needs them: refused too.
 */
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Zero-width spaces and joiners, U+FEFF, soft hyphen, Hangul fillers and other format characters. */
const INVISIBLE = /^[\p{Default_Ignorable_Code_Point}\p{Cf}\p{White_Space}]*$/u;

export type UnsafeTextProblem = 'control' | 'bidi' | 'surrogate' | 'invisible';

/** The first reason `text` (already trimmed) must not be stored, or null when it is fine. */
export function unsafeTextProblem(text: string): UnsafeTextProblem | null {
  if (CONTROL.test(text)) return 'control';
  if (BIDI.test(text)) return 'bidi';
  if (LONE_SURROGATE.test(text)) return 'surrogate';
  if (text.length > 0 && INVISIBLE.test(text)) return 'invisible';
  return null;
}

export function unsafeTextMessage(label: string, problem: UnsafeTextProblem): string {
  switch (problem) {
    case 'control':
      return `${label} cannot contain control characters (such as line breaks or tabs)`;
    case 'bidi':
      return `${label} cannot contain text-direction control characters`;
    case 'surrogate':
      return `${label} contains an invalid character`;
    case 'invisible':
      return `${label} cannot consist only of invisible characters`;
    default: {
      const unreachable: never = problem;
      return unreachable;
    }
  }
}
