import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import {
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import { z } from 'zod';
import { commandStream } from '../serialization/streams';

/**
 * The idempotency record: one stream per command id, `command-<commandId>`, holding exactly one
 * CommandAccepted event, appended with expectedRevision NO_STREAM just before the command's
 * account event. Every claim proposes a fresh random event id, so any second claim of the same
 * command id meets WrongExpectedVersion and reads the record:
 *  - same command and fingerprint: an exact retry. It carries on (this is how a retry completes
 *    a command whose process died between this append and the account append) and knows it is
 *    a retry, so it must look for its own account event before appending again; the account
 *    event ids derive from command id + type + fingerprint (ids.ts), so the account stream says
 *    whether it was written. (A deterministic id would make the store answer "idempotent"
 *    instead, which looks exactly like a first claim: the event-store decision source needs to
 *    know the difference.)
 *  - anything else (another command, other content): refused before anything reaches an account
 *    stream.
 * The record says "this id is claimed for this content"; it does not say the account event was
 * written (that is found on the account stream by its derived event id). A refused decision
 * (insufficient funds...) writes no record: nothing was done under that id.
 */

export const COMMAND_ACCEPTED = 'CommandAccepted';

export const COMMAND_TYPES = ['OpenAccount', 'Deposit', 'ChangeHolderName', 'MakePayment'] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

export const commandAcceptedSchema = z.strictObject({
  command: z.enum(COMMAND_TYPES),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  /** The account stream the command writes to (the first candidate for OpenAccount). */
  stream: z.string().min(1),
});
export type CommandAccepted = z.infer<typeof commandAcceptedSchema>;

/**
 * JSON with sorted keys and no undefined members, so equal content always hashes alike. Kept by
 * hand rather than a canonical-JSON package: the fingerprints of stored commands depend on this
 * exact output (bigints as strings), and a library's rendering could differ.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? JSON.stringify(value.toString()) : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
}

/** sha-256 of the command type and its parsed content (without the command id). */
export function commandFingerprint(command: CommandType, content: Record<string, unknown>): string {
  return createHash('sha256')
    .update(`${command}\n${canonicalJson(content)}`, 'utf8')
    .digest('hex');
}

export type Claim = { commandId: string; command: CommandType; fingerprint: string };

export type ClaimOutcome = { ok: true; fresh: boolean } | { ok: false; existing: CommandAccepted | null };

/** Claims the command id for this command and content; see the comment at the top. */
export async function claimCommandId(
  client: EventStoreDBClient,
  claim: Claim,
  stream: string,
  options: { deadline?: number } = {},
): Promise<ClaimOutcome> {
  const record: CommandAccepted = { command: claim.command, fingerprint: claim.fingerprint, stream };
  try {
    await client.appendToStream(commandStream(claim.commandId), jsonEvent({ id: randomUUID(), type: COMMAND_ACCEPTED, data: record }), {
      expectedRevision: NO_STREAM,
      ...options,
    });
    return { ok: true, fresh: true };
  } catch (error) {
    if (!(error instanceof WrongExpectedVersionError)) throw error;
  }
  const existing = await readCommandRecord(client, claim.commandId);
  if (existing && existing.command === claim.command && existing.fingerprint === claim.fingerprint) {
    return { ok: true, fresh: false };
  }
  return { ok: false, existing };
}

/** The record of a command id, or null if there is none (or it is not one we can read). */
export async function readCommandRecord(client: EventStoreDBClient, commandId: string): Promise<CommandAccepted | null> {
  // The loop runs to its end (maxCount 1): leaving a read early keeps its gRPC call open, and
  // the client's dispose() then waits for it forever.
  let record: CommandAccepted | null = null;
  try {
    for await (const resolved of client.readStream(commandStream(commandId), {
      direction: FORWARDS,
      fromRevision: START,
      maxCount: 1,
    })) {
      const event = resolved.event;
      if (!event || event.type !== COMMAND_ACCEPTED || !event.isJson) continue;
      const parsed = commandAcceptedSchema.safeParse(event.data);
      if (parsed.success) record = parsed.data;
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return null;
    throw error;
  }
  return record;
}
