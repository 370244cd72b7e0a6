// The package's own promises: it declares what it imports, and the @eventstore/db-client whose
// generated classes it deep-imports (generated/*_pb.js, their field numbers and oneof cases) is
// exactly the version it was built and tested against.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
// resolved from the package's own source, as src/grpc/generated.ts resolves it
const requireFromSrc = createRequire(path.join(packageDir, 'src', 'grpc', 'generated.ts'));

describe('@eventbank/embedded-eventstore package', () => {
  it('pins the exact @eventstore/db-client its generated-class imports were built against, and that is what is installed', () => {
    const pinned = manifest.dependencies['@eventstore/db-client'];
    expect(pinned, 'embedded/package.json must pin @eventstore/db-client to one exact version (no ^ or ~)').toMatch(/^\d+\.\d+\.\d+$/);
    const installedManifest = requireFromSrc.resolve('@eventstore/db-client/package.json');
    const installed = (JSON.parse(fs.readFileSync(installedManifest, 'utf8')) as { version: string }).version;
    expect(
      installed,
      `The embedded store deep-imports @eventstore/db-client/generated/* as of version ${pinned}, but ${installed} is ` +
        `installed (${installedManifest}). Its generated protobuf classes may differ: run the store's tests against it, ` +
        'then change the pin in embedded/package.json (or install the pinned version).',
    ).toBe(pinned);
  });

  it('declares every package its sources import', () => {
    const declared = new Set(Object.keys(manifest.dependencies));
    const imported = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (/\.(ts|js)$/.test(entry.name)) {
          const text = fs.readFileSync(file, 'utf8');
          for (const m of text.matchAll(/(?:from|import\(|require\(|clientRequire\()\s*'([^'.][^']*)'/g)) {
            const spec = m[1];
            if (spec.startsWith('node:')) continue;
            imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
          }
        }
      }
    };
    walk(path.join(packageDir, 'src'));
    walk(path.join(packageDir, 'bin'));
    expect([...imported].filter((name) => !declared.has(name)).sort(), 'imported by src/ or bin/ but not in dependencies').toEqual([]);
    expect([...imported].sort()).toEqual(expect.arrayContaining(['@eventstore/db-client', '@grpc/grpc-js', 'google-protobuf']));
  });
});
