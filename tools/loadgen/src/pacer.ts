import { setTimeout as sleep } from 'node:timers/promises';

/** Time as the pacer sees it; tests pass a fake one. */
export interface PacerClock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
};

export interface PacerOptions {
  ticksPerSecond: number;
  durationMs: number;
  signal?: AbortSignal;
  clock?: PacerClock;
}

export interface PacerStats {
  /** Ticks fired (each one a message the schedule asked for). */
  ticks: number;
  /**
   * The window the schedule covered: the duration asked for, or up to the abort. Rates divide by
   * this, so a generator that wakes late does not make its own offered rate look lower.
   */
  windowMs: number;
  /** How far behind its due time the latest tick fired: the generator's own lag. */
  maxLagMs: number;
  aborted: boolean;
}

// Catching up after a long stall fires many ticks at once; yielding now and then lets
// responses be handled meanwhile instead of after the whole backlog.
const MAX_TICKS_PER_TURN = 1000;

/**
 * An open-loop schedule: tick i is due at start + i / rate, for the ticks due before the window
 * ends. A tick is never skipped or postponed because the previous ones have not been answered:
 * when the pacer wakes late (a busy event loop), every overdue tick fires at once with its
 * original due time, so latency measured from that time includes the wait, and the lag is
 * reported. The window is waited out in full so rates divide by the duration that was asked for.
 */
export async function runPacer(
  options: PacerOptions,
  onTick: (tick: number, scheduledAt: number) => void,
): Promise<PacerStats> {
  const clock = options.clock ?? systemClock;
  const intervalMs = 1000 / options.ticksPerSecond;
  // Computed from the product, not the quotient, so 3 s at 20/s is exactly 60 ticks.
  const total = Math.ceil((options.durationMs * options.ticksPerSecond) / 1000 - 1e-9);
  const start = clock.now();
  const dueAt = (tick: number) => start + tick * intervalMs;
  let tick = 0;
  let maxLagMs = 0;
  while (tick < total && !options.signal?.aborted) {
    let fired = 0;
    for (
      let now = clock.now();
      tick < total && dueAt(tick) <= now && fired < MAX_TICKS_PER_TURN && !options.signal?.aborted;
      now = clock.now()
    ) {
      maxLagMs = Math.max(maxLagMs, now - dueAt(tick));
      onTick(tick, dueAt(tick));
      tick++;
      fired++;
    }
    if (tick < total) await clock.sleep(Math.max(0, dueAt(tick) - clock.now()), options.signal);
  }
  const end = start + options.durationMs;
  if (!options.signal?.aborted && clock.now() < end) await clock.sleep(end - clock.now(), options.signal);
  const aborted = options.signal?.aborted ?? false;
  return {
    ticks: tick,
    windowMs: aborted ? Math.min(options.durationMs, clock.now() - start) : options.durationMs,
    maxLagMs,
    aborted,
  };
}
