import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, createNonce, STATIC_SECURITY_HEADERS } from '@/lib/http/security-headers';

describe('content security policy', () => {
  it('allows only nonced scripts, and no eval or inline styles in production', () => {
    const csp = contentSecurityPolicy({ nonce: 'abc=', dev: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc=' 'strict-dynamic'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline');
  });

  it("adds 'unsafe-eval' and inline styles for React's dev tooling in dev mode only", () => {
    const csp = contentSecurityPolicy({ nonce: 'abc=', dev: true });
    expect(csp).toMatch(/script-src [^;]*'unsafe-eval'/);
    expect(csp).toMatch(/style-src [^;]*'unsafe-inline'/);
  });

  it('makes a fresh, base64 nonce of 128 bits each time', () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(atob(nonce)).toHaveLength(16);
  });

  it('denies sniffing, framing and powerful features', () => {
    const headers = Object.fromEntries(STATIC_SECURITY_HEADERS.map(({ key, value }) => [key, value]));
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Permissions-Policy']).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/);
  });
});
