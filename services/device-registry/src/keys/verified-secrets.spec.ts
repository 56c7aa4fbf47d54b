import { setTimeout as sleep } from 'node:timers/promises';
import { VerifiedSecrets } from './verified-secrets.js';

const remembering = (ttlMs: number, maxEntries = 100) => new VerifiedSecrets({ ttlMs, maxEntries });

describe('secrets verified a short while ago', () => {
  it('are recognised only with the stored hash they matched', () => {
    const verified = remembering(60_000);
    expect(verified.matches('k1', 'secret-a', 'scrypt$hash-1')).toBe(false);
    verified.remember('k1', 'secret-a', 'scrypt$hash-1');
    expect(verified.matches('k1', 'secret-a', 'scrypt$hash-1')).toBe(true);
    expect(verified.matches('k1', 'secret-b', 'scrypt$hash-1')).toBe(false);
    expect(verified.matches('k1', 'secret-a', 'scrypt$hash-2')).toBe(false);
    expect(verified.matches('k2', 'secret-a', 'scrypt$hash-1')).toBe(false);
  });

  it('are forgotten after their time, and never kept with a time of 0', async () => {
    const brief = remembering(5);
    brief.remember('k1', 'secret-a', 'scrypt$hash-1');
    await sleep(30);
    expect(brief.matches('k1', 'secret-a', 'scrypt$hash-1')).toBe(false);
    const never = remembering(0);
    never.remember('k1', 'secret-a', 'scrypt$hash-1');
    expect(never.matches('k1', 'secret-a', 'scrypt$hash-1')).toBe(false);
  });

  it('are at most maxEntries, the least recently verified forgotten first', () => {
    const verified = remembering(60_000, 2);
    for (const id of ['k1', 'k2', 'k3']) verified.remember(id, `secret-${id}`, 'scrypt$hash');
    expect(['k1', 'k2', 'k3'].map((id) => verified.matches(id, `secret-${id}`, 'scrypt$hash'))).toEqual([
      false,
      true,
      true,
    ]);
  });
});
