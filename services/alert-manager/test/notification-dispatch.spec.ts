import { status } from '@grpc/grpc-js';
import {
  AlreadyExistsError,
  FailedPreconditionError,
  grpcCodeName,
  loadConfig,
  toGrpcError,
  ValidationError,
} from '@iot-mesh/platform';
import { freshStore } from '@iot-mesh/storage/testing';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { alertConfigSchema } from '../src/config.js';
import { GrpcNotificationSender } from '../src/infrastructure/grpc-notification.sender.js';
import { KyselyAlertStore } from '../src/infrastructure/kysely-alert.store.js';
import { outbox } from '../src/infrastructure/testing/store-contract.fixtures.js';
import { NotificationDispatcher } from '../src/notifications/notification-dispatcher.js';
import { startNotificationStub, type StubFailure } from './stub-services.js';

// The dispatcher in this process, round by round on a clock the test moves: a real SQLite outbox
// and real gRPC to a stub notification service.

const FAR_FUTURE = Number.MAX_SAFE_INTEGER;
const config = loadConfig(alertConfigSchema, {
  OUTBOX_RETRY_INITIAL_MS: '1000',
  OUTBOX_RETRY_MAX_MS: '60000',
});

// Refusals as the notification service answers them (its domain errors through the platform's mapping).
const REFUSALS: Record<string, StubFailure> = {
  INVALID_ARGUMENT: toGrpcError(
    new ValidationError(
      [{ field: 'subject', reason: 'FIELD.TOO_LONG', description: 'must be at most 200 characters' }],
      'NOTIFICATION.INVALID',
    ),
  ),
  FAILED_PRECONDITION: toGrpcError(
    new FailedPreconditionError(
      'NOTIFICATION.CHANNEL_NOT_CONFIGURED',
      'the email channel is not configured on this service',
    ),
  ),
  ALREADY_EXISTS: toGrpcError(
    new AlreadyExistsError(
      'NOTIFICATION.IDEMPOTENCY_KEY_REUSED',
      'idempotency key used for another notification',
    ),
  ),
};
// Failures of the moment or of the deployment, never about the notification itself.
const PASSING_FAILURES = [
  status.UNAVAILABLE,
  status.DEADLINE_EXCEEDED,
  status.RESOURCE_EXHAUSTED,
  status.ABORTED,
  status.INTERNAL,
  status.UNKNOWN,
  status.PERMISSION_DENIED,
  status.UNAUTHENTICATED,
  status.NOT_FOUND,
  status.UNIMPLEMENTED,
];

type LogEntry = { level: number; msg: string; [key: string]: unknown };

/** A fresh outbox, a stub notification service and a dispatcher over them, for one describe block. */
function dispatchBench(name: string) {
  const opened = freshStore('sqlite', name, (settings) => KyselyAlertStore.open(settings));
  let stub: Awaited<ReturnType<typeof startNotificationStub>>;
  let sender: GrpcNotificationSender;
  let dispatcher: NotificationDispatcher | undefined;
  const bench = {
    clock: 1_000_000,
    logs: [] as LogEntry[],
    registry: new Registry(),
    get store() {
      return opened();
    },
    get stub() {
      return stub;
    },
    /** Queues entries, then starts the dispatcher, so only the test's rounds hand them over. */
    async start(keys: readonly string[]): Promise<NotificationDispatcher> {
      await opened().applyChanges({ writes: [], events: [], outbox: keys.map(outbox) });
      const logger = pino(
        { level: 'debug' },
        { write: (line: string) => bench.logs.push(JSON.parse(line) as LogEntry) },
      );
      dispatcher = new NotificationDispatcher(
        opened(),
        opened().outbox,
        sender,
        config,
        () => bench.clock,
        logger,
        bench.registry,
      );
      return dispatcher;
    },
    /** The entries still queued and not failed, by key. */
    async pending(): Promise<Record<string, number>> {
      const due = await opened().outbox.dueEntries(FAR_FUTURE, 100);
      return Object.fromEntries(due.map((e) => [e.idempotencyKey, e.attempts]));
    },
    async handovers(result: string): Promise<number> {
      const metric = await bench.registry
        .getSingleMetric('alert_manager_notification_handovers_total')
        ?.get();
      return metric?.values.find((v) => v.labels['result'] === result)?.value ?? 0;
    },
  };
  beforeAll(async () => {
    stub = await startNotificationStub();
    sender = new GrpcNotificationSender(stub.address, { mode: 'plaintext' });
  });
  afterAll(async () => {
    await dispatcher?.onModuleDestroy();
    sender.close();
    await stub.stop();
  });
  return bench;
}

const callsOf = (calls: readonly { idempotencyKey: string }[], key: string) =>
  calls.filter((c) => c.idempotencyKey === key).length;

describe('notification dispatch: entries failing before a healthy one', () => {
  const bench = dispatchBench('dispatch_poison');

  it('hands the healthy one over in the first round and reschedules each failing one on its own', async () => {
    const failing = ['alert:p-1:FIRING:email', 'alert:p-2:FIRING:email', 'alert:p-3:FIRING:email'];
    const refused = 'alert:p-4:FIRING:email';
    const healthy = 'alert:ok:FIRING:email';
    bench.stub.failWhen = (request) =>
      failing.includes(request.idempotencyKey)
        ? status.INTERNAL
        : request.idempotencyKey === refused
          ? REFUSALS['INVALID_ARGUMENT']
          : undefined;
    const dispatcher = await bench.start([...failing, refused, healthy]);

    await dispatcher.deliverDue();

    expect(bench.stub.accepted.map((c) => c.idempotencyKey)).toEqual([healthy]);
    expect(bench.stub.calls.map((c) => c.idempotencyKey)).toEqual([...failing, refused, healthy]);
    await expect(bench.pending()).resolves.toEqual(Object.fromEntries(failing.map((key) => [key, 1])));
  });
});

describe('notification dispatch: refused for good or failed for now', () => {
  const bench = dispatchBench('dispatch_refused');

  it('tries a refused entry once, logs and counts it; retries a failed one after its backoff', async () => {
    const refused = 'alert:r-1:FIRING:email';
    const failed = 'alert:f-1:FIRING:email';
    bench.stub.failWhen = (request) =>
      request.idempotencyKey === refused
        ? REFUSALS['INVALID_ARGUMENT']
        : request.idempotencyKey === failed
          ? status.INTERNAL
          : undefined;
    const dispatcher = await bench.start([refused, failed]);

    await dispatcher.deliverDue();
    bench.clock += 61_000; // past any first backoff
    await dispatcher.deliverDue();
    expect([callsOf(bench.stub.calls, refused), callsOf(bench.stub.calls, failed)]).toEqual([1, 2]);
    await expect(bench.pending()).resolves.toEqual({ [failed]: 2 });

    bench.stub.failWhen = undefined;
    bench.clock += 61_000;
    await dispatcher.deliverDue();
    await expect(bench.pending()).resolves.toEqual({});
    expect(callsOf(bench.stub.calls, refused)).toBe(1);
    expect(bench.stub.accepted.map((c) => c.idempotencyKey)).toEqual([failed]);

    const refusals = bench.logs.filter((l) => l.msg.startsWith('notification refused for good'));
    expect(refusals).toEqual([
      expect.objectContaining({
        level: 50,
        idempotencyKey: refused,
        attempts: 1,
        reason: 'InvalidArgument NOTIFICATION.INVALID: subject: must be at most 200 characters',
      }),
    ]);
    const counted = await Promise.all(['sent', 'failed', 'rejected'].map((r) => bench.handovers(r)));
    expect(counted).toEqual([1, 2, 1]);
  });
});

describe('notification dispatch: which answers are refusals for good', () => {
  const bench = dispatchBench('dispatch_codes');

  it('dead-letters INVALID_ARGUMENT, FAILED_PRECONDITION and ALREADY_EXISTS, and retries every other failure', async () => {
    const keyOf = (name: string) => `alert:${name}:FIRING:email`;
    const answers = new Map<string, StubFailure>([
      ...Object.entries(REFUSALS).map(([name, refusal]) => [keyOf(name), refusal] as const),
      ...PASSING_FAILURES.map((code) => [keyOf(grpcCodeName(code)), code] as const),
    ]);
    bench.stub.failWhen = (request) => answers.get(request.idempotencyKey);
    const dispatcher = await bench.start([...answers.keys()]);

    await dispatcher.deliverDue();
    bench.clock += 61_000;
    await dispatcher.deliverDue();

    // Still queued after two rounds, with two attempts each: the failures worth a retry.
    await expect(bench.pending()).resolves.toEqual(
      Object.fromEntries(PASSING_FAILURES.map((code) => [keyOf(grpcCodeName(code)), 2])),
    );
    expect(Object.keys(REFUSALS).map((name) => callsOf(bench.stub.calls, keyOf(name)))).toEqual([1, 1, 1]);
  });
});

describe("notification dispatch: one alert's entries in order", () => {
  const bench = dispatchBench('dispatch_order');

  it('hands a RESOLVED over only after its FIRING was accepted or refused for good, other alerts meanwhile', async () => {
    const [fired, resolved] = ['alert:o-1:FIRING:webhook', 'alert:o-1:RESOLVED:webhook'];
    const [refusedFiring, afterRefusal] = ['alert:o-2:FIRING:webhook', 'alert:o-2:RESOLVED:webhook'];
    const other = 'alert:o-3:FIRING:webhook';
    let down = true;
    bench.stub.failWhen = (request) =>
      request.idempotencyKey === refusedFiring
        ? REFUSALS['FAILED_PRECONDITION']
        : down && request.idempotencyKey === fired
          ? status.UNAVAILABLE
          : undefined;
    const dispatcher = await bench.start([fired, resolved, refusedFiring, afterRefusal, other]);

    // The gRPC client retries UNAVAILABLE itself: count each key once, in the order first called.
    const called = () => [...new Set(bench.stub.calls.map((c) => c.idempotencyKey))];
    await dispatcher.deliverDue();
    // The RESOLVED of o-1 waits behind its failed FIRING.
    expect(called()).toEqual([fired, refusedFiring, other]);

    down = false;
    for (let round = 0; round < 3; round++) {
      bench.clock += 1_000; // past the FIRING's first backoff (at most 1 s)
      await dispatcher.deliverDue();
    }
    // o-2's RESOLVED follows its refused FIRING; o-1's goes once its FIRING was accepted.
    expect(called()).toEqual([fired, refusedFiring, other, afterRefusal, resolved]);
    expect(bench.stub.accepted.map((c) => c.idempotencyKey)).toEqual([other, afterRefusal, fired, resolved]);
    await expect(bench.pending()).resolves.toEqual({});
    // The notification service keeps the order per alert with the ordering key.
    expect(
      new Set(bench.stub.calls.filter((c) => c.idempotencyKey.includes(':o-1:')).map((c) => c.orderingKey)),
    ).toEqual(new Set(['alert:o-1']));
  });
});
