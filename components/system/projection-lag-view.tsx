import { Fact } from './system-section';

export type ProjectionLagFacts = {
  storePosition: string | null;
  checkpointPosition: string | null;
  eventsBehind: number;
  atLeast: boolean;
  secondsBehind: number;
  checkpointUpdatedAt: string | null;
};

/** The store's newest position against the worker's checkpoint. */
export function ProjectionLagView({ lag }: { lag: ProjectionLagFacts }) {
  const caughtUp = lag.eventsBehind === 0;
  return (
    <div className="space-y-3">
      <p
        className={`rounded-md border px-3 py-2 text-sm ${caughtUp ? 'border-emerald-200 bg-emerald-50 text-emerald-800' : 'border-amber-200 bg-amber-50 text-amber-900'}`}
        data-testid="lag-summary"
      >
        {caughtUp
          ? 'Caught up: the worker has applied every account event in the store.'
          : `Behind by ${lag.atLeast ? 'at least ' : ''}${lag.eventsBehind.toLocaleString('en-US')} ${lag.eventsBehind === 1 ? 'event' : 'events'} (${formatSeconds(lag.secondsBehind)}).`}
      </p>
      <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
        <Fact label="Store: last $all position" value={lag.storePosition ?? 'empty'} testId="store-position" />
        <Fact label="Worker checkpoint" value={lag.checkpointPosition ?? 'none yet'} testId="checkpoint-position" />
        <Fact
          label="Events behind"
          value={`${lag.atLeast ? '≥ ' : ''}${lag.eventsBehind.toLocaleString('en-US')}`}
          testId="events-behind"
        />
        <Fact label="Seconds behind" value={lag.secondsBehind.toFixed(1)} testId="seconds-behind" />
      </dl>
      {lag.checkpointUpdatedAt && <p className="text-xs text-slate-500">Checkpoint last moved at {lag.checkpointUpdatedAt}.</p>}
    </div>
  );
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${Math.round(seconds % 60)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
