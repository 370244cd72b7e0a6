import { listHeldStreams } from '@/lib/queries';
import { settle } from '@/lib/system/settle';
import { HeldStreamsView } from '@/components/system/held-streams-view';
import { SystemSection } from '@/components/system/system-section';

export async function HeldStreamsSection() {
  const held = await settle('read-model', 'the held streams', () => listHeldStreams({ limit: 100 }));
  return (
    <SystemSection
      id="held-streams"
      title="Held streams"
      description="Streams the worker holds back because an event could not be applied: their later events wait in the store until it applies. The worker retries them every minute; replaying the parked events retries them at once."
      failure={held.ok ? undefined : held.message}
    >
      {held.ok && (
        <HeldStreamsView holds={held.value.holds.map((h) => ({ ...h, revision: h.revision.toString() }))} total={held.value.total} />
      )}
    </SystemSection>
  );
}
