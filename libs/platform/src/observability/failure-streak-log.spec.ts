import { Writable } from 'node:stream';
import { pino } from 'pino';
import { FailureStreakLog } from './failure-streak-log.js';

function capturingLogger() {
  const lines: { level: number; msg: string; failures?: number; err?: { message: string } }[] = [];
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
});
