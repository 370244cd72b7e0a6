import { z } from 'zod';
import type { PointSelector } from './points';

/**
 * The time-travel values a URL may carry, validated with zod: a revision (route segment), a
 * $all position, a moment (`asOf`) and a point number (the account page's slider). Each parser
 * answers the value or a sentence saying what is wrong with it, for badRequest().
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

type SearchValue = string | string[] | undefined;

// Revisions are uint64 on the wire, but real ones never reach 2^63 (that number marks a deleted stream).
export const MAX_REVISION = 2n ** 63n - 1n;
// Commit positions are uint64.
export const MAX_POSITION = 2n ** 64n - 1n;
// A slider over more points than this would be no use; the number is only a rank anyway.
export const MAX_POINT_NUMBER = 1_000_000_000;

const revisionSchema = z
  .string()
  .regex(/^\d{1,19}$/, 'not a revision')
  .transform((value) => BigInt(value))
  .refine((revision) => revision <= MAX_REVISION, 'beyond any possible revision');

const positionSchema = z
  .string()
  .regex(/^\d{1,20}$/, 'not a position')
  .transform((value) => BigInt(value))
  .refine((position) => position <= MAX_POSITION, 'beyond any possible position');

// ISO 8601 date and time, with seconds and fractions optional; without an offset it is UTC,
// as every time on these pages is (a datetime-local field sends "2026-12-06T10:30").
const asOfSchema = z.iso
  .datetime({ offset: true, local: true })
  .transform((value) => new Date(/(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`))
  .refine((date) => !Number.isNaN(date.getTime()) && date.getUTCFullYear() >= 1970 && date.getUTCFullYear() <= 9999, 'out of range');

const pointNumberSchema = z
  .string()
  .regex(/^\d{1,10}$/, 'not a point number')
  .transform(Number)
  .refine((number) => number >= 1 && number <= MAX_POINT_NUMBER, 'out of range');

const quote = (value: string) => `“${value.length > 40 ? `${value.slice(0, 40)}…` : value}”`;

/** The `[revision]` route segment. */
export function parseRevision(value: string): Parsed<bigint> {
  const parsed = revisionSchema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  if (/^\d{1,19}$/.test(value)) return { ok: false, reason: `Revision ${value} is beyond any possible revision.` };
  return { ok: false, reason: `${quote(value)} is not a revision: revisions are whole numbers counting the account's events from 0.` };
}

function single(name: string, value: SearchValue): Parsed<string | undefined> {
  if (Array.isArray(value)) return { ok: false, reason: `Give “${name}” once, not ${value.length} times.` };
  return { ok: true, value };
}

/** `?position=`: a $all commit position, as the event log and event pages show them. */
export function parsePosition(value: SearchValue): Parsed<bigint | undefined> {
  const one = single('position', value);
  if (!one.ok || one.value === undefined) return one as Parsed<undefined>;
  const parsed = positionSchema.safeParse(one.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    reason: `“position” must be a $all commit position (a whole number up to ${MAX_POSITION}); ${quote(one.value)} is not one.`,
  };
}

/** `?asOf=`: an ISO 8601 date and time, e.g. 2026-12-06T10:30:00Z (no offset: UTC). */
export function parseAsOf(value: SearchValue): Parsed<Date | undefined> {
  const one = single('asOf', value);
  if (!one.ok || one.value === undefined) return one as Parsed<undefined>;
  const parsed = asOfSchema.safeParse(one.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    reason: `“asOf” must be an ISO 8601 date and time between 1970 and 9999, such as 2026-12-06T10:30:00Z (without an offset it is read as UTC); ${quote(one.value)} is not one.`,
  };
}

/** `?point=`: the account page's time-travel position, 1 for the account's first event. */
export function parsePointNumber(value: SearchValue): Parsed<number | undefined> {
  const one = single('point', value);
  if (!one.ok || one.value === undefined) return one as Parsed<undefined>;
  const parsed = pointNumberSchema.safeParse(one.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, reason: `“point” must be a whole number from 1 (the account's first event); ${quote(one.value)} is not one.` };
}

/**
 * `/accounts/<n>/at?position=…` or `?asOf=…`: which point, or null when neither is given (the
 * page then offers a form). Both at once are refused rather than one silently preferred.
 */
export type PointQuery = Extract<PointSelector, { by: 'position' | 'asOf' }>;

export function parsePointQuery(query: { position?: SearchValue; asOf?: SearchValue }): Parsed<PointQuery | null> {
  const position = parsePosition(query.position);
  if (!position.ok) return position;
  const asOf = parseAsOf(query.asOf);
  if (!asOf.ok) return asOf;
  if (position.value !== undefined && asOf.value !== undefined) {
    return { ok: false, reason: 'Give either “position” or “asOf”, not both.' };
  }
  if (position.value !== undefined) return { ok: true, value: { by: 'position', position: position.value } };
  if (asOf.value !== undefined) return { ok: true, value: { by: 'asOf', at: asOf.value } };
  return { ok: true, value: null };
}
