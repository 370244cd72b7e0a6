// Summarises a V8 .cpuprofile (from `npm run bench -- --cpu-prof`): where the server's CPU went,
// by function (self time) and by file (self time), so a missed target points at a hotspot.
//   npx tsx bench/profile-summary.ts bench/results/prof/read-all.cpuprofile [--top 25]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commandLineOrExit, integerOption, parseCommandLine, UsageError } from '@/lib/cli/command-line';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const USAGE = `Usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [--top <n>]

  --top    how many functions and files to list (default 25)
  --help   show this help`;

const { file, top } = commandLineOrExit('profile-summary', USAGE, () => {
  const parsed = parseCommandLine(process.argv.slice(2), { top: { type: 'string' } }, { allowPositionals: true });
  if (parsed === 'help') return 'help';
  const [file, ...extra] = parsed.positionals;
  if (!file) throw new UsageError('no profile file given');
  if (extra.length > 0) throw new UsageError(`one profile file at a time, got ${parsed.positionals.length}`);
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  return { file, top: integerOption('top', parsed.values.top, 1, 10_000) ?? 25 };
});

const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const totalUs = profile.endTime - profile.startTime;

const short = (url: string) => {
  if (!url) return '(native)';
  const p = url.replace(/^file:\/\//, '');
  const i = p.indexOf('/node_modules/');
  return i >= 0 ? p.slice(i + 1) : path.relative(process.cwd(), p);
};

const fnSelf = new Map<string, number>();
const fileSelf = new Map<string, number>();
for (const [id, us] of selfUs) {
  const { functionName, url } = byId.get(id)!.callFrame;
  // tsx-compiled files report line 1 for everything, so lines would only mislead
  const key = `${short(url)}:${functionName || '(anonymous)'}`;
  fnSelf.set(key, (fnSelf.get(key) ?? 0) + us);
  const fileKey = url ? short(url) : functionName;
  fileSelf.set(fileKey, (fileSelf.get(fileKey) ?? 0) + us);
}

// Inclusive time of the server's own functions (embedded/): a function counts once per sample even
// when it recurses, so "store.ts:append 40%" means 40% of busy samples were inside an append.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const ownInclusive = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const { functionName, url } = byId.get(cur)!.callFrame;
    if (!url.includes('/embedded/src/')) continue;
    const key = `${short(url)}:${functionName || '(anonymous)'}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ownInclusive.set(key, (ownInclusive.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
});

const idle = [...fnSelf].filter(([k]) => k.includes('(idle)')).reduce((a, [, v]) => a + v, 0);
const busy = totalUs - idle;
const table = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m]
    .filter(([k]) => !k.includes('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    console.log(`${((us / busy) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  }
};
console.log(`${file}: ${(totalUs / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (percentages of busy time)`);
table('Self time by function', fnSelf);
table('Self time by file', fileSelf);
table('Inclusive time of embedded/ functions', ownInclusive);
