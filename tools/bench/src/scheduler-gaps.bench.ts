import { spawn } from 'node:child_process';
import { once } from 'node:events';

export interface SchedulerGaps {
  spinners: number;
  seconds: number;
  /** The longest time between two ticks of a 2 ms timer in this (otherwise idle) process. */
  longestGapMs: number;
  gapsOver20Ms: number;
}

const TICK_MS = 2;

/**
 * How long a process that wants a core can wait for one on this machine: a 2 ms timer here while
 * `spinners` other processes spin. With one spinner per core, every wait is for a core taken by
 * another process, as when the services and the load generator want more than the cores at (c):
 * that wait is the floor under the p99 of (c0) and (c).
 */
export async function schedulerGaps(spinners: number, seconds: number): Promise<SchedulerGaps> {
  const spinMs = seconds * 1000;
  const children = Array.from({ length: spinners }, () =>
    spawn(process.execPath, ['-e', `const end = Date.now() + ${spinMs}; while (Date.now() < end);`], {
      stdio: 'ignore',
    }),
  );
  let last = performance.now();
  let longestGapMs = 0;
  let gapsOver20Ms = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const gap = now - last;
    last = now;
    longestGapMs = Math.max(longestGapMs, gap);
    if (gap > 20) gapsOver20Ms++;
  }, TICK_MS);
  await Promise.all([
    new Promise((resolve) => setTimeout(resolve, spinMs)),
    ...children.map((child) => once(child, 'exit')),
  ]);
  clearInterval(timer);
  return { spinners, seconds, longestGapMs, gapsOver20Ms };
}
