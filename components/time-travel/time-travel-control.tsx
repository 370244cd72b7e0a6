'use client';

import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { TIME_TRAVEL_ANCHOR, timeTravelApiHref, timeTravelHref } from '@/lib/time-travel/href';
import type { TimeTravelView } from '@/lib/time-travel/view';
import { pointSentence, pointWhen } from './point-text';
import { ChangeTable, describeChanges, StateList } from './snapshot-views';
import { TimeTravelSource } from './time-travel-source';

/** How long the slider rests before the point under it is fetched (dragging fetches only where it stops). */
const SETTLE_MS = 150;

/**
 * The account page's time-travel control: every point of the account's history (its own events
 * and the payments it received), the state right after the chosen one, and what changed.
 *
 * Without JavaScript it is a GET form (the slider plus a Show button) and First / Previous /
 * Next / Latest links, each a new page load of /accounts/<n>?point=<k>. With JavaScript the
 * slider and the links fetch the point's JSON (app/api/accounts/[number]/time-travel) and
 * update this section alone, keeping the address in step; the change is announced politely.
 */
export function TimeTravelControl({ initial }: { initial: TimeTravelView }) {
  const [view, setView] = useState(initial);
  const [wanted, setWanted] = useState(initial.point.number);
  const [enhanced, setEnhanced] = useState(false);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const request = useRef<AbortController | null>(null);
  const settle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const { accountNumber, total, point } = view;

  useEffect(() => setEnhanced(true), []);
  // A server render with a newer view (the page refreshed) wins over what the control showed.
  useEffect(() => {
    setView(initial);
    setWanted(initial.point.number);
  }, [initial]);
  useEffect(
    () => () => {
      request.current?.abort();
      if (settle.current) clearTimeout(settle.current);
    },
    [],
  );

  async function go(number: number) {
    if (settle.current) clearTimeout(settle.current);
    request.current?.abort();
    const controller = new AbortController();
    request.current = controller;
    setWanted(number);
    setLoading(true);
    setProblem(null);
    try {
      const response = await fetch(timeTravelApiHref(accountNumber, number), { signal: controller.signal, cache: 'no-store' });
      const body = (await response.json()) as TimeTravelView | { error: string };
      if (controller.signal.aborted) return;
      if (!response.ok || 'error' in body) throw new Error('error' in body ? body.error : `The bank answered ${response.status}.`);
      setView(body);
      setWanted(body.point.number);
      setAnnouncement(
        `Point ${body.point.number} of ${body.total}: ${pointSentence(body.point)}. Changed: ${describeChanges(body.sincePrevious)}.`,
      );
      window.history.replaceState(window.history.state, '', timeTravelHref(accountNumber, body.point.number));
    } catch (error) {
      if (controller.signal.aborted) return;
      setProblem(`Could not load point ${number}: ${error instanceof Error ? error.message : String(error)}`);
      setWanted(view.point.number);
    } finally {
      if (request.current === controller) setLoading(false);
    }
  }

  function slide(value: number) {
    setWanted(value);
    if (settle.current) clearTimeout(settle.current);
    settle.current = setTimeout(() => void go(value), SETTLE_MS);
  }

  // Plain links without JavaScript; with it, a click (not a modified one: new tab etc.) fetches in place.
  function step(number: number) {
    return (event: MouseEvent<HTMLAnchorElement>) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      void go(number);
    };
  }

  const steps = [
    { label: 'First', number: 1, rel: undefined, enabled: point.number > 1 },
    { label: '← Previous', number: point.number - 1, rel: 'prev', enabled: point.number > 1 },
    { label: 'Next →', number: point.number + 1, rel: 'next', enabled: point.number < total },
    { label: 'Latest', number: total, rel: undefined, enabled: point.number < total },
  ];

  return (
    <section
      id={TIME_TRAVEL_ANCHOR}
      aria-labelledby="time-travel-heading"
      aria-busy={loading}
      className="space-y-5 rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
      data-testid="time-travel"
      data-point={point.number}
    >
      <div className="space-y-1">
        <h2 id="time-travel-heading" className="text-lg font-semibold">
          Time travel
        </h2>
        <p className="text-sm text-slate-600">
          Step through every point of this account’s history — each of its own events and each payment it received — and see the account
          right after it.
        </p>
      </div>

      <form
        method="get"
        action={`/accounts/${accountNumber}#${TIME_TRAVEL_ANCHOR}`}
        className="space-y-2"
        onSubmit={(event) => {
          event.preventDefault();
          void go(wanted);
        }}
      >
        <label htmlFor="time-travel-point" className="flex flex-wrap justify-between gap-x-4 text-sm font-medium">
          <span>Point in history</span>
          <span className="font-normal text-slate-600 tabular" aria-hidden="true">
            {wanted} of {total}
          </span>
        </label>
        <div className="flex items-center gap-3">
          <input
            id="time-travel-point"
            name="point"
            type="range"
            min={1}
            max={total}
            step={1}
            value={wanted}
            aria-valuetext={
              wanted === point.number
                ? `Point ${point.number} of ${total}: ${pointSentence(point)}, ${pointWhen(point)}`
                : `Point ${wanted} of ${total}`
            }
            aria-describedby="time-travel-keys"
            onChange={(event) => slide(Number(event.target.value))}
            className="h-2 min-w-0 flex-1 cursor-pointer accent-brand-700"
            data-testid="time-travel-slider"
          />
          {!enhanced && (
            <button
              type="submit"
              className="shrink-0 rounded-md bg-brand-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-brand-800"
            >
              Show
            </button>
          )}
        </div>
        <p id="time-travel-keys" className="text-xs text-slate-500">
          Arrow keys step one point; Home and End go to the first and the latest.
        </p>
      </form>

      <nav aria-label="Time travel steps" className="flex flex-wrap items-center gap-2">
        {steps.map((s) =>
          s.enabled ? (
            <a
              key={s.label}
              href={timeTravelHref(accountNumber, s.number)}
              rel={s.rel}
              onClick={step(s.number)}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
            >
              {s.label}
            </a>
          ) : (
            <span key={s.label} aria-disabled="true" className="rounded-md border border-slate-200 px-3 py-1.5 text-sm text-slate-400">
              {s.label}
            </span>
          ),
        )}
      </nav>

      <p role="status" aria-live="polite" className="text-sm" data-testid="time-travel-status">
        {problem ? (
          <span className="text-red-700">{problem}</span>
        ) : loading ? (
          <span className="text-slate-600">Loading point {wanted}…</span>
        ) : (
          <span className="sr-only">{announcement}</span>
        )}
      </p>

      <div className="grid gap-6 md:grid-cols-2">
        <div className="min-w-0 space-y-3">
          <div className="space-y-1" data-testid="time-travel-point">
            <h3 className="text-sm font-semibold">
              Point {point.number} of {total}
              {point.number === total && <span className="font-normal text-slate-600"> (the latest)</span>}
            </h3>
            <p className="wrap-anywhere">{pointSentence(point)}</p>
            <p className="text-xs text-slate-500">
              <time dateTime={point.created}>{pointWhen(point)}</time> · {point.stream}@{point.revision} · position {point.position}
            </p>
            <p className="text-sm">
              <a href={point.href} className="font-medium text-brand-700 hover:underline">
                Open this past state
              </a>
            </p>
          </div>
          <div className="rounded-lg bg-slate-50 p-3">
            <p className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">State right after it</p>
            <StateList values={view.state} label={`State right after point ${point.number}`} />
          </div>
        </div>
        <div className="min-w-0 space-y-4">
          <ChangeTable
            changes={view.sincePrevious}
            caption={view.previous ? `Changed by this event (since point ${view.previous.number})` : 'Changed by this event (the opening)'}
            empty="Nothing: this event changes none of these fields."
            testId="time-travel-since-previous"
          />
          <ChangeTable
            changes={view.untilToday}
            caption="Changed since, until today"
            empty="Nothing: this is the account as it is today."
            testId="time-travel-until-today"
          />
        </div>
      </div>

      <TimeTravelSource view={view} />
    </section>
  );
}
