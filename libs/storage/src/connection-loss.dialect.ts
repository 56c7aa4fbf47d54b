import { UnavailableError } from '@iot-mesh/platform';
import type {
  AbortableOperationOptions,
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  PostgresDialect,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';

// SQLSTATEs of a server that cannot serve now: connection exceptions (class 08), shutting down or
// starting up (57P01-57P03), out of connection slots (53300); and of a statement or transaction it
// ended, nothing of it applied: cancelled (57014: past statement_timeout, as behind a lock an orphaned
// transaction holds), or left idle too long (25P03, should the server's notice meet the next statement).
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300|57014|25P03)$/;
// Node's errors of a socket that cannot connect or was cut.
const UNAVAILABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// pg's own words for a connection that ended, or for no free connection in time, to which it gives no code.
const CONNECTION_ENDED = /^Connection terminated|is not queryable$|^timeout exceeded when trying to connect$/;

// Not `instanceof Error`: Node's socket errors may come from another realm (as under Jest).
export function isConnectionLoss(error: unknown): error is Error {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NETWORK_CODES.has(code);
  return typeof message === 'string' && CONNECTION_ENDED.test(message);
}

function unavailableIfConnectionLoss(error: unknown): unknown {
  if (!isConnectionLoss(error)) return error;
  const unavailable = new UnavailableError('STORAGE.UNAVAILABLE', `database unavailable: ${error.message}`);
  unavailable.cause = error;
  return unavailable;
}

async function translated<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    throw unavailableIfConnectionLoss(error);
  }
}

/**
 * The dialect with every failure of a lost, refused or silent connection (and of a statement the
 * server cut short) turned into an UnavailableError (gRPC UNAVAILABLE, which callers retry), instead
 * of an error the services report as INTERNAL.
 */
export function unavailableOnConnectionLoss(dialect: PostgresDialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => new ConnectionLossDriver(dialect.createDriver()),
  };
}

/** Hands out wrapped connections; the wrapped driver is always given its own connections back. */
class ConnectionLossDriver implements Driver {
  private readonly wrapped = new WeakMap<DatabaseConnection, ConnectionLossConnection>();

  constructor(private readonly driver: Driver) {}

  init(options?: AbortableOperationOptions): Promise<void> {
    return translated(this.driver.init(options));
  }

  async acquireConnection(options?: AbortableOperationOptions): Promise<DatabaseConnection> {
    const connection = await translated(this.driver.acquireConnection(options));
    let wrapper = this.wrapped.get(connection);
    if (!wrapper) {
      wrapper = new ConnectionLossConnection(connection);
      this.wrapped.set(connection, wrapper);
    }
    return wrapper;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return translated(this.driver.beginTransaction(own(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return translated(this.driver.commitTransaction(own(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return translated(this.driver.rollbackTransaction(own(connection)));
  }

  // PostgresDriver, the one driver wrapped, has all three savepoint methods.
  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    return translated(this.driver.savepoint!(own(connection), name, compile));
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    return translated(this.driver.rollbackToSavepoint!(own(connection), name, compile));
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    return translated(this.driver.releaseSavepoint!(own(connection), name, compile));
  }

  releaseConnection(connection: DatabaseConnection, options?: AbortableOperationOptions): Promise<void> {
    return this.driver.releaseConnection(own(connection), options);
  }

  destroy(options?: AbortableOperationOptions): Promise<void> {
    return this.driver.destroy(options);
  }
}

function own(connection: DatabaseConnection): DatabaseConnection {
  return connection instanceof ConnectionLossConnection ? connection.connection : connection;
}

class ConnectionLossConnection implements DatabaseConnection {
  // Aborting an in-flight query asks the connection for these, when it has them.
  readonly cancelQuery: DatabaseConnection['cancelQuery'];
  readonly killSession: DatabaseConnection['killSession'];
  readonly collectSessionInfo: DatabaseConnection['collectSessionInfo'];

  constructor(readonly connection: DatabaseConnection) {
    this.cancelQuery = connection.cancelQuery?.bind(connection);
    this.killSession = connection.killSession?.bind(connection);
    this.collectSessionInfo = connection.collectSessionInfo?.bind(connection);
  }

  executeQuery<R>(query: CompiledQuery, options?: AbortableOperationOptions): Promise<QueryResult<R>> {
    return translated(this.connection.executeQuery<R>(query, options));
  }

  async *streamQuery<R>(
    query: CompiledQuery,
    chunkSize: number,
    options?: AbortableOperationOptions,
  ): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.connection.streamQuery<R>(query, chunkSize, options);
    } catch (error) {
      throw unavailableIfConnectionLoss(error);
    }
  }
}
