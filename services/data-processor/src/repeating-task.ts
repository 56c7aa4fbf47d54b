import type { FailureStreakLog } from '@iot-mesh/platform';

/**
 * Runs a pass now and then every `intervalMs`, never two at once: a tick that finds the last pass
 * still running is skipped rather than queued behind it. A failed pass goes to the streak log, and
 * the next tick tries again. The timer does not keep the process alive.
 */
export class RepeatingTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly failures: FailureStreakLog,
  ) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops ticking and waits for the pass in progress, so what it uses is not closed under it. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.pass()
      .then(
        () => this.failures.succeeded(),
        (error: unknown) => this.failures.failed(error),
      )
      .finally(() => {
        this.running = undefined;
      });
  }
}
