import type { Metadata } from 'next';
import { liveCursor } from '@/lib/queries';
import { LiveUpdates } from '@/components/live/live-updates';
import { ConsumerGroupSection } from './_sections/consumer-group';
import { EventsPerMinuteSection } from './_sections/events-per-minute';
import { HeldStreamsSection } from './_sections/held-streams';
import { ParkedEventsSection } from './_sections/parked-events';
import { ProjectionLagSection } from './_sections/projection-lag';
import { RebuildSection } from './_sections/rebuild';
import { ReconciliationSection } from './_sections/reconciliation';

// Reads the store and the read model on every request.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Operations' };

/**
 * The operations page. Each section reads its own source and says so when it cannot (store or
 * PostgreSQL down) instead of failing the page; they render side by side, in this order. A new
 * section is a file in ./_sections (loading through lib/, rendering a components/system view)
 * and one line here.
 */
const SECTIONS = [
  ProjectionLagSection,
  EventsPerMinuteSection,
  ConsumerGroupSection,
  HeldStreamsSection,
  ParkedEventsSection,
  RebuildSection,
  ReconciliationSection,
];

export default async function SystemPage() {
  const since = await liveCursor();
  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Operations</h1>
        <p className="text-sm text-slate-600">How the projection keeps up with the event store, what it holds back and why.</p>
        <LiveUpdates since={since} operations />
      </div>
      {SECTIONS.map((Section, i) => (
        <Section key={i} />
      ))}
    </div>
  );
}
