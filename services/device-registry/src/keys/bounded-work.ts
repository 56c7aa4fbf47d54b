/**
 * At most `concurrency` tasks running at once and `queue` more waiting for a turn; a task beyond those
 * is refused at once (with `refusal()`) rather than queued without bound.
 */
export class BoundedWork {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
  ) {}

  async run<T>(task: () => Promise<T>, refusal: () => Error): Promise<T> {
    if (this.running < this.concurrency) this.running++;
    else if (this.waiting.length < this.queue) await new Promise<void>((turn) => this.waiting.push(turn));
    else throw refusal();
    try {
      return await task();
    } finally {
      // The slot goes straight to the next waiter, so `running` stays as it is.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
