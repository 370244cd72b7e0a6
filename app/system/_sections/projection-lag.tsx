import { getEventStore } from '@/lib/eventstore/connection/client';
import { readProjectionLag } from '@/lib/eventstore/operations/projection-lag';
import { getCheckpoint } from '@/lib/queries';
import { settle } from '@/lib/system/settle';
import { formatDateTime } from '@/components/format';
import { ProjectionLagView } from '@/components/system/projection-lag-view';
import { SystemSection } from '@/components/system/system-section';

export async function ProjectionLagSection() {
  const checkpoint = await settle('read-model', "the worker's checkpoint", () => getCheckpoint());
  const lag = checkpoint.ok
    ? await settle('store', 'the store’s position', () => readProjectionLag(getEventStore(), checkpoint.value.lastPosition))
    : checkpoint;
  return (
    <SystemSection
      id="projection-lag"
      title="Projection lag"
      description="The newest position in the store's $all against the worker's checkpoint: how many account events it has still to apply, and how old the oldest of them is."
      failure={lag.ok ? undefined : lag.message}
    >
      {lag.ok && checkpoint.ok && (
        <ProjectionLagView
          lag={{
            storePosition: lag.value.storePosition?.toString() ?? null,
            checkpointPosition: checkpoint.value.lastPosition?.toString() ?? null,
            eventsBehind: lag.value.eventsBehind,
            atLeast: lag.value.atLeast,
            secondsBehind: lag.value.secondsBehind,
            checkpointUpdatedAt: checkpoint.value.updatedAt ? formatDateTime(checkpoint.value.updatedAt) : null,
          }}
        />
      )}
    </SystemSection>
  );
}
