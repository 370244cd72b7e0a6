import { createHash } from 'node:crypto';
import { accountNumberFromSeed } from '@/lib/domain';

/**
 * Event ids derive from the command id, so a retried command proposes the very same event
 * ids and the store (and our own checks) recognise it as already done.
 */
const EVENTBANK_NAMESPACE = 'b3c1a7e2-5f0d-4c8e-9a61-2d7f4e8b9c10';

/**
 * Name-based (version-5) UUID in our namespace unless another is given (RFC 9562 §5.5): SHA-1 of
 * the namespace's 16 bytes and the name's UTF-8, with the version and variant bits set. Written
 * out rather than taken from the uuid package, whose v5 parses the namespace and encodes the
 * name by hand on every call: three times slower, and every command derives its ids with it.
 */
export function uuidV5(name: string, namespace: string = EVENTBANK_NAMESPACE): string {
  const hash = createHash('sha1').update(namespaceBytes(namespace)).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const parsedNamespaces = new Map<string, Buffer>();

function namespaceBytes(namespace: string): Buffer {
  let bytes = parsedNamespaces.get(namespace);
  if (!bytes) {
    if (!UUID.test(namespace)) throw new TypeError(`not a UUID namespace: ${namespace}`);
    bytes = Buffer.from(namespace.replaceAll('-', ''), 'hex');
    // Namespaces are a handful of constants; the bound only guards against a caller passing many.
    if (parsedNamespaces.size < 64) parsedNamespaces.set(namespace, bytes);
  }
  return bytes;
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
