import 'server-only';
import { getEventStore } from '@/lib/eventstore/connection/client';
import { readCommandEvent } from '@/lib/eventstore/views/command-event';
import { confirmationFor, type Confirmation } from './confirmation';
import { parseDoneParam } from './form-ids';

type Search = Record<string, string | string[] | undefined>;

/**
 * The confirmation an account page shows after a command redirected to it (`?done=&expect=`),
 * read from the store; undefined when the address names none, or names an event that is not
 * that command's. A store that cannot be read costs the confirmation, not the page.
 */
export async function loadConfirmation(
  accountNumber: string,
  search: Search,
  expected: string | undefined,
): Promise<Confirmation | undefined> {
  const commandId = parseDoneParam(search.done);
  if (!commandId || expected === undefined) return undefined;
  try {
    const found = await readCommandEvent(getEventStore(), accountNumber, BigInt(expected), commandId);
    return found ? confirmationFor(found.event, search.again === '1') : undefined;
  } catch (error) {
    console.error('[eventbank] reading the confirmation failed', error);
    return undefined;
  }
}
