/** One line redrawn in place on a terminal; plain lines when output is not a terminal. */
export class ProgressBar {
  private lastPrinted = -1;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, note = ''): void {
    const width = 30;
    const filled = this.total === 0 ? width : Math.round((done / this.total) * width);
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.total} ${note}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line.padEnd(100)}`);
      if (done >= this.total) this.stream.write('\n');
    } else if (done === this.total || done - this.lastPrinted >= Math.max(1, Math.ceil(this.total / 10))) {
      this.stream.write(`${line}\n`);
      this.lastPrinted = done;
    }
  }
}
