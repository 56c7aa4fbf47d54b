/**
 * Failed calls of the running demo, told rather than ignored: the first failure at once, in one line
 * naming the call and the error; then, while calls keep failing, one summary per period; and a line
 * when they succeed again. The demo goes on meanwhile: a gateway that is briefly away comes back.
 */
export class DemoFailures {
  /** Failures of the current period, by call and error (without the varying message). */
  private readonly failed = new Map<string, number>();
  private calls = 0;
  private periodStart: number;
  /** Whether failures have been told since calls last succeeded. */
  private failing = false;

  constructor(
    private readonly log: (line: string) => void,
    private readonly periodMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.periodStart = now();
  }

  succeeded(): void {
    this.calls++;
  }

  /**
   * @param call what was called, e.g. "POST /api/v1/readings for demo-thermo-1"
   * @param kind the call without its subject and the error's stable part, e.g.
   *   "POST /api/v1/readings: HTTP 401 AUTH.INVALID_KEY"; failures of one kind are summed up together
   * @param message the error in full
   */
  failedCall(call: string, kind: string, message: string): void {
    this.calls++;
    this.failed.set(kind, (this.failed.get(kind) ?? 0) + 1);
    if (this.failing) return;
    this.failing = true;
    this.log(
      `demo: ${call} failed: ${message} (the demo goes on and sums up failed calls every ${this.periodMs / 1000} s)`,
    );
  }

  /** Prints the period's summary once the period is over; call it now and then. */
  tick(): void {
    const now = this.now();
    if (now - this.periodStart < this.periodMs) return;
    const failures = [...this.failed.values()].reduce((sum, n) => sum + n, 0);
    if (failures > 0) {
      const kinds = [...this.failed].map(([kind, n]) => `${n} × ${kind}`).join('; ');
      this.log(
        `demo: ${failures} of ${this.calls} calls failed in the last ${Math.round((now - this.periodStart) / 1000)} s: ${kinds}`,
      );
    } else if (this.failing) {
      this.failing = false;
      this.log('demo: calls succeed again');
    }
    this.failed.clear();
    this.calls = 0;
    this.periodStart = now;
  }
}
