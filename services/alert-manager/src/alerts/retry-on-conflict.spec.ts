import { UnavailableError } from '@iot-mesh/platform';
import { ConcurrentChangeError } from '../infrastructure/alert-store.port.js';
import { retryOnConflict } from './retry-on-conflict.js';

describe('retry on conflict', () => {
  it('runs the use case again after a concurrent change', async () => {
    const retries: number[] = [];
    const result = await retryOnConflict('x', (retry) => {
      retries.push(retry);
      return retry === 0 ? Promise.reject(new ConcurrentChangeError('x')) : Promise.resolve('done');
    });
    expect(result).toBe('done');
    expect(retries).toEqual([0, 1]);
  });

  it('gives up as UNAVAILABLE after three attempts and passes other errors through at once', async () => {
    let attempts = 0;
    const contended = retryOnConflict('alert a-1', () => {
      attempts++;
      return Promise.reject(new ConcurrentChangeError('a-1'));
    });
    await expect(contended).rejects.toBeInstanceOf(UnavailableError);
    expect(attempts).toBe(3);
    await expect(retryOnConflict('x', () => Promise.reject(new TypeError('bug')))).rejects.toThrow(TypeError);
  });
});
