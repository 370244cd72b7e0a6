import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

// patches/postgres+3.4.9.patch (applied by `postinstall: patch-package`) mends two things:
// - nextWrite against a socket that closed meanwhile (porsager/postgres#1208): unpatched, a
//   connection dropped under load throws from a timer and kills the worker. The soak found it.
// - reserve() on a new connection with fetch_types off (lib/db/client.ts), which never settled
//   (#751, #1219): `npm run rebuild` hung on its lock connection.
// This fails loudly when the patch was not applied or the driver moved under it.
const require = createRequire(import.meta.url);
// The package exports no package.json: resolve its CommonJS entry (cjs/src/index.js) and go up.
const driverDir = join(dirname(require.resolve('postgres')), '..', '..');

describe('the postgres driver', () => {
  it('is the version the patch was made for', () => {
    const { version } = JSON.parse(readFileSync(join(driverDir, 'package.json'), 'utf8')) as { version: string };
    expect(version).toBe('3.4.9');
  });

  it.each(['src', 'cjs/src'])('%s/connection.js carries the null-socket guard in nextWrite', (dir) => {
    const source = readFileSync(join(driverDir, dir, 'connection.js'), 'utf8');
    const nextWrite = source.slice(source.indexOf('function nextWrite('), source.indexOf('function connectTimedOut('));
    expect(nextWrite).toMatch(/if \(!socket\) \{[\s\S]*CONNECTION_CLOSED[\s\S]*return false/);
  });

  it.each(['src', 'cjs/src'])('%s/connection.js lets a reserve() on a new connection reach the pool', (dir) => {
    const source = readFileSync(join(driverDir, dir, 'connection.js'), 'utf8');
    const ready = source.slice(source.indexOf('function ReadyForQuery('), source.indexOf('function CommandComplete('));
    expect(ready).toMatch(/const reserving = initial && initial\.reserve[\s\S]*if \(!reserving\)\s*return/);
  });
});
