import type { BalancePoint } from '@/lib/queries';
import { BalanceChart, type BalanceChartPoint } from './charts/balance-chart';
import { ChartFigure } from './charts/chart-figure';
import { formatDateTime, formatMoney } from './format';

/**
 * The account's balance over its whole history: a chart, with the same points as a table
 * (server-rendered; the only view without JavaScript). A long history arrives sampled: at most
 * `maxPoints` points spread evenly over it, each the balance after the last event before it.
 */
export function BalanceHistory({ points, maxPoints }: { points: BalancePoint[]; maxPoints: number }) {
  if (points.length === 0) return null;
  const sampled = points.length >= maxPoints;
  const chartPoints: BalanceChartPoint[] = points.map((p) => ({ at: p.at.getTime(), closing: Number(p.closingCents) / 100 }));
  return (
    <section
      aria-label="Balance over time"
      className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
      data-testid="balance-history"
    >
      <ChartFigure
        title="Balance over time"
        description={
          sampled
            ? `Its whole history in ${points.length} points spread evenly over it: each is the balance after the last event up to that point.`
            : `The balance after each of its ${points.length} ${points.length === 1 ? 'event' : 'events'}, oldest first.`
        }
        chart={<BalanceChart points={chartPoints} />}
      >
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Balance over time, oldest first</caption>
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">
                Time
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Balance
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {points.map((p, i) => (
              <tr key={i}>
                <td className="whitespace-nowrap px-3 py-1.5 tabular">{formatDateTime(p.at)}</td>
                <td className="px-3 py-1.5 text-right tabular">{formatMoney(p.closingCents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ChartFigure>
    </section>
  );
}
