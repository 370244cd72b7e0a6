import { requestRebuildAction } from '@/app/actions/request-operation';
import { rebuildForDisplay } from '@/lib/system/operations';
import { settle } from '@/lib/system/settle';
import { OperationForm } from '@/components/system/operation-form';
import { RebuildView } from '@/components/system/rebuild-view';
import { SystemSection } from '@/components/system/system-section';

export async function RebuildSection() {
  const read = await settle('read-model', 'the rebuilds', () => rebuildForDisplay());
  return (
    <SystemSection
      id="rebuild"
      title="Rebuild the read model"
      description="Replays every event in the store into fresh tables while the live ones keep serving, then swaps them in at once. Also: npm run rebuild."
      failure={read.ok ? undefined : read.message}
    >
      {read.ok && <RebuildView run={read.value} />}
      <OperationForm id="rebuild" label="Rebuild the read model" pendingLabel="Requesting…" action={requestRebuildAction} />
    </SystemSection>
  );
}
