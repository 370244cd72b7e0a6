import { getEventsPerMinute } from '@/lib/queries';
import { settle } from '@/lib/system/settle';
import { EventsPerMinuteView } from '@/components/system/events-per-minute-view';
import { SystemSection } from '@/components/system/system-section';

export async function EventsPerMinuteSection() {
  const minutes = await settle('read-model', 'events per minute', () => getEventsPerMinute({ minutes: 60 }));
  return (
    <SystemSection id="throughput" title="Throughput" failure={minutes.ok ? undefined : minutes.message}>
      {minutes.ok && <EventsPerMinuteView minutes={minutes.value} />}
    </SystemSection>
  );
}
