import { Observable, Subject } from 'rxjs';
import { holdUntilFirstWord } from './held-stream.js';

describe('a stream held until its first word', () => {
  it('resolves with a failure that comes first', async () => {
    const source = new Subject<number>();
    const held = holdUntilFirstWord(source, 60_000);
    source.error(new Error('refused'));
    expect((await held).failure).toEqual({ error: new Error('refused') });
  });

  it('resolves at its first event, and passes on all it held, then what follows', async () => {
    const source = new Subject<number>();
    const opening = holdUntilFirstWord(source, 60_000);
    source.next(1);
    const held = await opening;
    source.next(2);
    expect(held.failure).toBeUndefined();
    const seen: number[] = [];
    held.stream.subscribe((value) => seen.push(value));
    source.next(3);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('resolves after the wait when nothing was said, and ends the source when closed', async () => {
    let subscribed = false;
    const source = new Observable<number>(() => {
      subscribed = true;
      return () => (subscribed = false);
    });
    const held = await holdUntilFirstWord(source, 10);
    expect([held.failure, subscribed]).toEqual([undefined, true]);
    held.close();
    expect(subscribed).toBe(false);
  });
});
