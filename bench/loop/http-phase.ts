// bench:loop's http phase: the handler figures' payments again, through the production server as
// a browser without JavaScript makes them (issue 10 point 1). Reported without a target: the
// issue's 1,000/s is for the handlers.
import { sql } from 'drizzle-orm';
import type { createDb } from '@/lib/db/client';
import type { Figure } from '../report.js';
import type { SoakStack } from '../soak/stack';
import { closedLoop, uniformPick, type Outcome } from './bank';
import { browserPayment, cpuSeconds, startNextServer, type BrowserPayment } from './http';
import { sampleRss, summarize } from './stats';
import type { Series } from './svg';

type Context = {
  stack: SoakStack;
  db: ReturnType<typeof createDb>['db'];
  accounts: readonly string[];
  ms: number;
  /** Profile the Next server into this directory (written when it stops at the end of the phase). */
  cpuProf: string | undefined;
  figure: (id: string, label: string, value: number | undefined, unit: string, detail: Figure['detail']) => void;
  series: Series[];
  cleanups: Array<() => Promise<void>>;
  log: (message: string) => void;
};

const pct = (trips: readonly BrowserPayment[], outcome: Outcome) =>
  trips.length ? (100 * trips.filter((t) => t.outcome === outcome).length) / trips.length : 0;

export async function httpPhase(ctx: Context): Promise<void> {
  const { base, server } = await startNextServer(ctx.stack, ctx.log, ctx.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${ctx.cpuProf}`] : []);
  ctx.cleanups.push(() => server.stop());
  ctx.log(`next start (the production build) at ${base}`);
  const pick = uniformPick(ctx.accounts);
  // The server loads each route's modules and opens its pools on first use: not what is measured.
  const warm = await closedLoop(5, Math.min(ctx.ms, 3_000), () => browserPayment(base, pick));
  ctx.log(`warm-up: ${warm.payments.length} round trips, ${warm.payments.filter((p) => p.outcome === 'ok').length} paid`);

  for (const clients of [1, 10, 50]) {
    const trips: BrowserPayment[] = [];
    const rss = sampleRss(server.pid);
    const cpuBefore = { next: cpuSeconds(server.pid), client: process.cpuUsage() };
    const { seconds } = await closedLoop(clients, ctx.ms, async () => {
      const trip = await browserPayment(base, pick);
      trips.push(trip);
      return trip;
    });
    const nextCores = (cpuSeconds(server.pid) - cpuBefore.next) / seconds;
    const used = process.cpuUsage(cpuBefore.client);
    const clientCores = (used.user + used.system) / 1e6 / seconds;
    const paid = trips.filter((t) => t.outcome === 'ok');
    const landed = await countLanded(ctx.db, paid, 10_000);
    const trip = summarize(trips.map((t) => t.latencyMs));
    const post = summarize(trips.filter((t) => Number.isFinite(t.postMs)).map((t) => t.postMs));
    const others = [...new Set(trips.filter((t) => t.outcome === 'other').map((t) => t.answer))];
    if (others.length) ctx.log(`http, ${clients} clients: other answers: ${others.slice(0, 5).join(' | ')}`);
    ctx.figure(
      `http${clients}`,
      `Payments, ${clients} client${clients > 1 ? 's' : ''}, 1,000 accounts (HTTP, GET form + POST, no JavaScript)`,
      paid.length / seconds,
      'payments/s',
      {
        p50: trip.p50,
        p95: trip.p95,
        p99: trip.p99,
        postP50: post.p50,
        postP95: post.p95,
        postP99: post.p99,
        getP50: summarize(trips.map((t) => t.getMs).filter(Number.isFinite)).p50,
        conflictPct: pct(trips, 'conflict'),
        insufficientPct: pct(trips, 'insufficient_funds'),
        otherPct: pct(trips, 'other') + pct(trips, 'unavailable'),
        landed: `${landed}/${paid.length}`,
        nextRssMb: rss.stop().peakMb,
        // Next renders on one thread: near 1 core it is the limit; this process parses the pages.
        nextCores,
        clientCores,
      },
    );
    ctx.series.push({ label: `HTTP ${clients} client${clients > 1 ? 's' : ''}`, samples: trips.map((t) => t.latencyMs) });
  }
  await server.stop();
}

/**
 * How many of the payments the server confirmed are PaymentMade events in the read model, waiting
 * (up to `timeoutMs`) for the worker: a redirect that paid nothing would show here.
 */
async function countLanded(db: Context['db'], paid: readonly BrowserPayment[], timeoutMs: number): Promise<number> {
  const ids = JSON.stringify(paid.map((p) => p.commandId));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from readmodel.event_index
          where type = 'PaymentMade' and command_id in (select jsonb_array_elements_text(${ids}::jsonb))`,
    );
    const landed = row?.n ?? 0;
    if (landed >= paid.length || Date.now() > deadline) return landed;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
