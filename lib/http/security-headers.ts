// Response headers every page gets. The content security policy carries a per-request nonce:
// Next reads it from the request's Content-Security-Policy header and puts it on its own
// scripts, so only scripts the server rendered run (pages render dynamically for that).

/** Server action bodies above this are refused (Next's serverActions.bodySizeLimit default, 1 MB). */
export const ACTION_BODY_LIMIT_BYTES = 1024 * 1024;

/** 128 random bits, base64: unguessable, and valid inside 'nonce-…'. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * Dev mode only: React's dev tooling uses eval (server error stacks in the browser) and the dev
 * overlay injects <style> elements. Production pages use neither, so neither is allowed there.
 */
export function contentSecurityPolicy({ nonce, dev }: { nonce: string; dev: boolean }): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(dev ? ["'unsafe-eval'"] : [])],
    // Tailwind's output is a stylesheet file; no page uses inline style attributes or <style>.
    'style-src': ["'self'", ...(dev ? ["'unsafe-inline'"] : [])],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** The headers that do not change per request (next.config.mjs sets the same list on every path). */
export const STATIC_SECURITY_HEADERS: ReadonlyArray<{ key: string; value: string }> = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  {
    key: 'Permissions-Policy',
    value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()',
  },
];
