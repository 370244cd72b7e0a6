import { Fact } from './system-section';

export type RebuildRunView = {
  status: string;
  message: string;
  startedAt: string;
  finishedAt: string | null;
  events: string;
  /** 0..1 */
  fraction: number;
  eventsPerSecond: number;
  secondsLeft: number | null;
};

/** The newest rebuild: a progress bar while it runs, its outcome after. */
export function RebuildView({ run }: { run: RebuildRunView | null }) {
  if (!run) return <p className="text-sm text-slate-600">No rebuild has run yet.</p>;
  const active = run.status === 'running' || run.status === 'requested';
  const percent = Math.floor(run.fraction * 100);
  return (
    <div className="space-y-3" data-testid="rebuild-run" data-status={run.status}>
      {active && (
        <div>
          <div className="flex justify-between text-xs text-slate-600">
            <span>{run.status === 'requested' ? 'Waiting for the worker…' : `Rebuilding (${run.message})`}</span>
            <span>{percent}%</span>
          </div>
          <progress className="mt-1 h-2 w-full accent-brand-700" max={100} value={percent} aria-label="Rebuild progress">
            {percent}%
          </progress>
        </div>
      )}
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        <Fact
          label="Status"
          value={run.status === 'failed' ? `failed: ${run.message.replace(/^failed: /, '')}` : run.status}
          testId="rebuild-status"
        />
        <Fact label="Events replayed" value={Number(run.events).toLocaleString('en')} />
        <Fact label="Events per second" value={Math.round(run.eventsPerSecond).toLocaleString('en')} />
        <Fact
          label={active ? 'Time left' : 'Finished'}
          value={active ? (run.secondsLeft === null ? '…' : `${Math.ceil(run.secondsLeft)} s`) : (run.finishedAt ?? '–')}
        />
      </dl>
      <p className="text-xs text-slate-500">Started {run.startedAt}.</p>
    </div>
  );
}
