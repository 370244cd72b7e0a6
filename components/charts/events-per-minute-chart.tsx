'use client';

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export type MinuteBar = { minute: string; events: number };

/** One bar per minute; `minute` is its "HH:MM" label (UTC). */
export function EventsPerMinuteChart({ bars }: { bars: MinuteBar[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%" minWidth={0}>
      <BarChart data={bars} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="minute" tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={16} />
        <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={40} />
        <Tooltip
          formatter={(value) => [String(value), 'Events']}
          labelFormatter={(label) => (typeof label === 'string' ? `${label} UTC` : label)}
        />
        <Bar dataKey="events" fill="#4f46e5" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
