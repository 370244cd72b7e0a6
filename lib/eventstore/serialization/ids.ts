import { createHash } from 'node:crypto';
import { v5 } from 'uuid';
import { accountNumberFromSeed } from '@/lib/domain';

/**
 * Event ids derive from the command id, so a retried command proposes the very same event
 * ids and the store (and our own checks) recognise it as already done.
 */
const EVENTBANK_NAMESPACE = 'b3c1a7e2-5f0d-4c8e-9a61-2d7f4e8b9c10';

/** Name-based (version-5) UUID in our namespace unless another is given. */
export function uuidV5(name: string, namespace: string = EVENTBANK_NAMESPACE): string {
  return v5(name, namespace);
}

/** The id of the index-th event appended by a command (the scheme before command fingerprints; kept for tools and tests). */
export function eventIdFor(commandId: string, index = 0): string {
  return uuidV5(`${commandId}:event:${index}`);
}

/**
 * The id of the index-th account event of a command. It names the command type and the
 * fingerprint of its content too, so the same command id reused for another command or other
 * content can never propose an id that is already stored (it would collide in the query
 * model's unique index, or be taken for "already done").
 */
export function accountEventIdFor(commandId: string, commandType: string, fingerprint: string, index = 0): string {
  return uuidV5(`${commandId}:${commandType}:${fingerprint}:event:${index}`);
}

/**
 * The account number OpenAccount uses for a command id. `attempt` moves to the next
 * candidate when a number is already taken by another account, deterministically, so a
 * retry of the same command walks the same candidates and finds its own account.
 */
export function accountNumberFor(commandId: string, attempt = 0): string {
  const seed = createHash('sha256').update(`${commandId}:account-number:${attempt}`, 'utf8').digest();
  return accountNumberFromSeed(seed);
}
