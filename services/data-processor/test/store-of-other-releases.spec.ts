import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ServiceStartError, startFailure } from '@iot-mesh/platform/testing';
import { STORE_UNAVAILABLE_EXIT_CODE } from '@iot-mesh/storage';
import { startProcessor } from './processor-process.js';

/** A record a release after this one left in the store, as its Kysely Migrator writes them. */
function recordNewerMigration(file: string, table: string, name: string): void {
  const db = new DatabaseSync(file);
  try {
    // A release with additive migrations makes their table; this one has none, so it has not.
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (name varchar(255) PRIMARY KEY, timestamp varchar(255) NOT NULL)`,
    );
    db.prepare(`INSERT INTO ${table} (name, timestamp) VALUES (?, ?)`).run(name, '2030-01-01T00:00:00.000Z');
  } finally {
    db.close();
  }
}

describe('data processor start-up on a store a newer release migrated', () => {
  let dataDir: string;
  const env = () => ({ DATA_DIR: dataDir, FORWARD_TO_ALERT_MANAGER: 'false' });
  const store = () => join(dataDir, 'data-processor.sqlite');
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'processor-releases-'));
    await (await startProcessor(env())).stop();
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves beside a newer release’s additive migration, naming it once on stderr', async () => {
    recordNewerMigration(store(), 'kysely_migration_additive', '0009_window_note');

    const processor = await startProcessor(env());
    await processor.stop();
    expect(processor.stderr()).toBe(
      'a newer release added 0009_window_note (additive migrations); this release runs beside them, ' +
        'leaving what they added alone\n',
    );
  });

  it('refuses a newer release’s main-track migration with exit 69, saying what to do', async () => {
    recordNewerMigration(store(), 'kysely_migration', '0009_windows_split');

    const failure = await startFailure(startProcessor(env()));
    expect(failure).toBeInstanceOf(ServiceStartError);
    const { exitCode, message } = failure as ServiceStartError;
    expect(exitCode).toBe(STORE_UNAVAILABLE_EXIT_CODE);
    expect(message).toContain(
      `cannot open the store at sqlite:${store()}: the store was migrated by a newer release ` +
        '(0009_windows_split), which changed the schema in a way this release cannot use: roll forward ' +
        'to that release, or restore the store from before it',
    );
  });
});
