'use client';

import { useEffect, useId, useState, type ReactNode } from 'react';

type Props = {
  title: string;
  /** One line under the title: what the chart shows and its units. */
  description?: string;
  /** The chart (a client component), drawn only once JavaScript runs. */
  chart: ReactNode;
  /** The same data as a table, rendered on the server: what people see without JavaScript, and what screen readers read. */
  children: ReactNode;
};

/**
 * A chart with a title and a table fallback. The server renders the table (scrollable, so a
 * long one never stretches the page); once JavaScript runs the chart is drawn above it and the
 * table is kept for screen readers only (the chart's SVG is hidden from them).
 */
export function ChartFigure({ title, description, chart, children }: Props) {
  const id = useId();
  const [drawn, setDrawn] = useState(false);
  useEffect(() => setDrawn(true), []);
  return (
    <figure aria-labelledby={`${id}-title`} className="min-w-0 space-y-2" data-testid="chart-figure">
      <figcaption>
        <span id={`${id}-title`} className="block text-base font-semibold">
          {title}
        </span>
        {description && <span className="block text-sm text-slate-600">{description}</span>}
      </figcaption>
      {drawn && (
        <div aria-hidden="true" className="h-56 w-full min-w-0" data-testid="chart">
          {chart}
        </div>
      )}
      <div className={drawn ? 'sr-only' : 'max-h-80 overflow-auto rounded-md border border-slate-200'} data-testid="chart-table">
        {children}
      </div>
    </figure>
  );
}
