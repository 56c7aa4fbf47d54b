import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import type { SqliteCheckpoints, SqliteSynchronous } from './storage-settings.js';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';

// Kysely compiles the same few queries over and over; preparing each anew was a top cost in profiles.
const STATEMENT_CACHE_SIZE = 500;
// A prepared statement holds native memory in step with its SQL (30-40 bytes a character for multi-row
// INSERTs), so the statements kept are bounded by their total SQL length too: about 50 MiB at most. The
// data processor's multi-row statements come to 730,000 characters at most (10 MiB; SizedQueryCache);
// this bounds lists of varying length built elsewhere (IN lists, multi-row INSERTs), a text per length.
const STATEMENT_CACHE_SQL_LENGTH = 1_500_000;

// SQLite's own threshold: a commit that takes the log past this many pages checkpoints inline.
const INLINE_CHECKPOINT_PAGES = 1_000;
// With background checkpoints, the log is copied every half second (about 850 pages of the processor's
// writes at 1,000 readings/s). The log restarts only when a checkpoint ends with no commit after it; if
// none does for this many pages (40 MiB), a commit checkpoints inline, most pages already copied.
const BACKGROUND_CHECKPOINT_INTERVAL_MS = 500;
const BACKGROUND_FALLBACK_PAGES = 10_000;

/**
 * Kysely's SQLite dialect over Node's built-in node:sqlite, so the embedded store needs no native
 * addon. WAL mode lets readers run beside the single writer; a busy timeout rides out short locks;
 * `synchronous` says when a commit reaches the disk (SqliteSynchronous), `checkpoints` where the log
 * is copied into the file (SqliteCheckpoints).
 * Prepared statements are kept per SQL text (least recently used ones dropped).
 */
export function openNodeSqlite(
  file: string,
  synchronous: SqliteSynchronous = 'normal',
  checkpoints: SqliteCheckpoints = 'inline',
): SqliteDatabase {
  const database = new DatabaseSync(file);
  database.exec(
    `PRAGMA journal_mode = WAL; PRAGMA synchronous = ${synchronous.toUpperCase()}; ` +
      'PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;',
  );
  const checkpointer = checkpoints === 'background' ? checkpointInBackground(database, file) : undefined;
  // Whether a statement returns rows is asked once per statement: columns() builds new objects each call.
  const statements = new Map<string, { statement: StatementSync; reader: boolean }>();
  let cachedSqlLength = 0;
  const prepared = (sql: string) => {
    const cached = statements.get(sql);
    if (cached) {
      statements.delete(sql);
      statements.set(sql, cached);
      return cached;
    }
    const statement = database.prepare(sql);
    const entry = { statement, reader: statement.columns().length > 0 };
    statements.set(sql, entry);
    cachedSqlLength += sql.length;
    while (
      statements.size > STATEMENT_CACHE_SIZE ||
      (cachedSqlLength > STATEMENT_CACHE_SQL_LENGTH && statements.size > 1)
    ) {
      const oldest = statements.keys().next().value!;
      statements.delete(oldest);
      cachedSqlLength -= oldest.length;
    }
    return entry;
  };
  return {
    close: () => {
      void checkpointer?.stop();
      statements.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      const { statement, reader } = prepared(sql);
      const args = (parameters: ReadonlyArray<unknown>) => parameters as SQLInputValue[];
      return {
        reader,
        all: (parameters) => statement.all(...args(parameters)),
        run: (parameters) => statement.run(...args(parameters)),
        iterate: (parameters) => statement.iterate(...args(parameters)),
      };
    },
  };
}

/** Hands the checkpoints to a WalCheckpointer; should its thread fail, they are made inline again. */
function checkpointInBackground(database: DatabaseSync, file: string): WalCheckpointer {
  database.exec(`PRAGMA wal_autocheckpoint = ${BACKGROUND_FALLBACK_PAGES}`);
  return startWalCheckpointer({ file, intervalMs: BACKGROUND_CHECKPOINT_INTERVAL_MS }, (error) => {
    process.stderr.write(`the checkpoints of ${file} are made inline again: ${error.message}\n`);
    if (database.isOpen) database.exec(`PRAGMA wal_autocheckpoint = ${INLINE_CHECKPOINT_PAGES}`);
  });
}
