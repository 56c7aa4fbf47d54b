import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openNodeSqlite } from './node-sqlite.adapter.js';
import type { SqliteCheckpoints } from './storage-settings.js';
import { startWalCheckpointer } from './wal-checkpointer.js';

const PAGE = 4096;
// Below the 1,000 pages at which a commit checkpoints inline: only a checkpoint of its own copies them.
const PAGES_WRITTEN = 300;

describe('WAL checkpoints', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'iot-mesh-checkpoints-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes PAGES_WRITTEN pages, a commit each, then waits up to `waitMs` for the file to hold them. */
  async function pagesInFileAfterWrites(checkpoints: SqliteCheckpoints, waitMs: number): Promise<number> {
    const file = join(dir, `${checkpoints}.sqlite`);
    const database = openNodeSqlite(file, 'normal', checkpoints);
    try {
      database.prepare('CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB)').run([]);
      const insert = database.prepare('INSERT INTO blobs (body) VALUES (?)');
      for (let i = 0; i < PAGES_WRITTEN; i++) insert.run([new Uint8Array(PAGE - 100)]);
      const deadline = Date.now() + waitMs;
      while (statSync(file).size / PAGE < PAGES_WRITTEN && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return statSync(file).size / PAGE;
    } finally {
      database.close();
    }
  }

  it('copies the log into the database file from its own thread, with no commit checkpointing', async () => {
    expect(await pagesInFileAfterWrites('background', 10_000)).toBeGreaterThanOrEqual(PAGES_WRITTEN);
  });

  it('inline, leaves a log under 1,000 pages where it is (what the background thread changes)', async () => {
    expect(await pagesInFileAfterWrites('inline', 1_500)).toBeLessThan(10);
  });

  it('tells its owner when its thread fails, and the thread ends', async () => {
    const file = join(dir, 'not-a-database.sqlite');
    writeFileSync(file, 'plain text, not an SQLite file '.repeat(200));
    const failure = new Promise<Error>((resolve) => {
      const checkpointer = startWalCheckpointer({ file, intervalMs: 20 }, (error) => {
        void checkpointer.stop().then(() => resolve(error));
      });
    });
    expect((await failure).message).toMatch(/not a database/);
  });

  it('stops: the thread closes its connection and ends', async () => {
    const file = join(dir, 'stopped.sqlite');
    const database = openNodeSqlite(file);
    database.close();
    const failures: Error[] = [];
    const checkpointer = startWalCheckpointer({ file, intervalMs: 20 }, (error) => failures.push(error));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(checkpointer.stop()).resolves.toBeUndefined();
    expect(failures).toEqual([]);
  });
});
