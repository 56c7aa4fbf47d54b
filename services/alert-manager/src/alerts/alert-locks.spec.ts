import { AlertLocks } from './alert-locks.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('alert locks', () => {
  it('runs work for the same rule and device one after another', async () => {
    const locks = new AlertLocks();
    const order: string[] = [];
    let releaseFirst!: () => void;
    const first = locks.run('r', 'd', async () => {
      order.push('first start');
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      order.push('first end');
    });
    const second = locks.run('r', 'd', () => {
      order.push('second');
      return Promise.resolve();
    });
    await tick();
    expect(order).toEqual(['first start']);
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first start', 'first end', 'second']);
    expect(locks.size).toBe(0);
  });

  it('lets other keys run meanwhile and survives failures', async () => {
    const locks = new AlertLocks();
    let release!: () => void;
    const blocked = locks.run('r', 'd1', () => new Promise<void>((resolve) => (release = resolve)));
    await expect(locks.run('r', 'd2', () => Promise.resolve('other'))).resolves.toBe('other');
    release();
    await blocked;
    await expect(locks.run('r', 'd1', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(locks.run('r', 'd1', () => Promise.resolve('after'))).resolves.toBe('after');
  });

  it('holds the locks of several rules and devices at once, in one order whatever the callers pass', async () => {
    const locks = new AlertLocks();
    const order: string[] = [];
    let release!: () => void;
    const first = locks.runAll(
      [
        { ruleId: 'r', deviceId: 'b' },
        { ruleId: 'r', deviceId: 'a' },
      ],
      async () => {
        order.push('first');
        await new Promise<void>((resolve) => (release = resolve));
      },
    );
    const second = locks.runAll(
      [
        { ruleId: 'r', deviceId: 'a' },
        { ruleId: 'r', deviceId: 'b' },
        { ruleId: 'r', deviceId: 'a' },
      ],
      () => {
        order.push('second');
        return Promise.resolve();
      },
    );
    await tick();
    expect(order).toEqual(['first']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
    expect(locks.size).toBe(0);
  });
});
