/**
 * Time for `canary auto`: tests, and its dry run, use a fake one, so a ten-minute rollout runs in
 * milliseconds.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A clock whose sleep advances time at once. */
export class FakeClock implements Clock {
  constructor(private current = 0) {}
  now(): number {
    return this.current;
  }
  sleep(ms: number): Promise<void> {
    this.current += ms;
    return Promise.resolve();
  }
}
