import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { ForwardOutcome } from '../readings/reading-sink.port.js';
import { ShardedSink, shardOf, shardMetadata, DEVICE_SHARD_HEADER, type ShardSink } from './device-shards.js';

const reading = (deviceId: string, readingId: string): Reading => ({ deviceId, readingId }) as Reading;

/** Records what each shard got; ids starting with "dup" are duplicates. */
class RecordingShard implements ShardSink {
  readonly calls: string[][] = [];
  flushed = 0;
  /** What the shard's batcher holds back; undefined for a sink that sends at once. */
  waitingReadings?: number;
  forward(readings: readonly Reading[]): Promise<ForwardOutcome> {
    this.calls.push(readings.map((r) => r.readingId));
    const duplicateIndexes = readings.flatMap((r, i) => (r.readingId.startsWith('dup') ? [i] : []));
    return Promise.resolve({
      processed: readings.length - duplicateIndexes.length,
      duplicates: duplicateIndexes.length,
      duplicateIndexes,
    });
  }
  flush(): void {
    this.flushed++;
  }
}

describe('device shards', () => {
  it('puts a device in the same shard every time, and spreads devices over the shards', () => {
    expect(shardOf('sensor-42', 8)).toBe(shardOf('sensor-42', 8));
    const used = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`device-${i}`, 8)));
    expect(used.size).toBe(8);
    for (const shard of used) expect(shard).toBeGreaterThanOrEqual(0);
  });

  it('labels a call with its shard in the header the DestinationRule hashes on', () => {
    expect(shardMetadata(5).get(DEVICE_SHARD_HEADER)).toEqual(['5']);
  });

  it("sends each shard only its devices' readings, in order, and maps duplicates back to the caller's positions", async () => {
    const shards = [new RecordingShard(), new RecordingShard(), new RecordingShard()];
    const sink = new ShardedSink(3, (shard) => shards[shard]);
    const devices = ['a', 'b', 'c', 'd', 'e', 'f'];
    const readings = devices.flatMap((device) => [
      reading(device, `${device}-1`),
      reading(device, `dup-${device}`),
    ]);
    const outcome = await sink.forward(readings);
    expect(outcome).toEqual({
      processed: 6,
      duplicates: 6,
      duplicateIndexes: [1, 3, 5, 7, 9, 11],
    });
    for (const [shard, recorded] of shards.entries()) {
      const expected = readings.filter((r) => shardOf(r.deviceId, 3) === shard).map((r) => r.readingId);
      expect(recorded.calls.flat()).toEqual(expected);
    }
    sink.flush();
    expect(shards.map((s) => s.flushed)).toEqual([1, 1, 1]);
  });

  it('counts the readings held back over all shards, a shard that holds none back counting 0', () => {
    const shards = [new RecordingShard(), new RecordingShard(), new RecordingShard()];
    const sink = new ShardedSink(3, (shard) => shards[shard]);
    expect(sink.waitingReadings).toBe(0);
    shards[0].waitingReadings = 3;
    shards[2].waitingReadings = 4;
    expect(sink.waitingReadings).toBe(7);
    shards[0].waitingReadings = 0;
    expect(sink.waitingReadings).toBe(4);
  });
});
