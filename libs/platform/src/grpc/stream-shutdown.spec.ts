import { concatMap, reduce, Subject, tap, type Observable } from 'rxjs';
import { UnavailableError } from '../errors/unavailable.error.js';
import { StreamShutdown } from './stream-shutdown.js';

const cutOff = () => new UnavailableError('TEST.SHUTTING_DOWN', 'shutting down');

/** A bidirectional stream whose answers wait until `answerAll()`; what it read, answered and how it ended. */
function openStream(shutdown: StreamShutdown) {
  const requests = new Subject<number>();
  const read: number[] = [];
  const answers: number[] = [];
  let release: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => (release = resolve));
  const ended = new Promise<unknown>((resolve) =>
    shutdown
      .drain(
        requests,
        (batches: Observable<number>) =>
          batches.pipe(
            tap((batch) => read.push(batch)),
            concatMap(async (batch) => {
              await answered;
              return batch;
            }),
          ),
        cutOff,
      )
      .subscribe({
        next: (answer) => answers.push(answer),
        error: resolve,
        complete: () => resolve('completed'),
      }),
  );
  return { requests, read, answers, answerAll: () => release(), ended };
}

/** How an observable ends: 'completed' or its error, with what it sent before. */
function endOf<T>(stream: Observable<T>): Promise<{ sent: T[]; end: unknown }> {
  const sent: T[] = [];
  return new Promise((resolve) =>
    stream.subscribe({
      next: (value) => sent.push(value),
      error: (end: unknown) => resolve({ sent, end }),
      complete: () => resolve({ sent, end: 'completed' }),
    }),
  );
}

const reasonOf = (end: unknown) => (end instanceof UnavailableError ? end.code : end);

describe('ending request streams on shutdown', () => {
  it('answers what a stream read, reads nothing after the shutdown began, then ends it with UNAVAILABLE', async () => {
    const shutdown = new StreamShutdown();
    const stream = openStream(shutdown);
    stream.requests.next(1);
    stream.requests.next(2);
    shutdown.endAll();
    stream.requests.next(3);
    stream.answerAll();
    const end = await stream.ended;
    expect({ reason: reasonOf(end), answers: stream.answers, read: stream.read }).toEqual({
      reason: 'TEST.SHUTTING_DOWN',
      answers: [1, 2],
      read: [1, 2],
    });
  });

  it('lets a stream whose client had finished sending end as usual', async () => {
    const shutdown = new StreamShutdown();
    const stream = openStream(shutdown);
    stream.requests.next(1);
    stream.requests.complete();
    shutdown.endAll();
    stream.answerAll();
    expect([await stream.ended, stream.answers]).toEqual(['completed', [1]]);
  });

  it('ends a stream opened after the shutdown began at once, without reading it', async () => {
    const shutdown = new StreamShutdown();
    shutdown.endAll();
    const stream = openStream(shutdown);
    expect(stream.requests.observed).toBe(false);
    expect(reasonOf(await stream.ended)).toBe('TEST.SHUTTING_DOWN');
  });

  it('ends a client stream with an error made of its answer so far, instead of that answer', async () => {
    const shutdown = new StreamShutdown();
    const count = reduce((n: number) => n + 1, 0);
    const counted = (soFar: number) => new UnavailableError('TEST.SHUTTING_DOWN', `${soFar} counted`);
    const cut = new Subject<number>();
    const whole = new Subject<number>();
    const cutEnd = endOf(shutdown.drainToOneAnswer(cut, count, counted));
    const wholeEnd = endOf(shutdown.drainToOneAnswer(whole, count, counted));
    cut.next(1);
    cut.next(2);
    whole.next(1);
    whole.complete();
    shutdown.endAll();
    cut.next(3);
    expect(await cutEnd).toEqual({ sent: [], end: counted(2) });
    expect(await wholeEnd).toEqual({ sent: [1], end: 'completed' });
  });

  it('ends a server stream with UNAVAILABLE once the shutdown begins, and one that finished as usual', async () => {
    const shutdown = new StreamShutdown();
    const open = new Subject<number>();
    const finished = new Subject<number>();
    const openEnd = endOf(shutdown.endOnShutdown(open, cutOff));
    const finishedEnd = endOf(shutdown.endOnShutdown(finished, cutOff));
    open.next(1);
    finished.next(1);
    finished.complete();
    shutdown.endAll();
    open.next(2);
    expect(await openEnd).toEqual({ sent: [1], end: cutOff() });
    expect(await finishedEnd).toEqual({ sent: [1], end: 'completed' });
    expect(open.observed).toBe(false);
  });
});
