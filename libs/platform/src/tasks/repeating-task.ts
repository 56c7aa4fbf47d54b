import type { FailureStreakLog } from '../observability/failure-streak-log.js';

/**
 * Runs a pass every `intervalMs` and whenever woken, never two at once: a wake during a pass runs one
 * more pass after it (however many came), so work that arrived meanwhile is not left for the next tick.
 * A failed pass goes to `failures`, and the next tick tries again; without a log, the pass must handle
 * its own errors. The timer does not keep the process alive.
 */
export class RepeatingTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly failures?: FailureStreakLog,
  ) {}

  /** The first pass now, then one every interval. */
  start(): void {
    this.timer = setInterval(() => this.wake(), this.intervalMs);
    this.timer.unref();
    this.wake();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runPass().finally(() => {
      this.running = undefined;
      if (!this.again) return;
      this.again = false;
      this.wake();
    });
  }

  /** Told to stop: a long pass checks it to end early (see pruneInBatches). */
  get stopping(): boolean {
    return this.stopped;
  }

  /** Stops ticking and waits for the pass in progress, so what it uses is not closed under it. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async runPass(): Promise<void> {
    if (!this.failures) return this.pass();
    try {
      await this.pass();
      this.failures.succeeded();
    } catch (error) {
      this.failures.failed(error);
    }
  }
}
