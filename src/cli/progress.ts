/**
 * A progress bar on stderr for work that takes over a second; silent when stderr is not a
 * terminal (pipes, CI) so logs stay clean.
 */
export class Progress {
  private readonly start = Date.now();
  private shown = false;
  private last = 0;
  private readonly enabled: boolean;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.enabled = Boolean(stream.isTTY) && !process.env.CI;
  }

  /** Reports `fraction` (0..1) of the work done, in `stage`. */
  update(fraction: number, stage: string): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.start < 1000 || now - this.last < 80) return;
    this.last = now;
    this.shown = true;
    const width = 28;
    const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const cols = this.stream.columns ?? 80;
    const line = `${bar} ${(fraction * 100).toFixed(0).padStart(3)}% ${stage}`.slice(0, cols - 1);
    this.stream.write(`\r\x1b[2K${line}`);
  }

  /** Clears the bar. */
  done(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
