// Append-to-read lag: from the moment a payment's append is acknowledged to the moment the
// worker's transaction that applies it commits, as its notification tells (one LISTEN
// connection, the same channel read-your-writes waits on).
import postgres from 'postgres';
import { PROJECTION_CHANNEL, parseProjectionNotice } from '@/lib/db/projection-channel';

export class LagTracker {
  private readonly reached = new Map<string, Array<{ revision: bigint; at: bigint }>>();
  private readonly waiting = new Map<string, Array<{ revision: bigint; ackedAt: bigint }>>();
  readonly lags: number[] = [];
  private constructor(private readonly sql: postgres.Sql) {}

  static async start(databaseUrl: string): Promise<LagTracker> {
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    const tracker = new LagTracker(sql);
    await sql.listen(PROJECTION_CHANNEL, (payload) => tracker.notice(payload));
    return tracker;
  }

  private notice(payload: string) {
    const at = process.hrtime.bigint();
    const notice = parseProjectionNotice(payload);
    if (!notice || !('revision' in notice)) return;
    const seen = this.reached.get(notice.accountNumber) ?? [];
    seen.push({ revision: notice.revision, at });
    if (seen.length > 8) seen.shift();
    this.reached.set(notice.accountNumber, seen);
    const pending = this.waiting.get(notice.accountNumber);
    if (!pending) return;
    const still = pending.filter((w) => {
      if (w.revision > notice.revision) return true;
      this.lags.push(Math.max(0, Number(at - w.ackedAt) / 1e6));
      return false;
    });
    if (still.length) this.waiting.set(notice.accountNumber, still);
    else this.waiting.delete(notice.accountNumber);
  }

  /** A payment acknowledged at `ackedAt` made `account` reach `revision`. */
  expect(account: string, revision: bigint, ackedAt: bigint) {
    // The worker may have been quicker than the handler's return: then the lag is nothing.
    const seen = this.reached.get(account)?.find((r) => r.revision >= revision);
    if (seen) {
      this.lags.push(Math.max(0, Number(seen.at - ackedAt) / 1e6));
      return;
    }
    const pending = this.waiting.get(account) ?? [];
    pending.push({ revision, ackedAt });
    this.waiting.set(account, pending);
  }

  get pending(): number {
    let total = 0;
    for (const list of this.waiting.values()) total += list.length;
    return total;
  }

  /** Waits, bounded, for every expected payment to be seen applied. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  reset() {
    this.lags.length = 0;
    this.waiting.clear();
  }

  async stop() {
    await this.sql.end({ timeout: 2 });
  }
}
