// Cheap checks for requests Next would otherwise answer with a 500 (measured on Next 16.4):
// malformed percent-escapes in the path, oversized server action bodies (Next throws its own
// 413 error but answers 500) and server action bodies Next cannot decode.

export type Refusal = { status: 400 | 403 | 413; message: string };

/** True when every %-escape in the string decodes (as UTF-8) the way decodeURIComponent needs. */
export function decodesCleanly(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** The raw path and query of a URL, each component checked as the router will decode it. */
export function malformedUrl(url: string): Refusal | null {
  const { pathname, search } = new URL(url);
  if (!pathname.split('/').every(decodesCleanly)) {
    return { status: 400, message: 'Bad request: the address contains a malformed percent-escape.' };
  }
  const parts = search
    .replace(/^\?/, '')
    .split(/[&=]/)
    .map((part) => part.replace(/\+/g, ' '));
  if (!parts.every(decodesCleanly)) {
    return { status: 400, message: 'Bad request: the query string contains a malformed percent-escape.' };
  }
  return null;
}

const mediaType = (contentType: string | null) =>
  beforeFirst(contentType ?? '', ';')
    .trim()
    .toLowerCase();

/** The text before the first `separator`, all of it when there is none. */
function beforeFirst(text: string, separator: string): string {
  const end = text.indexOf(separator);
  return end < 0 ? text : text.slice(0, end);
}

/**
 * Whether Next treats the POST as a server action: a Next-Action header (JavaScript on), or a
 * multipart / urlencoded form post (a form submitted without JavaScript).
 */
export function mayBeServerAction(request: Request): boolean {
  if (request.method !== 'POST') return false;
  if (request.headers.has('next-action')) return true;
  const type = mediaType(request.headers.get('content-type'));
  return type === 'multipart/form-data' || type === 'application/x-www-form-urlencoded';
}

/**
 * What React's client sends: multipart/form-data when the arguments hold form data (every form
 * here), text/plain (a JSON reply) otherwise. Next itself answers urlencoded action posts.
 */
const ACTION_TYPES = new Set(['multipart/form-data', 'application/x-www-form-urlencoded', 'text/plain']);

/** The host the browser addressed, as Next's CSRF check sees it. */
function requestHost(request: Request): string | null {
  const forwarded = request.headers.get('x-forwarded-host');
  return forwarded ? beforeFirst(forwarded, ',').trim() : request.headers.get('host');
}

function crossOrigin(request: Request): boolean {
  const origin = request.headers.get('origin');
  if (origin === null) return false; // Next lets hand-made requests through; they carry no one's cookies
  try {
    return origin === 'null' || new URL(origin).host !== requestHost(request);
  } catch {
    return true;
  }
}

/** Checks a request that may be a server action; reads (a clone of) its body only when it must. */
export async function refuseServerAction(request: Request, limitBytes: number): Promise<Refusal | null> {
  if (!mayBeServerAction(request)) return null;
  const tooLarge: Refusal = { status: 413, message: `Request body too large: the limit is ${limitBytes} bytes.` };
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limitBytes) return tooLarge;
  if (crossOrigin(request)) return { status: 403, message: 'Forbidden: cross-origin form submission.' };

  const contentType = request.headers.get('content-type');
  const type = mediaType(contentType);
  const fetchAction = request.headers.has('next-action');
  if (fetchAction && !ACTION_TYPES.has(type)) {
    return { status: 400, message: 'Bad request: a server action takes form data.' };
  }

  // Chunked bodies have no content-length: count what actually arrives.
  const body = await request.clone().arrayBuffer();
  if (body.byteLength > limitBytes) return tooLarge;
  const unreadable: Refusal = { status: 400, message: 'Bad request: the form data could not be read.' };

  if (type === 'multipart/form-data') {
    let form: FormData;
    try {
      form = await new Request('http://form.invalid/', { method: 'POST', headers: { 'content-type': contentType! }, body }).formData();
    } catch {
      return unreadable;
    }
    if (!boundActionFieldsAreSafe(form)) return unreadable;
    return fetchAction && !replyArgumentsAreSafe(form.get('0')) ? unreadable : null;
  }
  if (fetchAction && type === 'text/plain' && !replyArgumentsAreSafe(new TextDecoder().decode(body))) return unreadable;
  return null;
}

/**
 * React's JavaScript encoding: the argument list is JSON (field `0` of a multipart body, or the
 * whole text/plain body). Our forms send `[previous state, "$K1"]`, `$K<n>` being the form data;
 * a reference to anything else (`"$Q1"`, a Map built from chunk 1, which no form sends) throws
 * inside React's decoder, which Next answers with a 500. So only plain values, React's escapes
 * for primitives and form-data references pass.
 */
export function replyArgumentsAreSafe(value: FormDataEntryValue | null): boolean {
  if (value === null) return true;
  if (typeof value !== 'string') return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return false;
  }
  return holdsPlainValues(parsed, FORM_DATA_REFERENCE);
}

const FORM_DATA_REFERENCE = /^\$K\d+$/;

/**
 * React's no-JavaScript encoding: `$ACTION_<n>:0` holds `{ id, bound: "$@<m>" | null }` and
 * `$ACTION_<n>:<m>` the bound arguments (here, the form's previous state) as JSON. React decodes
 * those fields before the action runs, and a reference in them (`"$Q1"`, a Map built from chunk
 * 1; `"$@9"`, a chunk that is not there) throws or waits inside React, which Next answers with a
 * 500. Our forms bind plain JSON only, so anything but plain values and React's escapes for
 * primitives (`$$`-escaped strings, `$undefined`, `$NaN`, `$Infinity`, `$-Infinity`, `$-0`,
 * dates, bigints) is refused here.
 */
const PRIMITIVE_REFERENCE = /^\$(\$|undefined$|NaN$|Infinity$|-Infinity$|-0$|D|n-?\d+$)/;

export function boundActionFieldsAreSafe(form: FormData): boolean {
  const fields = new Map<string, string>();
  for (const [name, value] of form) {
    if (!/^\$ACTION_\d+:/.test(name)) continue;
    if (typeof value !== 'string' || fields.has(name)) return false;
    fields.set(name, value);
  }
  for (const [name, text] of fields) {
    const [, action, chunk] = /^\$ACTION_(\d+):(.*)$/.exec(name) ?? [];
    if (action === undefined || chunk === undefined) return false;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return false;
    }
    if (chunk === '0') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      const { id, bound } = value as { id?: unknown; bound?: unknown };
      if (typeof id !== 'string') return false;
      if (bound === null || bound === undefined) continue;
      const [, target] = typeof bound === 'string' ? (/^\$@(\d+)$/.exec(bound) ?? []) : [];
      if (target === undefined || target === '0' || !fields.has(`$ACTION_${action}:${target}`)) return false;
    } else if (!/^\d+$/.test(chunk) || !holdsPlainValues(value)) {
      return false;
    }
  }
  return true;
}

function holdsPlainValues(value: unknown, alsoAllowed?: RegExp): boolean {
  if (typeof value === 'string') return !value.startsWith('$') || PRIMITIVE_REFERENCE.test(value) || (alsoAllowed?.test(value) ?? false);
  if (typeof value !== 'object' || value === null) return true;
  return Object.values(value).every((member) => holdsPlainValues(member, alsoAllowed));
}
