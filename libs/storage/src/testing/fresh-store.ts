import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from '@jest/globals';
import type { StorageSettings } from '../storage-settings.js';
import { startTestPostgres, type TestPostgres } from './postgres-harness.js';

/** Store contract specs run once per kind: `describe.each(DATABASE_KINDS)(...)`. */
export const DATABASE_KINDS = ['sqlite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

/**
 * A store opened for the enclosing describe block on a fresh SQLite file or on a fresh database of a
 * throwaway PostgreSQL server, closed and removed after it. Returns a getter, valid inside tests.
 */
export function freshStore<S extends { close(): Promise<void> }>(
  kind: DatabaseKind,
  name: string,
  open: (settings: StorageSettings) => Promise<S>,
): () => S {
  let dir: string;
  let postgres: TestPostgres | undefined;
  let store: S | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `${name}-`));
    if (kind === 'postgres') postgres = await startTestPostgres();
    store = await open(
      postgres
        ? { kind: 'postgres', url: await postgres.createDatabase(name) }
        : { kind: 'sqlite', file: join(dir, `${name}.sqlite`) },
    );
  });
  afterAll(async () => {
    await store?.close();
    postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!store) throw new Error('the store is opened in beforeAll; use it inside tests');
    return store;
  };
}
