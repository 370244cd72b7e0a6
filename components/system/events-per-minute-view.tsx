import { ChartFigure } from '../charts/chart-figure';
import { EventsPerMinuteChart, type MinuteBar } from '../charts/events-per-minute-chart';

/** Events per minute over the last hour: a bar chart, the same figures as a table. */
export function EventsPerMinuteView({ minutes }: { minutes: { minute: Date; events: number }[] }) {
  const bars: MinuteBar[] = minutes.map((m) => ({ minute: m.minute.toISOString().slice(11, 16), events: m.events }));
  const total = minutes.reduce((sum, m) => sum + m.events, 0);
  return (
    <ChartFigure
      title="Events per minute, last hour"
      description={`${total.toLocaleString('en-US')} account events in the last ${minutes.length} minutes (UTC, by the time the store recorded them).`}
      chart={<EventsPerMinuteChart bars={bars} />}
    >
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Events per minute, last hour, oldest first</caption>
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              Minute (UTC)
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Events
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {bars.map((bar) => (
            <tr key={bar.minute}>
              <td className="px-3 py-1.5 tabular">{bar.minute}</td>
              <td className="px-3 py-1.5 text-right tabular">{bar.events}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ChartFigure>
  );
}
