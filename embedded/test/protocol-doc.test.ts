// Every `§ N` a source file cites must lead somewhere: a heading of PROTOCOL.md, the package's own
// protocol notes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(file) : /\.(ts|js)$/.test(e.name) ? [file] : [];
  });
}

it('has a PROTOCOL.md heading for every section cited under src/', () => {
  const headings = new Set(
    fs
      .readFileSync(path.join(packageDir, 'PROTOCOL.md'), 'utf8')
      .split('\n')
      .map((line) => /^#{2,3} (\d+(?:\.\d+)?)[. ]/.exec(line)?.[1])
      .filter((n): n is string => n !== undefined),
  );
  const cited = new Map<string, string[]>();
  for (const file of sourceFiles(path.join(packageDir, 'src'))) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/§\s*(\d+(?:\.\d+)?)/g)) {
      const where = cited.get(m[1]) ?? [];
      where.push(path.relative(packageDir, file));
      cited.set(m[1], where);
    }
  }
  expect(cited.size).toBeGreaterThan(20);
  const missing = [...cited]
    .filter(([section]) => !headings.has(section))
    .map(([section, files]) => `§${section} (${[...new Set(files)].join(', ')})`);
  expect(missing, 'cited under src/ but not a heading in PROTOCOL.md').toEqual([]);
});
