import { Writable } from 'node:stream';
import { pino } from 'pino';
import { FailureStreakLog } from './failure-streak-log.js';

function capturingLogger() {
  const lines: {
    level: number;
    msg: string;
    failures?: number;
    err?: { message: string };
    [field: string]: unknown;
  }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('FailureStreakLog', () => {
  it('logs the first failure of a streak with its error, then only the recovery with the count', () => {
    const { logger, lines } = capturingLogger();
    const log = new FailureStreakLog(logger, 'outbox poll');
    log.succeeded();
    for (let i = 1; i <= 5; i++) log.failed(new Error(`database unavailable ${i}`));
    log.succeeded();
    log.succeeded();
    log.failed(new Error('down again'));
    expect(
      lines.map(({ level, msg, failures, err }) => ({ level, msg, failures, error: err?.message })),
    ).toEqual([
      {
        level: 50,
        msg: 'outbox poll failed; retrying, quietly until it works again',
        failures: undefined,
        error: 'database unavailable 1',
      },
      { level: 30, msg: 'outbox poll works again', failures: 5, error: undefined },
      {
        level: 50,
        msg: 'outbox poll failed; retrying, quietly until it works again',
        failures: undefined,
        error: 'down again',
      },
    ]);
  });

  it('logs at the level it is given', () => {
    const { logger, lines } = capturingLogger();
    new FailureStreakLog(logger, 'reading new alert events', 'warn').failed(new Error('x'));
    expect(lines.map((line) => line.level)).toEqual([40]);
  });

  it('puts the fields it is given into the first line of a streak', () => {
    const { logger, lines } = capturingLogger();
    const log = new FailureStreakLog(logger, 'calling sensor-ingestion');
    log.failed(new Error('down'), { grpc_code: 'UNAVAILABLE' });
    log.failed(new Error('still down'), { grpc_code: 'DEADLINE_EXCEEDED' });
    expect(lines.map(({ grpc_code, err }) => ({ grpc_code, error: err?.message }))).toEqual([
      { grpc_code: 'UNAVAILABLE', error: 'down' },
    ]);
  });

  it('with a quiet time, keeps a streak going through successes until no failure came for that long', () => {
    const { logger, lines } = capturingLogger();
    let now = 0;
    const log = new FailureStreakLog(logger, 'calling device-registry', 'error', {
      quietMs: 10_000,
      now: () => now,
    });
    // Calls side by side during a partial outage: failures among successes are one streak.
    for (let i = 0; i < 3; i++) {
      log.failed(new Error('timed out'));
      now += 1_000;
      log.succeeded();
    }
    now += 8_999;
    log.succeeded();
    expect(lines.map(({ msg }) => msg)).toEqual([
      'calling device-registry failed; retrying, quietly until it works again',
    ]);
    now += 1;
    log.succeeded();
    expect(lines.map(({ msg, failures }) => ({ msg, failures })).slice(1)).toEqual([
      { msg: 'calling device-registry works again', failures: 3 },
    ]);
  });
});
