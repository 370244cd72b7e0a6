// Figures, their targets (issue 2, "Benchmark"), the printed table and the JSON file.
// Targets are reported, never enforced: a miss is a finding, not a crash.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Target {
  op: '>=' | '<' | '<=';
  value: number;
  unit: string;
}

export interface Figure {
  id: string;
  label: string;
  /** the headline number, in `unit` */
  value?: number;
  unit: string;
  /** secondary numbers (events/s of an appends/s row, latencies, CPU use...) */
  detail: Record<string, number | string>;
  target?: Target;
  /** 'pass' | 'fail' against the target, 'n/a' when the run could not measure what the target is about */
  status?: 'pass' | 'fail' | 'n/a';
  error?: string;
  /** 1-minute load average when the phase ended: other work on the machine skews every rate */
  loadAvg1?: number;
}

export function judge(value: number | undefined, target: Target | undefined): Figure['status'] {
  if (!target) return undefined;
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  const ok = target.op === '>=' ? value >= target.value : target.op === '<=' ? value <= target.value : value < target.value;
  return ok ? 'pass' : 'fail';
}

const fmt = (v: number): string => {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
};

function detailText(detail: Figure['detail']): string {
  return Object.entries(detail)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : v}`)
    .join(', ');
}

export function renderTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.label,
    f.error ? 'ERROR' : f.value === undefined ? '-' : `${fmt(f.value)} ${f.unit}`,
    f.target ? `${f.target.op} ${fmt(f.target.value)} ${f.target.unit}` : '',
    f.status ? f.status.toUpperCase() : '',
    f.error ? f.error : detailText(f.detail),
  ]);
  const head = ['Measurement', 'Result', 'Target', 'Status', 'Detail'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 4 ? 0 : r[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === 4 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function writeJson(file: string, data: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
}
