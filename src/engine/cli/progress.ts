import type { EpochRecord, GrokTimes } from '../../shared/metrics';

/** A one-line progress bar for terminals; on a pipe it prints a plain line every `pipeEvery` epochs instead. */
export class ProgressLine {
  private lastDraw = 0;

  constructor(private readonly stream: NodeJS.WriteStream, private readonly epochs: number, private readonly pipeEvery = 50) {}

  update(record: EpochRecord, times: GrokTimes): void {
    const text = `epoch ${record.epoch}/${this.epochs}  train acc ${record.trainAccuracy.toFixed(3)}  test acc ${record.testAccuracy.toFixed(3)}  ` +
      `test loss ${record.testLoss.toExponential(2)}  |θ| ${record.weightNorm.toFixed(1)}` +
      (times.tTest !== null && record.testAccuracy >= 0.95 ? `  t_test ${times.tTest}` : '');
    if (!this.stream.isTTY) {
      if (record.epoch % this.pipeEvery === 0 || record.epoch === this.epochs) this.stream.write(text + '\n');
      return;
    }
    const now = Date.now();
    if (now - this.lastDraw < 100 && record.epoch !== this.epochs) return;
    this.lastDraw = now;
    const width = 24;
    const filled = Math.round((record.epoch / this.epochs) * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const columns = this.stream.columns ?? 120;
    this.stream.write(`\r${`${bar} ${text}`.slice(0, columns - 1)}\x1b[K`);
  }

  end(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
