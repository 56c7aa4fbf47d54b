import { runPacer, type PacerClock } from './pacer.js';

/** A clock that only moves when the pacer sleeps; `oversleepMs` makes every sleep late. */
function fakeClock(oversleepMs = 0) {
  let now = 1_000;
  const sleeps: number[] = [];
  const clock: PacerClock = {
    now: () => now,
    sleep: (ms, signal) => {
      if (signal?.aborted) return Promise.resolve();
      sleeps.push(ms);
      now += ms + oversleepMs;
      return Promise.resolve();
    },
  };
  return { clock, sleeps, advance: (ms: number) => (now += ms) };
}

describe('the open-loop pacer', () => {
  it('fires exactly rate x duration ticks, evenly spaced from the start', async () => {
    const { clock } = fakeClock();
    const ticks: [number, number][] = [];
    const stats = await runPacer({ ticksPerSecond: 20, durationMs: 3_000, clock }, (tick, at) =>
      ticks.push([tick, at]),
    );
    expect(stats).toEqual({ ticks: 60, windowMs: 3_000, maxLagMs: 0, aborted: false });
    expect(ticks).toHaveLength(60);
    expect(ticks[0]).toEqual([0, 1_000]);
    expect(ticks[1]).toEqual([1, 1_050]);
    expect(ticks[59]).toEqual([59, 1_000 + 59 * 50]);
  });

  it('waits out the whole window after the last tick', async () => {
    const { clock, sleeps } = fakeClock();
    await runPacer({ ticksPerSecond: 2, durationMs: 1_000, clock }, () => undefined);
    expect(sleeps).toEqual([500, 500]);
  });

  it('handles rates with no whole interval and rates below one tick per window', async () => {
    const counted = async (ticksPerSecond: number, durationMs: number) =>
      (await runPacer({ ticksPerSecond, durationMs, clock: fakeClock().clock }, () => undefined)).ticks;
    expect(await counted(3, 1_000)).toBe(3);
    expect(await counted(1000 / 3, 3_000)).toBe(1_000);
    expect(await counted(0.1, 5_000)).toBe(1);
  });

  it('does not lower the offered load when it wakes late: overdue ticks fire at once, with their due times', async () => {
    const { clock } = fakeClock(120);
    const due: number[] = [];
    const stats = await runPacer({ ticksPerSecond: 100, durationMs: 1_000, clock }, (_, at) => due.push(at));
    expect(stats.ticks).toBe(100);
    expect(due).toEqual(Array.from({ length: 100 }, (_, i) => 1_000 + i * 10));
    expect(stats.maxLagMs).toBeGreaterThanOrEqual(110);
    expect(stats.windowMs).toBe(1_000);
  });

  it('keeps firing even when a tick is slow (the schedule never waits for the work)', async () => {
    const { clock, advance } = fakeClock();
    const stats = await runPacer({ ticksPerSecond: 10, durationMs: 1_000, clock }, () => advance(250));
    expect(stats.ticks).toBe(10);
    expect(stats.maxLagMs).toBeGreaterThan(500);
  });

  it('stops when aborted and reports the shorter window', async () => {
    const { clock } = fakeClock();
    const stop = new AbortController();
    const stats = await runPacer(
      { ticksPerSecond: 10, durationMs: 10_000, clock, signal: stop.signal },
      (tick) => {
        if (tick === 4) stop.abort();
      },
    );
    expect(stats).toMatchObject({ ticks: 5, aborted: true, windowMs: 400 });
  });

  it('paces in real time too', async () => {
    const ticks: number[] = [];
    const stats = await runPacer({ ticksPerSecond: 200, durationMs: 50 }, (tick) => ticks.push(tick));
    expect(ticks).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(stats.aborted).toBe(false);
  });
});
