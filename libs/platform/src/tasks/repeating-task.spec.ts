import { jest } from '@jest/globals';
import { pino } from 'pino';
import { FailureStreakLog } from '../observability/failure-streak-log.js';
import { RepeatingTask } from './repeating-task.js';

/** A pass the test finishes by hand, counting how often it started. */
function controlledPass() {
  const finishers: ((error?: Error) => void)[] = [];
  const pass = () =>
    new Promise<void>((resolve, reject) => finishers.push((error) => (error ? reject(error) : resolve())));
  const finishNext = async (error?: Error) => {
    finishers.shift()!(error);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { pass, finishers, finishNext };
}

// Ticks play no part: every pass below is one the test woke.
const NEVER_MS = 3_600_000;

describe('RepeatingTask', () => {
  it('runs one pass at a time; wakes during a pass run one more after it, however many came', async () => {
    const { pass, finishers, finishNext } = controlledPass();
    const task = new RepeatingTask(pass, NEVER_MS);
    task.start();
    expect(finishers).toHaveLength(1);
    task.wake();
    task.wake();
    expect(finishers).toHaveLength(1);
    await finishNext();
    expect(finishers).toHaveLength(1);
    await finishNext();
    expect(finishers).toHaveLength(0);
    task.wake();
    expect(finishers).toHaveLength(1);
    await finishNext();
    await task.stop();
  });

  it('stops waking and waits for the pass in progress', async () => {
    const { pass, finishers, finishNext } = controlledPass();
    const task = new RepeatingTask(pass, NEVER_MS);
    task.start();
    task.wake();
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    await finishNext();
    await stopping;
    // The wake that came during the pass is dropped, and so is a later one.
    task.wake();
    expect(finishers).toHaveLength(0);
  });

  it('hands a failed pass to the failure log and the next good one as the recovery', async () => {
    const { pass, finishNext } = controlledPass();
    const failures = new FailureStreakLog(pino({ level: 'silent' }), 'test pass');
    const failed = jest.spyOn(failures, 'failed');
    const succeeded = jest.spyOn(failures, 'succeeded');
    const task = new RepeatingTask(pass, NEVER_MS, failures);
    task.start();
    await finishNext(new Error('database unavailable'));
    expect(failed).toHaveBeenCalledWith(new Error('database unavailable'));
    task.wake();
    await finishNext();
    expect(succeeded).toHaveBeenCalledTimes(1);
    await task.stop();
  });
});
