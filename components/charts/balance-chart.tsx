'use client';

import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export type BalanceChartPoint = {
  /** Milliseconds since the epoch: the last event the point covers. */
  at: number;
  /** Dollars, for drawing only (tables show exact cents). */
  closing: number;
  range: [number, number];
};

const dollars = (value: number) => `$${value.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
const day = (at: number) => new Date(at).toISOString().slice(0, 10);
const moment = (at: number) => `${new Date(at).toISOString().replace('T', ' ').slice(0, 19)} UTC`;

/** Closing balance per point, with the range between its lowest and highest balance shaded. */
export function BalanceChart({ points }: { points: BalanceChartPoint[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%" minWidth={0}>
      <ComposedChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="at" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={day} tick={{ fontSize: 11 }} minTickGap={24} />
        <YAxis tickFormatter={dollars} tick={{ fontSize: 11 }} width={64} />
        <Tooltip
          labelFormatter={(at) => moment(Number(at))}
          formatter={(value, name) => [Array.isArray(value) ? value.map((v) => dollars(Number(v))).join(' – ') : dollars(Number(value)), name === 'range' ? 'Low – high' : 'Balance']}
        />
        <Area dataKey="range" stroke="none" fill="#c7d2fe" fillOpacity={0.6} isAnimationActive={false} />
        <Line dataKey="closing" stroke="#3730a3" strokeWidth={2} dot={points.length < 30} isAnimationActive={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
