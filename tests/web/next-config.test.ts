import { describe, expect, it } from 'vitest';
import type { NextConfig } from 'next';
import { ACTION_BODY_LIMIT_BYTES, STATIC_SECURITY_HEADERS } from '@/lib/http/security-headers';

// A plain .mjs file without types: loaded by path so TypeScript does not resolve it.
const configPath = '@/next.config.mjs';
const nextConfig = ((await import(configPath)) as { default: NextConfig }).default;

describe('next.config.mjs', () => {
  it('limits action bodies to the size proxy.ts refuses above, and hides X-Powered-By', async () => {
    expect(nextConfig.experimental?.serverActions?.bodySizeLimit).toBe(ACTION_BODY_LIMIT_BYTES);
    expect(nextConfig.poweredByHeader).toBe(false);
  });

  it('sends the static security headers on every path', async () => {
    const rules = await nextConfig.headers!();
    expect(rules).toEqual([{ source: '/:path*', headers: STATIC_SECURITY_HEADERS }]);
  });
});
