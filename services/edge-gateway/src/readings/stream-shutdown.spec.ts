import { UnavailableError } from '@iot-mesh/platform';
import { concatMap, Subject, tap, type Observable } from 'rxjs';
import { StreamShutdown } from './stream-shutdown.js';

/** A stream whose answers wait until `answerAll()`; what it read, answered and how it ended. */
function openStream(shutdown: StreamShutdown) {
  const requests = new Subject<number>();
  const read: number[] = [];
  const answers: number[] = [];
  let release: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => (release = resolve));
  const ended = new Promise<unknown>((resolve) =>
    shutdown
      .drain(requests, (batches: Observable<number>) =>
        batches.pipe(
          tap((batch) => read.push(batch)),
          concatMap(async (batch) => {
            await answered;
            return batch;
          }),
        ),
      )
      .subscribe({
        next: (answer) => answers.push(answer),
        error: resolve,
        complete: () => resolve('completed'),
      }),
  );
  return { requests, read, answers, answerAll: () => release(), ended };
}

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
    expect(end).toBeInstanceOf(UnavailableError);
    expect({ code: (end as UnavailableError).code, answers: stream.answers, read: stream.read }).toEqual({
      code: 'GATEWAY.SHUTTING_DOWN',
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
    expect(await stream.ended).toBeInstanceOf(UnavailableError);
  });
});
