import type { ServiceError } from '@grpc/grpc-js';
import type { Alert } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import type { TestPostgres } from '@iot-mesh/storage/testing';
import type pg from 'pg';
import { lockWaits, session } from '../src/infrastructure/testing/postgres-sessions.js';
import { AlertStack } from './alert-stack.js';

// Alert managers as replicas on one PostgreSQL database, and races between them held in place by a
// session of the test's own.

// Statements may wait for a lock this long before PostgreSQL cancels them: longer than a test holds one.
const PATIENT = { DATABASE_STATEMENT_TIMEOUT_MS: '20000', DATABASE_QUERY_TIMEOUT_MS: '25000' };

/** Two alert managers on a fresh database of the server, for the enclosing describe; the second with its own settings. */
export function twoReplicas(
  postgres: () => TestPostgres,
  database: string,
  secondEnv: Record<string, string> = {},
) {
  const replicas: AlertStack[] = [];
  let url = '';
  beforeAll(async () => {
    url = await postgres().createDatabase(database);
    const env = { STORAGE: 'postgres', DATABASE_URL: url, DEVICE_SWEEP_INTERVAL_MS: '0', ...PATIENT };
    // One after the other: the second finds the schema migrated.
    for (const extra of [{}, secondEnv]) {
      const replica = new AlertStack({ ...env, ...extra }, {});
      await replica.start();
      replicas.push(replica);
    }
  });
  afterAll(() => Promise.all(replicas.map((replica) => replica.stop())));
  return { replicas: () => replicas, url: () => url };
}

/** 'OK', or the status and message the call failed with. */
const outcome = (call: Promise<unknown>): Promise<string> =>
  call.then(
    () => 'OK',
    (error: ServiceError) => `${error.code} ${error.details}`,
  );

/**
 * Starts `evaluation` while a session of its own holds the row `hold` locks, and `change` once the
 * evaluation waits for that row; lets the row go once `change` waits too. What the two answered.
 */
export async function underWay(
  url: string,
  hold: [sql: string, id: string],
  evaluation: () => Promise<unknown>,
  change: () => Promise<unknown>,
): Promise<{ evaluation: string; change: string }> {
  const [holder, watcher] = await Promise.all([session(url), session(url)]);
  try {
    await holder.query('BEGIN');
    await holder.query(hold[0], [hold[1]]);
    const evaluated = outcome(evaluation());
    await lockWaits(watcher, 1);
    const changed = outcome(change());
    await lockWaits(watcher, 2);
    await holder.query('COMMIT');
    return { evaluation: await evaluated, change: await changed };
  } finally {
    await Promise.all([holder.end(), watcher.end()]);
  }
}

/** Two of the alerts that device order and alert id order take the other way round. */
export function inOppositeOrders(alerts: readonly Alert[]): [Alert, Alert] {
  const byDevice = [...alerts].sort((a, b) => (a.deviceId < b.deviceId ? -1 : 1));
  for (const [i, first] of byDevice.entries()) {
    const second = byDevice.slice(i + 1).find((later) => later.id < first.id);
    if (second) return [first, second];
  }
  throw new Error('alert ids in device order: no pair to race');
}

/** The devices with an evaluation cursor of the rule. */
export async function cursorsOf(url: string, ruleId: string): Promise<string[]> {
  const client: pg.Client = await session(url);
  try {
    const { rows } = await client.query<{ device_id: string }>(
      'SELECT device_id FROM alert_manager.evaluation_cursors WHERE rule_id = $1 ORDER BY device_id',
      [ruleId],
    );
    return rows.map((row) => row.device_id);
  } finally {
    await client.end();
  }
}
