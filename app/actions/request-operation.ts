'use server';

import { revalidatePath } from 'next/cache';
import { getDb, isDatabaseUnavailable } from '@/lib/db/client';
import { requestReconciliation } from '@/lib/reconciliation/requests';
import { requestRebuild } from '@/lib/rebuild-requests';
import { isFormCall, notFormDataState, type ActionState } from './action-state';

/**
 * The operations /system offers: the web app only asks (a `requested` row and a notification);
 * the worker, which owns every write to the read model, runs them and reports progress there.
 * The forms have no fields: whatever the request carries is ignored.
 */
export async function requestRebuildAction(previous: ActionState, formData: FormData): Promise<ActionState> {
  if (!isFormCall(previous, formData)) return notFormDataState;
  try {
    const request = await requestRebuild(getDb());
    revalidatePath('/system');
    return request.accepted
      ? {
          status: 'success',
          message:
            'Rebuild requested: the worker starts it at once and its progress shows here. The live read model keeps serving until the new one is swapped in.',
        }
      : {
          status: 'error',
          message: `A rebuild is already ${request.active.status} (since ${request.active.startedAt.toISOString()}); nothing new was requested.`,
        };
  } catch (error) {
    return failed(error, 'rebuild');
  }
}

export async function requestReconciliationAction(previous: ActionState, formData: FormData): Promise<ActionState> {
  if (!isFormCall(previous, formData)) return notFormDataState;
  try {
    const request = await requestReconciliation(getDb());
    revalidatePath('/system');
    return request.accepted
      ? {
          status: 'success',
          message: 'Reconciliation requested: the worker replays every account from the store and the report shows here.',
        }
      : {
          status: 'error',
          message: `A reconciliation is already ${request.active.status} (since ${request.active.startedAt.toISOString()}); nothing new was requested.`,
        };
  } catch (error) {
    return failed(error, 'reconciliation');
  }
}

function failed(error: unknown, what: string): ActionState {
  if (isDatabaseUnavailable(error))
    return { status: 'error', message: `The bank's database is not answering, so no ${what} was requested. Try again in a moment.` };
  console.error(`[system] requesting a ${what} failed`, error);
  return { status: 'error', message: `The ${what} could not be requested. Reload the page and try again.` };
}
