import { toPrettyJson } from './format';

/** Pretty-printed JSON that scrolls inside its block (never widens the page). */
export function JsonBlock({ value, label, testId }: { value: unknown; label: string; testId?: string }) {
  return (
    <div className="min-w-0">
      <p className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500 [overflow-wrap:anywhere]">{label}</p>
      <pre className="overflow-x-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100" data-testid={testId}>
        {toPrettyJson(value)}
      </pre>
    </div>
  );
}
