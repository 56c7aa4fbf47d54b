import { isDeepStrictEqual } from 'node:util';
import { CompiledQuery, type Compilable, type QueryResult } from 'kysely';
import { STATEMENT_CHUNK } from './chunked.js';

// Each row count is an SQL text of its own, which the SQLite adapter prepares and keeps: one of hundreds of
// rows holds hundreds of KB of native memory. So a list of up to EXACT_ROWS rows (a REST call's few
// readings) is one statement of its own length, and a longer one is cut into a part of a multiple of
// ROW_STEP rows, at most STATEMENT_CHUNK, and a rest of fewer than ROW_STEP rows. A query then has at most
// 32 + 19 = 51 texts whatever the lengths; lists of 100, 200 or 500 rows stay one statement, and no list
// of up to 500 rows takes more than two.
const EXACT_ROWS = 32;
const ROW_STEP = 25;

/** The lengths of the consecutive parts a list of `count` rows is written in. */
function partLengths(count: number): number[] {
  const lengths: number[] = [];
  let left = count;
  while (left > EXACT_ROWS) {
    const part = Math.min(STATEMENT_CHUNK, left - (left % ROW_STEP));
    lengths.push(part);
    left -= part;
  }
  if (left > 0) lengths.push(left);
  return lengths;
}

/** What executes a compiled query: a Kysely instance or transaction. */
export interface QueryRunner {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/**
 * A query over a list of rows (a multi-row INSERT, a VALUES list) whose SQL depends only on how many
 * rows there are. Kysely builds and compiles it once per row count; later lists of that length only
 * bind their values. Building and compiling a statement of hundreds of rows on every call took about a
 * tenth of the data processor's time in its store.
 */
export class SizedQueryCache<Row, Result> {
  /** Bounded by partLengths: a few dozen row counts. */
  private readonly sqlBySize = new Map<number, string>();

  constructor(
    private readonly build: (rows: readonly Row[]) => Compilable<Result>,
    /** A row's values in the order the built query binds them. */
    private readonly values: (row: Row) => readonly unknown[],
  ) {}

  /**
   * Runs the query over `rows`, part after part in their order, as one query over them all would: the
   * rows each part returns, in turn, and the sum of the rows they affected.
   */
  async execute(runner: QueryRunner, rows: readonly Row[]): Promise<QueryResult<Result>> {
    const returned: Result[] = [];
    let affected: bigint | undefined;
    for (const query of this.queries(rows)) {
      const result = await runner.executeQuery(query);
      returned.push(...result.rows);
      if (result.numAffectedRows !== undefined) affected = (affected ?? 0n) + result.numAffectedRows;
    }
    return { rows: returned, numAffectedRows: affected };
  }

  /** The statements that together run the query over `rows`, in order. */
  private queries(rows: readonly Row[]): CompiledQuery<Result>[] {
    const queries: CompiledQuery<Result>[] = [];
    let start = 0;
    for (const length of partLengths(rows.length)) {
      queries.push(this.query(rows.slice(start, start + length)));
      start += length;
    }
    return queries;
  }

  private query(rows: readonly Row[]): CompiledQuery<Result> {
    const parameters = rows.flatMap(this.values);
    const sql = this.sqlBySize.get(rows.length);
    return sql === undefined ? this.compile(rows, parameters) : CompiledQuery.raw(sql, parameters);
  }

  private compile(rows: readonly Row[], parameters: unknown[]): CompiledQuery<Result> {
    const compiled = this.build(rows).compile();
    // Binding other lists of this length is only right when Kysely binds exactly these values, in order.
    if (!isDeepStrictEqual(compiled.parameters, parameters)) {
      throw new Error(
        `SizedQueryCache: the values given for "${compiled.sql.slice(0, 60)}…" are not the ones it binds`,
      );
    }
    this.sqlBySize.set(rows.length, compiled.sql);
    return compiled;
  }
}
