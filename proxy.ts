import { NextResponse, type NextRequest } from 'next/server';
import { isFormPage, searchNeedingNonce } from '@/lib/forms/form-ids';
import { malformedUrl, refuseServerAction } from '@/lib/http/request-checks';
import { ACTION_BODY_LIMIT_BYTES, contentSecurityPolicy, createNonce } from '@/lib/http/security-headers';

// Runs before every page and server action: refuses requests Next would answer with a 500
// (see lib/http/request-checks.ts), gives a page with forms the nonce its command ids derive
// from (lib/forms/form-ids.ts), and gives each page a fresh CSP nonce. Next reads the CSP
// nonce from the request's Content-Security-Policy header and puts it on its own scripts.
export async function proxy(request: NextRequest) {
  const csp = contentSecurityPolicy({ nonce: createNonce(), dev: process.env.NODE_ENV === 'development' });
  const refusal = malformedUrl(request.url) ?? (await refuseServerAction(request, ACTION_BODY_LIMIT_BYTES));
  if (refusal) {
    return new NextResponse(`${refusal.message}\n`, {
      status: refusal.status,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': csp },
    });
  }
  const withNonce = formPageWithoutNonce(request);
  if (withNonce) {
    const response = NextResponse.redirect(withNonce, 307);
    response.headers.set('content-security-policy', csp);
    return response;
  }
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', csp);
  return response;
}

/**
 * Where to send a GET of a form page whose address has no (valid) nonce: the same address with
 * one. Only reads: a form posted to a bare address is answered as it was posted.
 */
function formPageWithoutNonce(request: NextRequest): URL | null {
  if (request.method !== 'GET' && request.method !== 'HEAD') return null;
  const url = new URL(request.url);
  if (!isFormPage(url.pathname)) return null;
  const search = searchNeedingNonce(url.search);
  if (search === null) return null;
  url.search = search;
  return url;
}

export const config = {
  // Static chunks carry no scripts of their own to police; next.config.mjs still gives them the static headers.
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
