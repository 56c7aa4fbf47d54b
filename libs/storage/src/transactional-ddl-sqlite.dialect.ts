import { SqliteAdapter, SqliteDialect, type DialectAdapter } from 'kysely';

/**
 * SQLite changes schemas inside transactions, but Kysely's adapter says it cannot, so its Migrator ran
 * a migration statement by statement and recorded it afterwards: a process killed in between (an OOM
 * kill, the kubelet past the grace period) left a half-applied migration that failed at every later
 * start ("duplicate column name"). Said so, the Migrator runs the pending migrations and their records
 * in one transaction, as on PostgreSQL.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** Kysely's SQLite dialect whose migrations run in one transaction. */
export class TransactionalDdlSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
