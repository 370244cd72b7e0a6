// A progress bar on a terminal (stderr, redrawn in place); plain periodic lines otherwise (CI, logs).
export class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private lastLine = 0;
  private drawn = false;

  constructor(private readonly intervalMs: number) {}

  /** Something worth its own line (a fault, a checkpoint): printed above the bar. */
  log(message: string): void {
    this.clear();
    process.stderr.write(`[soak] ${message}\n`);
  }

  update(fraction: number, status: string): void {
    const now = Date.now();
    if (this.tty) {
      const width = 30;
      const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${status}`;
      process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
      this.drawn = true;
    } else if (now - this.lastLine >= this.intervalMs) {
      this.lastLine = now;
      process.stderr.write(`[soak] ${(fraction * 100).toFixed(0)}% ${status}\n`);
    }
  }

  clear(): void {
    if (this.tty && this.drawn) process.stderr.write('\r\x1b[2K');
    this.drawn = false;
  }
}
