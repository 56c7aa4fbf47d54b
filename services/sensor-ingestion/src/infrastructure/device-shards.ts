import { Metadata } from '@grpc/grpc-js';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { ForwardOutcome, ReadingSink } from '../readings/reading-sink.port.js';

/**
 * The request header the data-processor's DestinationRule hashes on (helm/data-processor): every call
 * for one shard, and so every reading of one device, reaches the same replica, whose window cache
 * then stays warm.
 */
export const DEVICE_SHARD_HEADER = 'x-device-shard';

/** A device's shard: FNV-1a of its id, so it is stable across restarts and replicas. */
export function shardOf(deviceId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < deviceId.length; i++) {
    hash ^= deviceId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** A shard's sink: it may hold readings back to batch them, and sends them on flush. */
export type ShardSink = ReadingSink & { flush(): void };

/** Call metadata that routes a ProcessReadings call to its shard's replica. */
export function shardMetadata(shard: number): Metadata {
  const metadata = new Metadata();
  metadata.set(DEVICE_SHARD_HEADER, String(shard));
  return metadata;
}

/**
 * Splits each caller's readings by device shard, forwards every part through its shard's own sink
 * (one batcher each, so a call never mixes shards) and answers with the parts' outcomes joined,
 * duplicate positions mapped back to the caller's order. A device's readings stay in one part, in order.
 */
export class ShardedSink implements ReadingSink {
  private readonly sinks: ShardSink[];

  constructor(
    private readonly shards: number,
    sinkFor: (shard: number) => ShardSink,
  ) {
    this.sinks = Array.from({ length: shards }, (_, shard) => sinkFor(shard));
  }

  get waitingReadings(): number {
    return this.sinks.reduce((sum, sink) => sum + (sink.waitingReadings ?? 0), 0);
  }

  /** Sends whatever the shards' batchers hold (shutdown). */
  flush(): void {
    for (const sink of this.sinks) sink.flush();
  }

  async forward(readings: readonly Reading[]): Promise<ForwardOutcome> {
    const parts = new Map<number, number[]>();
    readings.forEach((reading, position) => {
      const shard = shardOf(reading.deviceId, this.shards);
      const positions = parts.get(shard);
      if (positions) positions.push(position);
      else parts.set(shard, [position]);
    });
    const outcomes = await Promise.all(
      [...parts].map(async ([shard, positions]) => {
        const outcome = await this.sinks[shard].forward(positions.map((position) => readings[position]));
        return { outcome, positions };
      }),
    );
    const duplicateIndexes = outcomes
      .flatMap(({ outcome, positions }) => outcome.duplicateIndexes.map((index) => positions[index]))
      .sort((a, b) => a - b);
    return {
      processed: outcomes.reduce((sum, { outcome }) => sum + outcome.processed, 0),
      duplicates: duplicateIndexes.length,
      duplicateIndexes,
    };
  }
}
