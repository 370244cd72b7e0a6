/** Items pushed, measured on the one-second timer: ESDB's average_per_second and count_since_last_measurement. */
export class Rate {
  total = 0;
  private measuredTotal = 0;
  private measuredAt = Date.now();
  perSecond = 0;
  countSinceLastMeasurement = 0;

  add(): void {
    this.total++;
  }

  measure(now: number): void {
    const count = this.total - this.measuredTotal;
    const seconds = Math.max(0.001, (now - this.measuredAt) / 1000);
    this.perSecond = Math.round(count / seconds);
    this.countSinceLastMeasurement = count;
    this.measuredTotal = this.total;
    this.measuredAt = now;
  }
}
