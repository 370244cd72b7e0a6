// Which fault is in effect right now, and what the payments did meanwhile: the per-fault rates.
export type PhaseStats = {
  ms: number;
  payments: number;
  ok: number;
  conflict: number;
  insufficient: number;
  unavailable: number;
  unknown: number;
  other: number;
};

const empty = (): PhaseStats => ({ ms: 0, payments: 0, ok: 0, conflict: 0, insufficient: 0, unavailable: 0, unknown: 0, other: 0 });

export class Phases {
  current = 'none';
  private since = Date.now();
  private paused = false;
  readonly stats = new Map<string, PhaseStats>([['none', empty()]]);

  private flush(now = Date.now()): void {
    if (!this.paused) this.of(this.current).ms += now - this.since;
    this.since = now;
  }

  of(phase: string): PhaseStats {
    let s = this.stats.get(phase);
    if (!s) this.stats.set(phase, (s = empty()));
    return s;
  }

  enter(phase: string): void {
    this.flush();
    this.current = phase;
  }

  /** Checkpoints stop the load: their time counts for no phase. */
  pause(): void {
    this.flush();
    this.paused = true;
  }

  resume(): void {
    this.flush();
    this.paused = false;
  }

  /** One payment answer a client saw, counted for the phase it arrived in. */
  recordPayment(code: string): void {
    const s = this.of(this.current);
    s.payments++;
    if (code === 'ok') s.ok++;
    else if (code === 'conflict') s.conflict++;
    else if (code === 'insufficient_funds') s.insufficient++;
    else if (code === 'unavailable') s.unavailable++;
    else if (code === 'unknown') s.unknown++;
    else s.other++;
  }

  snapshot(): Record<string, PhaseStats & { paymentsPerSecond: number; conflictShare: number }> {
    this.flush();
    return Object.fromEntries(
      [...this.stats].map(([phase, s]) => [
        phase,
        { ...s, paymentsPerSecond: s.ms > 0 ? s.ok / (s.ms / 1000) : 0, conflictShare: s.payments > 0 ? s.conflict / s.payments : 0 },
      ]),
    );
  }
}
