import { Writable } from 'node:stream';
import { Gauge, Registry } from 'prom-client';
import { from } from 'rxjs';
import { FlowControlledWriter } from './flow-controlled-writer.js';

/** An object-mode Writable (as grpc-js's server call is) whose writes complete only when a test lets them. */
function heldSink(highWaterMark: number) {
  const held: (() => void)[] = [];
  const sink = new Writable({
    objectMode: true,
    highWaterMark,
    write: (_message, _encoding, done: () => void) => held.push(done),
  });
  /** Lets the oldest write complete, as HTTP/2 taking its message. */
  const sendOne = async () => {
    held.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { sink, sendOne };
}

describe('FlowControlledWriter', () => {
  const setUp = (highWaterMark: number) => {
    const registry = new Registry();
    const unsent = new Gauge({ name: 'unsent', help: 'unsent', registers: [registry] });
    const count = async () => (await unsent.get()).values[0]?.value;
    const sent: number[] = [];
    const { sink, sendOne } = heldSink(highWaterMark);
    const writer = new FlowControlledWriter<number>(sink, { unsent, sent: () => sent.push(sent.length) });
    const demand: boolean[] = [];
    writer.demand.subscribe((wanted) => demand.push(wanted));
    return { sink, sendOne, writer, demand, sent, count };
  };

  it('says the sink wants no more once its buffer is full, and wants more once it drained', async () => {
    const { sendOne, writer, demand, sent, count } = setUp(2);
    writer.write(1);
    expect(demand).toEqual([true]);
    writer.write(2);
    writer.write(3); // past the buffer: written anyway, nothing is dropped
    expect(demand).toEqual([true, false]);
    expect(await count()).toBe(3);

    for (let i = 0; i < 3; i++) await sendOne();
    expect(demand).toEqual([true, false, true]);
    expect(sent).toHaveLength(3);
    expect(await count()).toBe(0);
  });

  it('takes what a closed sink still held off the gauge, and counts nothing written after', async () => {
    const { sink, writer, sent, count } = setUp(16);
    from([1, 2, 3]).pipe(writer.writeAll()).subscribe();
    expect(await count()).toBe(3);
    sink.destroy();
    await new Promise((resolve) => sink.once('close', resolve));
    writer.write(4);
    expect(await count()).toBe(0);
    expect(sent).toEqual([]);
  });
});
