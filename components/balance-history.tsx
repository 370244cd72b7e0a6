import type { BalancePoint } from '@/lib/queries';
import { BalanceChart, type BalanceChartPoint } from './charts/balance-chart';
import { ChartFigure } from './charts/chart-figure';
import { formatDateTime, formatMoney } from './format';

/**
 * The account's balance over its whole history: a chart, with the same points as a table
 * (server-rendered; the only view without JavaScript). A long history arrives downsampled, each
 * point covering several events, so the table then also gives each point's lowest and highest.
 */
export function BalanceHistory({ points }: { points: BalancePoint[] }) {
  if (points.length === 0) return null;
  const events = points.reduce((sum, p) => sum + p.events, 0);
  const grouped = points.some((p) => p.events > 1);
  const chartPoints: BalanceChartPoint[] = points.map((p) => ({
    at: p.to.getTime(),
    closing: Number(p.closingCents) / 100,
    range: [Number(p.lowCents) / 100, Number(p.highCents) / 100],
  }));
  return (
    <section aria-label="Balance over time" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" data-testid="balance-history">
      <ChartFigure
        title="Balance over time"
        description={
          grouped
            ? `${events.toLocaleString('en-US')} events in ${points.length} points: each shows the balance after its last event, shaded from its lowest to its highest.`
            : `The balance after each of its ${events.toLocaleString('en-US')} ${events === 1 ? 'event' : 'events'}, oldest first.`
        }
        chart={<BalanceChart points={chartPoints} />}
      >
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Balance over time, oldest first</caption>
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">
                {grouped ? 'Until' : 'Time'}
              </th>
              {grouped && (
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Events
                </th>
              )}
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Balance
              </th>
              {grouped && (
                <>
                  <th scope="col" className="px-3 py-2 text-right font-medium">
                    Lowest
                  </th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">
                    Highest
                  </th>
                </>
              )}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {points.map((p, i) => (
              <tr key={i}>
                <td className="px-3 py-1.5 whitespace-nowrap tabular">{formatDateTime(p.to)}</td>
                {grouped && <td className="px-3 py-1.5 text-right tabular">{p.events}</td>}
                <td className="px-3 py-1.5 text-right tabular">{formatMoney(p.closingCents)}</td>
                {grouped && (
                  <>
                    <td className="px-3 py-1.5 text-right tabular">{formatMoney(p.lowCents)}</td>
                    <td className="px-3 py-1.5 text-right tabular">{formatMoney(p.highCents)}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </ChartFigure>
    </section>
  );
}
