// Which position a group may checkpoint (§14.10), kept in O(1) amortised per event.
//
// Every record a group reads from its source gets a sequence number, in source order.
// A sequence is "outstanding" while its message can still need delivery (buffered, in flight,
// waiting for retry, being parked). The checkpoint candidate is the record just before the
// lowest outstanding sequence, or the last record read when nothing is outstanding, so a
// restart that resumes strictly after the checkpoint never skips an unacknowledged message.

export interface Candidate {
  seq: number;
  /** revision (stream groups) or `$all` position of that record */
  value: bigint;
}

export class CheckpointTracker {
  private nextSeq = 0;
  /** every sequence below `low` is done */
  private low = 0;
  private readonly outstanding = new Set<number>();
  /** checkpoint values for sequences from low-1 up to nextSeq-1 */
  private readonly values = new Map<number, bigint>();
  private lastWrittenSeq = -1;

  /** Registers the next record read from the source. */
  push(value: bigint, outstanding: boolean): number {
    const seq = this.nextSeq++;
    this.values.set(seq, value);
    if (outstanding) this.outstanding.add(seq);
    this.advance();
    return seq;
  }

  done(seq: number): void {
    if (this.outstanding.delete(seq)) this.advance();
  }

  isOutstanding(seq: number): boolean {
    return this.outstanding.has(seq);
  }

  get outstandingCount(): number {
    return this.outstanding.size;
  }

  candidate(): Candidate | undefined {
    const seq = this.low - 1;
    if (seq < 0) return undefined;
    const value = this.values.get(seq);
    return value === undefined ? undefined : { seq, value };
  }

  /** Sequences the candidate is ahead of the last written checkpoint ("d" in §14.10). */
  pendingCount(): number {
    const c = this.candidate();
    return c ? c.seq - this.lastWrittenSeq : 0;
  }

  markWritten(seq: number): void {
    if (seq > this.lastWrittenSeq) this.lastWrittenSeq = seq;
  }

  private advance(): void {
    while (this.low < this.nextSeq && !this.outstanding.has(this.low)) {
      this.values.delete(this.low - 1);
      this.low++;
    }
  }
}
