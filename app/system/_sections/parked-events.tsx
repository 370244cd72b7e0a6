import { loadConfig } from '@/lib/config';
import { getEventStore } from '@/lib/eventstore/connection/client';
import { readConsumerGroup, readParkedEvents } from '@/lib/eventstore/operations/consumer-group';
import { accountNumberFromStream } from '@/lib/eventstore/serialization/streams';
import { settle } from '@/lib/system/settle';
import { ParkedEventsView } from '@/components/system/parked-events-view';
import { ReplayParkedForm } from '@/components/system/replay-parked-form';
import { SystemSection } from '@/components/system/system-section';

const LISTED = 50;

export async function ParkedEventsSection() {
  const group = loadConfig().projectionGroup;
  const client = getEventStore();
  const read = await settle('store', 'the parked events', async () => {
    const [parked, state] = await Promise.all([readParkedEvents(client, group, { limit: LISTED }), readConsumerGroup(client, group)]);
    return { parked, count: state?.parkedCount ?? BigInt(parked.length) };
  });
  return (
    <SystemSection
      id="parked-events"
      title="Parked events"
      description={
        <>
          Events the worker gave up on, with the reason it gave, from the group&apos;s parked stream{' '}
          <span className="break-all font-mono">$persistentsubscription-$all::{group}-parked</span>. Replaying sends them back to the
          worker.
        </>
      }
      failure={read.ok ? undefined : read.message}
    >
      {read.ok && (
        <div className="space-y-4">
          <ParkedEventsView
            count={read.value.count.toString()}
            parked={read.value.parked.map((p) => ({
              parkedNumber: p.parkedNumber.toString(),
              parkedAt: p.parkedAt,
              reason: p.reason,
              byConsumer: p.byConsumer,
              stream: p.stream,
              revision: p.revision?.toString() ?? null,
              type: p.type,
              accountNumber: p.stream ? accountNumberFromStream(p.stream) : null,
            }))}
          />
        </div>
      )}
      <ReplayParkedForm />
    </SystemSection>
  );
}
