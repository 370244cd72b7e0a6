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
  const parts = search.replace(/^\?/, '').split(/[&=]/).map((part) => part.replace(/\+/g, ' '));
  if (!parts.every(decodesCleanly)) {
    return { status: 400, message: 'Bad request: the query string contains a malformed percent-escape.' };
  }
  return null;
}

const mediaType = (contentType: string | null) => (contentType ?? '').split(';')[0].trim().toLowerCase();

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
  return forwarded ? forwarded.split(',')[0].trim() : request.headers.get('host');
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
    // React's no-JavaScript encoding: $ACTION_<n>:<m> fields hold JSON (the action and its bound state).
    for (const [name, value] of form) {
      if (/^\$ACTION_\d+:/.test(name) && (typeof value !== 'string' || !isJson(value))) return unreadable;
    }
    return null;
  }
  if (fetchAction && type === 'text/plain' && !isJson(new TextDecoder().decode(body))) return unreadable;
  return null;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
