'use server';

import { revalidatePath } from 'next/cache';
import { loadConfig } from '@/lib/config';
import { getEventStore } from '@/lib/eventstore/connection/client';
import { readConsumerGroup, replayParkedEvents } from '@/lib/eventstore/operations/consumer-group';
import { isStoreUnavailable } from '@/lib/system/settle';
import { isFormCall, notFormDataState, type ActionState } from './action-state';

/**
 * "Replay parked events" on /system: asks the store to send the projection group's parked events
 * back to its consumers (replayParkedMessagesToAll). The form has no fields: the group is the
 * configured one (PROJECTION_GROUP), whatever the request carries.
 */
export async function replayParkedAction(previous: ActionState, formData: FormData): Promise<ActionState> {
  if (!isFormCall(previous, formData)) return notFormDataState;
  const group = loadConfig().projectionGroup;
  const client = getEventStore();
  try {
    const state = await readConsumerGroup(client, group);
    if (!state) {
      return {
        status: 'error',
        message: `The consumer group "${group}" does not exist on the store yet (the worker creates it when it starts). Nothing was replayed.`,
      };
    }
    if (state.parkedCount === 0n) return { status: 'success', message: 'There were no parked events to replay.' };
    await replayParkedEvents(client, group);
    revalidatePath('/system');
    const count = state.parkedCount === 1n ? '1 parked event was' : `${state.parkedCount} parked events were`;
    return {
      status: 'success',
      message: `${count} sent back to the worker. A held stream resumes when its event applies now; an event that still cannot be applied is parked again, with its reason.`,
    };
  } catch (error) {
    if (isStoreUnavailable(error)) {
      return { status: 'error', message: 'The event store is not answering, so nothing was replayed. Try again in a moment.' };
    }
    console.error('[system] replaying parked events failed', error);
    return {
      status: 'error',
      message: 'The store answered the replay with an error. Reload the page to see what is still parked, and try again.',
    };
  }
}
