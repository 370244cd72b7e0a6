import Link from 'next/link';
import { ACCOUNT_EVENT_TYPES } from '@/lib/domain/events';
import { TEXT_MAX_LENGTH, TEXT_MIN_LENGTH, type RawParams } from '@/lib/http/event-log-params';
import { AMOUNT_HINT } from '@/lib/domain/money';

const input =
  'mt-1 block w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600';
const label = 'block text-xs font-medium text-slate-700';

/**
 * The event log's filters: a plain GET form, so the filters land in the URL (shareable, the
 * back button restores them) and it works without JavaScript. Submitting starts at the newest
 * page again (no cursor field); ids set by links (command, correlation, causation) ride along
 * as hidden fields until removed.
 */
export function EventFilterForm({ raw }: { raw: RawParams }) {
  const types = new Set(raw.type ?? []);
  const otherTypes = (raw.type ?? []).filter((type) => !(ACCOUNT_EVENT_TYPES as readonly string[]).includes(type));
  return (
    <form
      method="get"
      action="/events"
      role="search"
      aria-label="Filter events"
      // The fields show the URL's filters: a browser must not restore what was typed before leaving.
      autoComplete="off"
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
    >
      <fieldset>
        <legend className={label}>Event types</legend>
        <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
          {[...ACCOUNT_EVENT_TYPES, ...otherTypes].map((type) => (
            <label key={type} className="flex items-center gap-1.5 text-sm [overflow-wrap:anywhere]">
              <input type="checkbox" name="type" value={type} defaultChecked={types.has(type)} className="size-4" />
              {type}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <label htmlFor="filter-account" className={label}>
            Account (owner or payee)
          </label>
          <input
            id="filter-account"
            name="account"
            inputMode="numeric"
            autoComplete="off"
            placeholder="10 digits"
            defaultValue={raw.account}
            className={`${input} font-mono`}
          />
        </div>
        <div>
          <label htmlFor="filter-q" className={label}>
            Holder name or reference
          </label>
          <input
            id="filter-q"
            name="q"
            type="search"
            minLength={TEXT_MIN_LENGTH}
            maxLength={TEXT_MAX_LENGTH}
            placeholder={`At least ${TEXT_MIN_LENGTH} characters`}
            defaultValue={raw.q}
            className={input}
          />
        </div>
        <div>
          <label htmlFor="filter-min" className={label}>
            Amount from ($)
          </label>
          <input
            id="filter-min"
            name="min"
            inputMode="decimal"
            placeholder="e.g. 20"
            title={AMOUNT_HINT}
            defaultValue={raw.min}
            className={input}
          />
        </div>
        <div>
          <label htmlFor="filter-max" className={label}>
            Amount to ($)
          </label>
          <input
            id="filter-max"
            name="max"
            inputMode="decimal"
            placeholder="e.g. 1,000"
            title={AMOUNT_HINT}
            defaultValue={raw.max}
            className={input}
          />
        </div>
        <div>
          <label htmlFor="filter-from" className={label}>
            From (UTC)
          </label>
          <input
            id="filter-from"
            name="from"
            placeholder="YYYY-MM-DD or …THH:MM"
            defaultValue={raw.from}
            className={`${input} font-mono`}
          />
        </div>
        <div>
          <label htmlFor="filter-to" className={label}>
            To (UTC, inclusive)
          </label>
          <input id="filter-to" name="to" placeholder="YYYY-MM-DD or …THH:MM" defaultValue={raw.to} className={`${input} font-mono`} />
        </div>
      </div>
      {raw.command !== undefined && <input type="hidden" name="command" value={raw.command} />}
      {raw.correlation !== undefined && <input type="hidden" name="correlation" value={raw.correlation} />}
      {raw.causation !== undefined && <input type="hidden" name="causation" value={raw.causation} />}
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-brand-800">
          Apply filters
        </button>
        <Link href="/events" className="text-sm font-medium text-brand-700 hover:underline">
          Clear all
        </Link>
      </div>
    </form>
  );
}
