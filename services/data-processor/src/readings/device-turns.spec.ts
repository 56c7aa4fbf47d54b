import { reading } from '../../test/readings.fixture.js';
import { DeviceTurns } from './device-turns.js';

const T = Date.UTC(2026, 0, 15, 12);
const of = (...deviceIds: string[]) => deviceIds.map((deviceId, i) => reading(`r-${i}`, deviceId, 1, T));
/** Whether `promise` has settled by the time the promises settled before it have run on. */
const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('DeviceTurns', () => {
  it('has a call wait for every earlier call in progress that shares a device with it, and only for those', async () => {
    const turns = new DeviceTurns();
    const first = turns.take(of('a', 'b'));
    const second = turns.take(of('c'));
    const third = turns.take(of('b', 'c', 'b'));
    await expect(first.ready).resolves.toBe(false);
    await expect(second.ready).resolves.toBe(false);
    await expect(settled(third.ready)).resolves.toBe(false);
    first.leave();
    await expect(settled(third.ready)).resolves.toBe(false);
    second.leave();
    await expect(third.ready).resolves.toBe(false);
  });

  it('tells a call whether one it waited for left readings the alert manager had not taken', async () => {
    const turns = new DeviceTurns();
    const untaken = turns.take(of('a'));
    const taken = turns.take(of('b'));
    const behindBoth = turns.take(of('a', 'b'));
    untaken.untaken = true;
    untaken.leave();
    taken.leave();
    await expect(behindBoth.ready).resolves.toBe(true);
    behindBoth.leave();
    // Once every call of the device has left, the next one is first in line again.
    await expect(turns.take(of('a')).ready).resolves.toBe(false);
  });

  it('forgets a device once its last call has left', () => {
    const turns = new DeviceTurns();
    const first = turns.take(of('a', 'b'));
    const second = turns.take(of('b'));
    first.leave();
    expect(turns.size).toBe(1);
    second.leave();
    expect(turns.size).toBe(0);
  });
});
