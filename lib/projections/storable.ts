/**
 * PostgreSQL cannot store U+0000 in text or jsonb, nor lone UTF-16 surrogates (they have no UTF-8
 * form). The query model is a copy, so such characters are replaced by U+FFFD there; the event
 * itself stays as stored in the event store.
 */
// eslint-disable-next-line no-control-regex -- NUL is what PostgreSQL cannot store
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

/**
 * A JSON value with every string (and key) made storable. The value itself when nothing needs
 * replacing, as nearly always: copying every payload made garbage on the projection's hot path.
 */
export function storableJson(value: unknown): unknown {
  return isStorable(value) ? value : storableCopy(value);
}

const UNSTORABLE_TEST = new RegExp(UNSTORABLE.source);

function isStorable(value: unknown): boolean {
  if (typeof value === 'string') return !UNSTORABLE_TEST.test(value);
  if (Array.isArray(value)) return value.every(isStorable);
  if (value && typeof value === 'object') {
    for (const key in value) {
      if (UNSTORABLE_TEST.test(key) || !isStorable((value as Record<string, unknown>)[key])) return false;
    }
  }
  return true;
}

function storableCopy(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storableCopy);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storableCopy(v)]));
  }
  return value;
}
