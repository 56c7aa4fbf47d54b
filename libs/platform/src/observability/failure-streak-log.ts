import type { Logger } from 'pino';

export interface FailureStreakOptions {
  /**
   * How long after its last failure a success ends a streak (default 0: the first success does).
   * Where calls run side by side, some keep succeeding during an outage: without it, each failure
   * among them would start a streak of its own and be logged.
   */
  quietMs?: number;
  now?: () => number;
}

/**
 * Logs a repeated task's failures once per streak: the first failure with its error, then nothing
 * until the task works again, which is logged with how many times it failed. A poller that cannot
 * reach its database while it is down would otherwise log a stack trace several times a second.
 */
export class FailureStreakLog {
  private failures = 0;
  private lastFailureAt = 0;

  constructor(
    private readonly logger: Logger,
    /** What failed, e.g. "outbox poll". */
    private readonly what: string,
    private readonly level: 'warn' | 'error' = 'error',
    private readonly options: FailureStreakOptions = {},
  ) {}

  /** A failure; `fields` go into the streak's first line beside the error. */
  failed(error: unknown, fields: Record<string, unknown> = {}): void {
    this.failures += 1;
    if (this.options.quietMs) this.lastFailureAt = this.now();
    if (this.failures === 1) {
      this.logger[this.level](
        { ...fields, err: error },
        `${this.what} failed; retrying, quietly until it works again`,
      );
    }
  }

  succeeded(): void {
    if (this.failures === 0) return;
    if (this.options.quietMs && this.now() - this.lastFailureAt < this.options.quietMs) return;
    this.logger.info({ failures: this.failures }, `${this.what} works again`);
    this.failures = 0;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
