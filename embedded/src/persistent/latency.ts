// Ack/nack latency statistics a group reports when `extra_statistics` is on (§14.5):
// milliseconds over the last 1000 samples, under ESDB's measurement names.

const SAMPLES = 1000;

export class LatencyStats {
  private readonly samples: number[] = [];
  private next = 0;

  record(ms: number): void {
    if (this.samples.length < SAMPLES) this.samples.push(ms);
    else this.samples[this.next] = ms;
    this.next = (this.next + 1) % SAMPLES;
  }

  /** Empty until there are samples. */
  measurements(): { key: string; value: number }[] {
    const n = this.samples.length;
    if (n === 0) return [];
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (fraction: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(fraction * n) - 1))];
    const mean = Math.round(sorted.reduce((sum, v) => sum + v, 0) / n);
    return [
      { key: 'Mean', value: mean },
      { key: 'Median', value: at(0.5) },
      { key: 'Fastest', value: sorted[0] },
      { key: 'Quintile 1', value: at(0.2) },
      { key: 'Quintile 2', value: at(0.4) },
      { key: 'Quintile 3', value: at(0.6) },
      { key: 'Quintile 4', value: at(0.8) },
      { key: 'Quintile 5', value: at(1) },
      { key: '90%', value: at(0.9) },
      { key: '95%', value: at(0.95) },
      { key: '99%', value: at(0.99) },
      { key: '99.5%', value: at(0.995) },
      { key: '99.9%', value: at(0.999) },
      { key: 'Highest', value: sorted[n - 1] },
    ];
  }
}
