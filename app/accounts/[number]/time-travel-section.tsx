import type { ReactNode } from 'react';
import Link from 'next/link';
import { badRequest } from '@/lib/http/bad-request';
import { TIME_TRAVEL_ANCHOR, timeTravelHref } from '@/lib/time-travel/href';
import { loadTimeTravel, type TimeTravelResult } from '@/lib/time-travel/load';
import { parsePointNumber } from '@/lib/time-travel/params';
import type { PointSelector } from '@/lib/time-travel/points';
import { TimeTravelControl } from '@/components/time-travel/time-travel-control';

export type TimeTravelStart = {
  point: PointSelector;
  result: Promise<TimeTravelResult | { kind: 'unavailable' }>;
};

/**
 * The account page's `?point=<k>` (the latest point when absent), validated by the page itself
 * (a refusal must come before anything renders: thrown from a nested component, Next answers
 * the 404 without the page that says why), and the replay started at once, so it runs while
 * the page reads the rest.
 */
export function startTimeTravel(accountNumber: string, value: string | string[] | undefined): TimeTravelStart {
  const parsed = parsePointNumber(value);
  if (!parsed.ok) badRequest(parsed.reason);
  const point: PointSelector = parsed.value === undefined ? { by: 'latest' } : { by: 'number', number: parsed.value };
  const result = loadTimeTravel(accountNumber, point).catch((error: unknown) => {
    // The rest of the page reads PostgreSQL alone: it stays up when the store does not answer.
    console.error(`[time-travel] account ${accountNumber}:`, error);
    return { kind: 'unavailable' as const };
  });
  return { point, result };
}

/** The account page's time-travel region, on its own so the page needs one line for it. */
export async function TimeTravelSection({ accountNumber, start }: { accountNumber: string; start: TimeTravelStart }) {
  const { point } = start;
  const result = await start.result;
  if (result.kind === 'unavailable') {
    return (
      <Frame>
        <p role="alert" className="text-sm text-slate-700">
          Time travel replays this account from the event store, which did not answer just now. Reload the page to try again.
        </p>
      </Frame>
    );
  }
  // The store has no readable opening for it: the page above says what it can.
  if (result.kind === 'not_found') return null;
  if (result.kind === 'no_such_point') {
    return (
      <Frame>
        <p role="alert" className="text-sm text-slate-700">
          This account’s history has {result.total === 1 ? '1 point' : `${result.total} points`}; point{' '}
          {point.by === 'number' ? point.number : ''} does not exist (yet).
        </p>
        <p className="flex flex-wrap gap-2">
          <Link
            href={timeTravelHref(accountNumber, 1)}
            className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
          >
            First point
          </Link>
          <Link
            href={timeTravelHref(accountNumber, result.total)}
            className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
          >
            Latest point ({result.total})
          </Link>
        </p>
      </Frame>
    );
  }
  return <TimeTravelControl initial={result.view} />;
}

function Frame({ children }: { children: ReactNode }) {
  return (
    <section
      id={TIME_TRAVEL_ANCHOR}
      aria-labelledby="time-travel-heading"
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
      data-testid="time-travel"
    >
      <h2 id="time-travel-heading" className="text-lg font-semibold">
        Time travel
      </h2>
      {children}
    </section>
  );
}
