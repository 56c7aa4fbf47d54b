import type { Migration } from 'kysely/migration';

/** The first migration of the migration specs' made-up service: its one table. */
export const THINGS_TABLE: Migration = {
  up: (db) =>
    db.schema
      .createTable('things')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .execute(),
};
