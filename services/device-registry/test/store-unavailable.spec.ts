import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceStartError, startFailure } from '@iot-mesh/platform/testing';
import { STORE_UNAVAILABLE_EXIT_CODE } from '@iot-mesh/storage';
import { startRegistry } from './registry-process.js';

describe('device registry start-up', () => {
  it('names the store it cannot open in one line and exits 69, without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-store-'));
    const notADirectory = join(dir, 'data');
    writeFileSync(notADirectory, 'a file where the data directory should be');
    try {
      const failure = await startFailure(startRegistry({ DATA_DIR: notADirectory }));

      expect(failure).toBeInstanceOf(ServiceStartError);
      const { exitCode, message } = failure as ServiceStartError;
      expect(exitCode).toBe(STORE_UNAVAILABLE_EXIT_CODE);
      expect(message).toContain(
        `cannot open the store at sqlite:${join(notADirectory, 'device-registry.sqlite')}: EEXIST`,
      );
      expect(message).not.toMatch(/^\s+at /m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a DATABASE_URL that does not parse with exit 78 naming it, without printing the password', async () => {
    const failure = await startFailure(
      startRegistry({
        STORAGE: 'postgres',
        DATABASE_URL: 'postgres://postgres:secretpw@127.0.0.1:notaport/iot',
      }),
    );

    expect(failure).toBeInstanceOf(ServiceStartError);
    const { exitCode, message } = failure as ServiceStartError;
    expect(exitCode).toBe(78);
    expect(message).toContain('DATABASE_URL: must be a postgres:// URL, and this one cannot be parsed');
    expect(message).not.toContain('secretpw');
    expect(message).not.toMatch(/^\s+at /m);
  });
});
