'use client';

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export type BalanceChartPoint = {
  /** Milliseconds since the epoch. */
  at: number;
  /** Dollars, for drawing only (the table shows exact cents). */
  closing: number;
};

const dollars = (value: number) => `$${value.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
const day = (at: number) => new Date(at).toISOString().slice(0, 10);
const moment = (at: number) => `${new Date(at).toISOString().replace('T', ' ').slice(0, 19)} UTC`;

/** The balance as a step line over time (it changes only at events). */
export function BalanceChart({ points }: { points: BalanceChartPoint[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%" minWidth={0}>
      <LineChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis
          dataKey="at"
          type="number"
          scale="time"
          domain={['dataMin', 'dataMax']}
          tickFormatter={day}
          tick={{ fontSize: 11 }}
          minTickGap={24}
        />
        <YAxis tickFormatter={dollars} tick={{ fontSize: 11 }} width={64} />
        <Tooltip labelFormatter={(at) => moment(Number(at))} formatter={(value) => [dollars(Number(value)), 'Balance']} />
        <Line type="stepAfter" dataKey="closing" stroke="#3730a3" strokeWidth={2} dot={points.length < 30} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}
