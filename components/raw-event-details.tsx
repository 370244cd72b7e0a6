import { toPrettyJson } from './format';

/** The stored payload and metadata of one event, collapsed until asked for (works without JS). */
export function RawEventDetails({ type, data, metadata }: { type: string; data: unknown; metadata: unknown }) {
  return (
    <details className="group border-t border-slate-100">
      <summary className="cursor-pointer select-none px-4 py-2 text-xs font-medium text-slate-600 hover:bg-slate-50">Raw event</summary>
      <div className="grid grid-cols-1 gap-3 px-4 pb-4 md:grid-cols-2">
        {/* min-w-0: a long JSON line scrolls inside its block instead of widening the page. */}
        <div className="min-w-0">
          <p className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500 [overflow-wrap:anywhere]">{type} data</p>
          <pre className="overflow-x-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100" data-testid="raw-data">
            {toPrettyJson(data)}
          </pre>
        </div>
        <div className="min-w-0">
          <p className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Metadata</p>
          <pre className="overflow-x-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100" data-testid="raw-metadata">
            {toPrettyJson(metadata)}
          </pre>
        </div>
      </div>
    </details>
  );
}
