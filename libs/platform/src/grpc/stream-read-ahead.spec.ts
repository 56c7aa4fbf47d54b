import { Gauge, Registry } from 'prom-client';
import { StreamReadAhead } from './stream-read-ahead.js';

describe('StreamReadAhead', () => {
  const setUp = (limit: number) => {
    const calls: string[] = [];
    const registry = new Registry();
    const gauge = new Gauge({ name: 'pending', help: 'pending', registers: [registry] });
    const readAhead = new StreamReadAhead(
      { pause: () => calls.push('pause'), resume: () => calls.push('resume') },
      limit,
      gauge,
    );
    const pending = async () => (await gauge.get()).values[0]?.value;
    return { calls, readAhead, pending, gauge };
  };

  it('pauses the stream once at the limit and resumes it when half of the messages are answered', async () => {
    const { calls, readAhead, pending } = setUp(4);
    for (let i = 0; i < 3; i++) readAhead.read();
    expect(calls).toEqual([]);
    readAhead.read();
    expect(calls).toEqual(['pause']);
    readAhead.read(); // delivered after the pause, from what was already read
    expect(calls).toEqual(['pause']);
    expect(await pending()).toBe(5);

    readAhead.answered();
    readAhead.answered();
    expect(calls).toEqual(['pause']);
    readAhead.answered();
    expect(calls).toEqual(['pause', 'resume']);
    readAhead.answered();
    expect(calls).toEqual(['pause', 'resume']);
    expect(await pending()).toBe(1);
  });

  it('with a limit of one, reads the next message only once the last is answered', () => {
    const { calls, readAhead } = setUp(1);
    readAhead.read();
    readAhead.answered();
    readAhead.read();
    expect(calls).toEqual(['pause', 'resume', 'pause']);
  });

  it('takes what a closed stream left unanswered off the gauge that all streams share', async () => {
    const { readAhead, pending, gauge } = setUp(8);
    const other = new StreamReadAhead({ pause: () => 0, resume: () => 0 }, 8, gauge);
    for (let i = 0; i < 5; i++) readAhead.read();
    other.read();
    other.read();
    readAhead.answered();
    readAhead.closed();
    expect(await pending()).toBe(2);
  });
});
