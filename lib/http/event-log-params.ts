import { z } from 'zod';
import { accountNumberSchema } from '@/lib/domain/account-number';
import { formatCents, parseAmountText } from '@/lib/domain/money';
import { unsafeTextProblem } from '@/lib/domain/safe-text';

/**
 * The event log's filters and cursor, as they live in the URL (`/events?type=PaymentMade&account=…`),
 * parsed and validated here (pure: the page, the query and the links all share it), so the
 * database never sees a value nobody checked and every link is built the one way.
 */
export type EventFilter = {
  types?: string[];
  /** As owner of the event's stream or as the payee of a payment. */
  account?: string;
  minCents?: bigint;
  maxCents?: bigint;
  /** Inclusive. */
  from?: Date;
  /** Exclusive (the end of the day, minute or second the URL names). */
  until?: Date;
  /** Holder name or payment reference contains this (case-insensitive). */
  text?: string;
  command?: string;
  correlation?: string;
  causation?: string;
};

/** `before`: events older than this $all position; `after`: newer. At most one. */
export type EventCursor = { before?: bigint; after?: bigint };

export type EventLogParams = {
  filter: EventFilter;
  cursor: EventCursor;
  /** The URL parameters as written, for the form's fields and the links that keep them. */
  raw: RawParams;
};

/** The parameter names, as they appear in the URL. */
export type RawParams = {
  type?: string[];
  account?: string;
  min?: string;
  max?: string;
  from?: string;
  to?: string;
  q?: string;
  command?: string;
  correlation?: string;
  causation?: string;
  before?: string;
  after?: string;
};

export const FILTER_KEYS = ['type', 'account', 'min', 'max', 'from', 'to', 'q', 'command', 'correlation', 'causation'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
const SINGLE_KEYS = ['account', 'min', 'max', 'from', 'to', 'q', 'command', 'correlation', 'causation', 'before', 'after'] as const;

export const MAX_TYPES = 10;
export const TEXT_MIN_LENGTH = 3;
export const TEXT_MAX_LENGTH = 100;
export const ID_MAX_LENGTH = 200;
const MAX_POSITION = 2n ** 64n - 1n;

type SearchParams = Record<string, string | string[] | undefined>;

export type ParsedEventLogParams = { ok: true; params: EventLogParams } | { ok: false; message: string };

const typeSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/, {
  message: 'Each “type” must be an event type name (letters, digits, “_”, “.”, “:” or “-”, starting with a letter).',
});

const amountSchema = (name: string) =>
  z.string().transform((text, ctx) => {
    const parsed = parseAmountText(text);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: `“${name}”: ${parsed.message}.` });
      return z.NEVER;
    }
    return BigInt(parsed.cents);
  });

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** A day, minute or second in UTC: its start, and the start of the next one. */
const dateSchema = (name: string) =>
  z.string().transform((text, ctx) => {
    const match = DATE.exec(text);
    const problem = `“${name}” must be a date in UTC: YYYY-MM-DD, YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS.`;
    if (!match) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    const [, y, mo, d, h, mi, s] = match;
    const parts = [Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)] as const;
    const start = new Date(Date.UTC(...parts));
    // Date.UTC rolls 2026-02-31 over to March: a date that does not exist is refused, not moved.
    const valid =
      start.getUTCFullYear() === parts[0] &&
      start.getUTCMonth() === parts[1] &&
      start.getUTCDate() === parts[2] &&
      start.getUTCHours() === parts[3] &&
      start.getUTCMinutes() === parts[4] &&
      start.getUTCSeconds() === parts[5] &&
      parts[0] >= 1970 &&
      parts[0] <= 9999;
    if (!valid) {
      ctx.addIssue({ code: 'custom', message: `“${name}” is not a date that exists: ${text}.` });
      return z.NEVER;
    }
    const step = s !== undefined ? 1000 : mi !== undefined ? 60_000 : 86_400_000;
    return { start, end: new Date(start.getTime() + step) };
  });

const idSchema = (name: string) =>
  z
    .string()
    .max(ID_MAX_LENGTH, { message: `“${name}” must be at most ${ID_MAX_LENGTH} characters.` })
    .regex(/^[^\s\p{C}]+$/u, { message: `“${name}” must be an id: no spaces or control characters.` });

const positionSchema = (name: string) =>
  z
    .string()
    .regex(/^\d{1,20}$/, { message: `“${name}” must be a commit position: a whole number of 0 or more.` })
    .transform((text) => BigInt(text))
    .refine((value) => value <= MAX_POSITION, { message: `“${name}” is beyond the largest possible position.` });

const textSchema = z
  .string()
  .transform((text) => text.trim())
  .pipe(
    z
      .string()
      .min(TEXT_MIN_LENGTH, { message: `Search text must be at least ${TEXT_MIN_LENGTH} characters.` })
      .max(TEXT_MAX_LENGTH, { message: `Search text must be at most ${TEXT_MAX_LENGTH} characters.` })
      .refine((text) => unsafeTextProblem(text) === null, { message: 'Search text may not hold control or invisible characters.' }),
  );

const accountSchema = z.string().transform((text, ctx) => {
  const parsed = accountNumberSchema.safeParse(text);
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: `“account”: ${parsed.error.issues[0]?.message ?? 'not an account number'}.` });
    return z.NEVER;
  }
  return parsed.data;
});

const paramsSchema = z
  .object({
    type: z
      .array(typeSchema)
      .max(MAX_TYPES, { message: `Choose at most ${MAX_TYPES} event types.` })
      .optional(),
    account: accountSchema.optional(),
    min: amountSchema('min').optional(),
    max: amountSchema('max').optional(),
    from: dateSchema('from').optional(),
    to: dateSchema('to').optional(),
    q: textSchema.optional(),
    command: idSchema('command').optional(),
    correlation: idSchema('correlation').optional(),
    causation: idSchema('causation').optional(),
    before: positionSchema('before').optional(),
    after: positionSchema('after').optional(),
  })
  .refine((p) => p.before === undefined || p.after === undefined, { message: 'Use either “before” or “after”, not both.' })
  .refine((p) => p.min === undefined || p.max === undefined || p.min <= p.max, {
    message: 'The smallest amount (“min”) is larger than the largest (“max”).',
  })
  .refine((p) => p.from === undefined || p.to === undefined || p.from.start < p.to.end, {
    message: 'The start date (“from”) is after the end date (“to”).',
  });

/**
 * Empty values count as absent (a plain GET form sends every field), other values must be
 * valid; unknown parameters are ignored. Repeating a single-valued parameter is refused.
 */
export function parseEventLogParams(search: SearchParams): ParsedEventLogParams {
  const raw: RawParams = {};
  for (const key of SINGLE_KEYS) {
    const value = search[key];
    if (Array.isArray(value)) return { ok: false, message: `Give “${key}” once.` };
    if (value !== undefined && value.trim() !== '') raw[key] = value;
  }
  const types = search.type;
  const typeList = (Array.isArray(types) ? types : types === undefined ? [] : [types]).filter((t) => t.trim() !== '');
  if (typeList.length > 0) raw.type = [...new Set(typeList)];

  const parsed = paramsSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? 'Invalid filter.' };
  const p = parsed.data;
  if (p.q !== undefined) raw.q = p.q;
  const filter: EventFilter = {};
  if (p.type) filter.types = [...p.type].sort();
  if (p.account) filter.account = p.account;
  if (p.min !== undefined) filter.minCents = p.min;
  if (p.max !== undefined) filter.maxCents = p.max;
  if (p.from) filter.from = p.from.start;
  if (p.to) filter.until = p.to.end;
  if (p.q !== undefined) filter.text = p.q;
  if (p.command) filter.command = p.command;
  if (p.correlation) filter.correlation = p.correlation;
  if (p.causation) filter.causation = p.causation;
  const cursor: EventCursor = {};
  if (p.before !== undefined) cursor.before = p.before;
  if (p.after !== undefined) cursor.after = p.after;
  return { ok: true, params: { filter, cursor, raw } };
}

/** `/events?…` for these parameters, always in one order, so equal filters give equal URLs. */
export function eventLogHref(raw: RawParams, cursor: EventCursor = {}): string {
  const search = new URLSearchParams();
  for (const type of [...(raw.type ?? [])].sort()) search.append('type', type);
  for (const key of FILTER_KEYS) {
    if (key === 'type') continue;
    const value = raw[key];
    if (value !== undefined) search.set(key, value);
  }
  if (cursor.before !== undefined) search.set('before', cursor.before.toString());
  if (cursor.after !== undefined) search.set('after', cursor.after.toString());
  const query = search.toString();
  return query ? `/events?${query}` : '/events';
}

/** The filters only (no cursor), e.g. to go back to the newest page of the same search. */
export function filtersOnly(raw: RawParams): RawParams {
  const { before: _before, after: _after, ...rest } = raw;
  return rest;
}

export function hasFilters(raw: RawParams): boolean {
  return FILTER_KEYS.some((key) => raw[key] !== undefined);
}

export type ActiveFilter = { key: string; label: string; removeHref: string };

/** One removable entry per active filter value (each type separately). */
export function activeFilters(raw: RawParams): ActiveFilter[] {
  const base = filtersOnly(raw);
  const without = (change: Partial<RawParams>) => eventLogHref({ ...base, ...change });
  const list: ActiveFilter[] = [];
  for (const type of raw.type ?? []) {
    const rest = (raw.type ?? []).filter((t) => t !== type);
    list.push({ key: `type:${type}`, label: `Type: ${type}`, removeHref: without({ type: rest.length ? rest : undefined }) });
  }
  const labels: Record<Exclude<FilterKey, 'type'>, (value: string) => string> = {
    account: (v) => `Account: ${v}`,
    min: (v) => `Amount ≥ $${formatAmount(v)}`,
    max: (v) => `Amount ≤ $${formatAmount(v)}`,
    from: (v) => `From ${v.replace('T', ' ')} UTC`,
    to: (v) => `To ${v.replace('T', ' ')} UTC`,
    q: (v) => `Text: “${v}”`,
    command: (v) => `Command: ${v}`,
    correlation: (v) => `Correlation: ${v}`,
    causation: (v) => `Causation: ${v}`,
  };
  for (const key of FILTER_KEYS) {
    if (key === 'type') continue;
    const value = raw[key];
    if (value !== undefined) list.push({ key, label: labels[key](value), removeHref: without({ [key]: undefined }) });
  }
  return list;
}

function formatAmount(text: string): string {
  const parsed = parseAmountText(text);
  return parsed.ok ? formatCents(parsed.cents) : text;
}

/**
 * True when the address holds empty fields (what a plain GET form sends for fields left blank):
 * the page then redirects to eventLogHref(raw, cursor), so the address bar shows a clean,
 * shareable URL and the history holds that one.
 */
export function hasEmptyFields(search: SearchParams): boolean {
  return [...FILTER_KEYS, 'before', 'after'].some((key) => {
    const value = search[key];
    return Array.isArray(value) ? value.some((v) => v.trim() === '') : value !== undefined && value.trim() === '';
  });
}
