import { loadConfig } from '@/lib/config';
import { getEventStore } from '@/lib/eventstore/connection/client';
import { readConsumerGroup } from '@/lib/eventstore/operations/consumer-group';
import { settle } from '@/lib/system/settle';
import { ConsumerGroupView } from '@/components/system/consumer-group-view';
import { SystemSection } from '@/components/system/system-section';

export async function ConsumerGroupSection() {
  const group = loadConfig().projectionGroup;
  const state = await settle('store', 'the consumer group', () => readConsumerGroup(getEventStore(), group));
  return (
    <SystemSection
      id="consumer-group"
      title="Consumer group"
      description={
        <>
          The worker&apos;s persistent subscription to <span className="font-mono">$all</span>, group{' '}
          <span className="font-mono">{group}</span>, as the store reports it.
        </>
      }
      failure={state.ok ? undefined : state.message}
    >
      {state.ok &&
        (state.value === null ? (
          <p className="text-sm text-amber-900">The store has no such group yet: the worker creates it when it starts.</p>
        ) : (
          <ConsumerGroupView
            group={{
              ...state.value,
              connections: state.value.connections.map((c) => ({ ...c, totalItems: c.totalItems.toString() })),
              parkedCount: state.value.parkedCount.toString(),
              lastCheckpointedPosition: state.value.lastCheckpointedPosition?.toString() ?? null,
              lastKnownPosition: state.value.lastKnownPosition?.toString() ?? null,
            }}
          />
        ))}
    </SystemSection>
  );
}
