import { Fact } from './system-section';

export type ConsumerGroupFacts = {
  group: string;
  status: string;
  connections: { name: string; inFlight: number; availableSlots: number; totalItems: string }[];
  parkedCount: string;
  retryBufferCount: number;
  totalInFlight: number;
  maxRetryCount: number;
  lastCheckpointedPosition: string | null;
  lastKnownPosition: string | null;
};

/** The consumer group as the store reports it (persistent-subscription info). */
export function ConsumerGroupView({ group }: { group: ConsumerGroupFacts }) {
  return (
    <div className="space-y-4">
      <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
        <Fact label="Status" value={group.status || 'unknown'} testId="group-status" />
        <Fact label="Parked events" value={group.parkedCount} testId="group-parked-count" />
        <Fact label="Waiting for retry" value={group.retryBufferCount} testId="group-retry-count" />
        <Fact label="In flight" value={group.totalInFlight} testId="group-in-flight" />
        <Fact label="Last checkpointed position" value={group.lastCheckpointedPosition ?? 'none yet'} testId="group-checkpoint" />
        <Fact label="Last known position" value={group.lastKnownPosition ?? 'none yet'} />
        <Fact label="Deliveries before parking" value={group.maxRetryCount} />
        <Fact label="Connections" value={group.connections.length} testId="group-connection-count" />
      </dl>
      {group.connections.length === 0 ? (
        <p className="text-sm text-amber-900">No consumer is connected: the worker is not running, so nothing is being projected.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Connected consumers</caption>
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  Connection
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  In flight
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Free slots
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Delivered
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100" data-testid="group-connections">
              {group.connections.map((c, i) => (
                <tr key={`${c.name}-${i}`}>
                  <td className="break-all px-3 py-1.5 font-mono text-xs">{c.name || '(unnamed)'}</td>
                  <td className="px-3 py-1.5 text-right tabular">{c.inFlight}</td>
                  <td className="px-3 py-1.5 text-right tabular">{c.availableSlots}</td>
                  <td className="px-3 py-1.5 text-right tabular">{c.totalItems}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
