import { createHash } from 'node:crypto';
import { accountNumberFromSeed } from '@/lib/domain';

/**
 * Event ids derive from the command id, so a retried command proposes the very same event
 * ids and the store (and our own checks) recognise it as already done.
 */
const EVENTBANK_NAMESPACE = 'b3c1a7e2-5f0d-4c8e-9a61-2d7f4e8b9c10';

/** RFC 4122 version-5 UUID (SHA-1 of namespace + name). */
export function uuidV5(name: string, namespace: string = EVENTBANK_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x50, 6);
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
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
