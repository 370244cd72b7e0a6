// The summary tables printed at the end of a soak.
import type { InvariantResult } from './checks';
import type { FaultRecord } from './faults';
import type { CommandKind } from './ledger';
import type { PhaseStats } from './phases';

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function operationsTable(tally: Record<CommandKind, Record<string, number>>): string {
  const codes = [...new Set(Object.values(tally).flatMap((row) => Object.keys(row)))].sort((a, b) =>
    a === 'ok' ? -1 : b === 'ok' ? 1 : a.localeCompare(b),
  );
  const rows = Object.entries(tally)
    .filter(([, row]) => Object.keys(row).length > 0)
    .map(([kind, row]) => [kind, ...codes.map((c) => String(row[c] ?? 0))]);
  return table(['Command', ...codes], rows);
}

export function faultsTable(faults: readonly FaultRecord[], skipped: readonly string[]): string {
  const kinds = [...new Set(faults.map((f) => f.kind))];
  const rows = kinds.map((kind) => {
    const list = faults.filter((f) => f.kind === kind);
    const ms = list.map((f) => (f.endedAt ?? f.startedAt) - f.startedAt);
    const errors = list.filter((f) => f.error).length;
    const recoveries = list.flatMap((f) => (f.recoveryMs === undefined ? [] : [f.recoveryMs]));
    const note = [
      errors ? `${errors} failed` : '',
      recoveries.length ? `projecting again after ${Math.min(...recoveries)}–${Math.max(...recoveries)} ms` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return [kind, String(list.length), `${(ms.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s`, note];
  });
  for (const reason of skipped) rows.push([reason.split(':')[0], '0', '', `skipped: ${reason.slice(reason.indexOf(':') + 2)}`]);
  return table(['Fault', 'Injected', 'Window total', 'Note'], rows);
}

export function phasesTable(phases: Record<string, PhaseStats & { paymentsPerSecond: number; conflictShare: number }>): string {
  const rows = Object.entries(phases)
    .filter(([, s]) => s.ms > 0 || s.payments > 0)
    .map(([phase, s]) => [
      phase === 'none' ? 'no fault' : phase,
      `${(s.ms / 1000).toFixed(1)} s`,
      String(s.payments),
      s.paymentsPerSecond.toFixed(1),
      pct(s.conflictShare),
      pct(s.payments ? s.insufficient / s.payments : 0),
      pct(s.payments ? s.unavailable / s.payments : 0),
      String(s.unknown),
    ]);
  return table(['Phase', 'Time', 'Payments answered', 'Paid/s', 'Conflict', 'Insufficient', 'Unavailable', 'Unknown'], rows);
}

export function invariantsTable(results: readonly InvariantResult[]): string {
  return table(
    ['Invariant', 'Checked', 'Breaks', 'Note'],
    results.map((r) => [r.name, String(r.checked), String(r.breaks.length), (r.notes ?? []).join('; ')]),
  );
}
