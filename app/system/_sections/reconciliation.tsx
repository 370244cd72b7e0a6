import { requestReconciliationAction } from '@/app/actions/request-operation';
import { reconciliationForDisplay } from '@/lib/system/operations';
import { settle } from '@/lib/system/settle';
import { OperationForm } from '@/components/system/operation-form';
import { ReconciliationView } from '@/components/system/reconciliation-view';
import { SystemSection } from '@/components/system/system-section';

export async function ReconciliationSection({ limit = 20 }: { limit?: number }) {
  const read = await settle('read-model', 'the reconciliations', () => reconciliationForDisplay());
  return (
    <SystemSection
      id="reconciliation"
      title="Reconciliation"
      description="Replays every account from the store and compares balance, holder name, revision and history length with the read model. Also: npm run reconcile (exits 1 when anything differs)."
      failure={read.ok ? undefined : read.message}
    >
      {read.ok && <ReconciliationView run={read.value} limit={limit} />}
      <OperationForm id="reconciliation" label="Run a reconciliation" pendingLabel="Requesting…" action={requestReconciliationAction} />
    </SystemSection>
  );
}
