import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import pg from 'pg';
import { createDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';
import { startTestPostgres, type TestPostgres } from './testing/postgres-harness.js';

const createTable = (name: string): Migration => ({
  up: (db: Kysely<unknown>) =>
    db.schema
      .createTable(name)
      .addColumn('id', 'text', (column) => column.primaryKey())
      .execute(),
});
const notificationMigrations = { '001_notifications': createTable('notifications') };
const registryMigrations = { '001_devices': createTable('devices') };
const alertMigrations = {
  '001_alerts': createTable('alerts'),
  '002_alert_events': createTable('alert_events'),
};

async function migrate(url: string, schema: string, migrations: Record<string, Migration>): Promise<void> {
  const db = createDatabase<unknown>({ kind: 'postgres', url, schema });
  try {
    await migrateToLatest(db, migrations);
  } finally {
    await db.destroy();
  }
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

const names = (url: string, text: string) =>
  withClient(url, async (client) => (await client.query<{ name: string }>(text)).rows.map((row) => row.name));
const migrationTables = (url: string) =>
  names(
    url,
    `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
     WHERE table_name LIKE 'kysely_migration%' ORDER BY 1`,
  );
const appliedMigrations = (url: string, schema: string) =>
  names(url, `SELECT name FROM "${schema}".kysely_migration ORDER BY name`);
const kyselyTablesIn = (...schemas: string[]) =>
  schemas.flatMap((schema) => [`${schema}.kysely_migration`, `${schema}.kysely_migration_lock`]);

describe('migrations of services that share one PostgreSQL database, a schema each', () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  });
  afterAll(() => postgres?.stop());

  it('keep each service’s migration tables in its own schema, one service after another', async () => {
    const url = await postgres.createDatabase('one_after_another');
    await migrate(url, 'notification', notificationMigrations);
    await migrate(url, 'device_registry', registryMigrations);
    await migrate(url, 'notification', notificationMigrations);

    expect(await migrationTables(url)).toEqual(kyselyTablesIn('device_registry', 'notification'));
    expect(await appliedMigrations(url, 'notification')).toEqual(['001_notifications']);
    expect(await appliedMigrations(url, 'device_registry')).toEqual(['001_devices']);
  });

  it('keep each service’s migration tables in its own schema when services and replicas start at once', async () => {
    const url = await postgres.createDatabase('all_at_once');
    await Promise.all([
      migrate(url, 'notification', notificationMigrations),
      migrate(url, 'device_registry', registryMigrations),
      migrate(url, 'alert_manager', alertMigrations),
      migrate(url, 'device_registry', registryMigrations),
      migrate(url, 'alert_manager', alertMigrations),
    ]);

    expect(await migrationTables(url)).toEqual(
      kyselyTablesIn('alert_manager', 'device_registry', 'notification'),
    );
    expect(await appliedMigrations(url, 'alert_manager')).toEqual(['001_alerts', '002_alert_events']);
    expect(await appliedMigrations(url, 'device_registry')).toEqual(['001_devices']);
  });

  it('carry on from the migration tables earlier versions left in the schema, applying nothing twice', async () => {
    const url = await postgres.createDatabase('migrated_before');
    // What earlier versions left for the first service of a shared database (or a service with a
    // database of its own): Kysely's tables created unqualified, so in the schema of the search_path.
    await withClient(url, (client) =>
      client.query(
        `CREATE SCHEMA notification;
       CREATE TABLE notification.kysely_migration
         (name varchar(255) NOT NULL PRIMARY KEY, timestamp varchar(255) NOT NULL);
       CREATE TABLE notification.kysely_migration_lock
         (id varchar(255) NOT NULL PRIMARY KEY, is_locked integer NOT NULL DEFAULT 0);
       INSERT INTO notification.kysely_migration_lock VALUES ('migration_lock', 0);
       INSERT INTO notification.kysely_migration VALUES ('001_notifications', '2025-01-01T00:00:00.000Z');
       CREATE TABLE notification.notifications (id text PRIMARY KEY);`,
      ),
    );

    await migrate(url, 'notification', {
      ...notificationMigrations,
      '002_deliveries': createTable('deliveries'),
    });
    await migrate(url, 'device_registry', registryMigrations);

    expect(await migrationTables(url)).toEqual(kyselyTablesIn('device_registry', 'notification'));
    expect(await appliedMigrations(url, 'notification')).toEqual(['001_notifications', '002_deliveries']);
    expect(await appliedMigrations(url, 'device_registry')).toEqual(['001_devices']);
  });
});
