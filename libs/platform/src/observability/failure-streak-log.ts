import type { Logger } from 'pino';

/**
 * Logs a repeated task's failures once per streak: the first failure with its error, then nothing
 * until the task works again, which is logged with how many times it failed. A poller that cannot
 * reach its database while it is down would otherwise log a stack trace several times a second.
 */
export class FailureStreakLog {
  private failures = 0;

  constructor(
    private readonly logger: Logger,
    /** What failed, e.g. "outbox poll". */
    private readonly what: string,
    private readonly level: 'warn' | 'error' = 'error',
  ) {}

  failed(error: unknown): void {
    this.failures += 1;
    if (this.failures === 1) {
      this.logger[this.level]({ err: error }, `${this.what} failed; retrying, quietly until it works again`);
    }
  }

  succeeded(): void {
    if (this.failures === 0) return;
    this.logger.info({ failures: this.failures }, `${this.what} works again`);
    this.failures = 0;
  }
}
