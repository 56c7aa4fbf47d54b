import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { toServiceDefinition } from '@iot-mesh/platform';
import {
  DeviceRegistryDefinition,
  type DeviceStatus,
  type GetDeviceRequest,
  type GetDeviceResponse,
} from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import {
  DataProcessorDefinition,
  type ProcessReadingsRequest,
  type ProcessReadingsResponse,
} from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

// Small real gRPC servers standing in for the services ingestion calls, in the test process.

export interface StubServer {
  readonly address: string;
  stop(): Promise<void>;
}

async function listen(server: Server): Promise<StubServer> {
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

const unavailable = { code: status.UNAVAILABLE, details: 'stub is down' };

/** DeviceRegistry.GetDevice over a fixed set of devices; any other id is NOT_FOUND. */
export class StubRegistry {
  readonly asked: string[] = [];
  down = false;
  private server?: StubServer;

  constructor(private readonly devices: Readonly<Record<string, DeviceStatus>>) {}

  async start(): Promise<string> {
    const server = new Server();
    server.addService(toServiceDefinition(DeviceRegistryDefinition), {
      GetDevice: (
        call: ServerUnaryCall<GetDeviceRequest, unknown>,
        reply: sendUnaryData<GetDeviceResponse>,
      ) => {
        const { id } = call.request;
        this.asked.push(id);
        const deviceStatus = this.devices[id];
        if (this.down) reply(unavailable);
        else if (deviceStatus === undefined)
          reply({ code: status.NOT_FOUND, details: `device ${id} not found` });
        else
          reply(null, {
            device: {
              id,
              name: id,
              type: 1,
              customType: '',
              ownerEmail: '',
              status: deviceStatus,
              labels: {},
            },
          });
      },
    });
    this.server = await listen(server);
    return this.server.address;
  }

  stop(): Promise<void> {
    return this.server?.stop() ?? Promise.resolve();
  }
}

/** DataProcessor.ProcessReadings: records calls, dedupes by reading id, can fail with UNAVAILABLE. */
export class StubProcessor {
  /** Readings of every call that got through, in arrival order. */
  readonly calls: Reading[][] = [];
  /** The x-device-shard header of each call ('' when absent). */
  readonly shards: string[] = [];
  /** The traceparent header of each call ('' when absent). */
  readonly traceparents: string[] = [];
  /** Calls that arrived, held ones included. */
  arrivals = 0;
  attempts = 0;
  /** The next this many calls fail with UNAVAILABLE; Infinity is a processor that is down. */
  failNext = 0;
  /** While set, calls wait for it before they are answered (see hold). */
  private held?: Promise<void>;
  private readonly seen = new Set<string>();
  private server?: StubServer;

  async start(): Promise<string> {
    const server = new Server();
    server.addService(toServiceDefinition(DataProcessorDefinition), {
      ProcessReadings: (
        call: ServerUnaryCall<ProcessReadingsRequest, unknown>,
        reply: sendUnaryData<ProcessReadingsResponse>,
      ) => {
        this.arrivals += 1;
        if (this.held) {
          void this.held.then(() => this.processReadings(call, reply));
          return;
        }
        this.processReadings(call, reply);
      },
    });
    this.server = await listen(server);
    return this.server.address;
  }

  /** Holds every call from now on until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.held = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.held = undefined;
      release();
    };
  }

  private processReadings(
    call: ServerUnaryCall<ProcessReadingsRequest, unknown>,
    reply: sendUnaryData<ProcessReadingsResponse>,
  ): void {
    this.attempts += 1;
    if (this.failNext > 0) {
      this.failNext -= 1;
      reply(unavailable);
      return;
    }
    const { readings } = call.request;
    this.calls.push(readings);
    this.shards.push(String(call.metadata.get('x-device-shard')[0] ?? ''));
    this.traceparents.push(String(call.metadata.get('traceparent')[0] ?? ''));
    const duplicateIndexes: number[] = [];
    readings.forEach((reading, index) => {
      if (this.seen.has(reading.readingId)) duplicateIndexes.push(index);
      else this.seen.add(reading.readingId);
    });
    reply(null, {
      processedCount: readings.length - duplicateIndexes.length,
      duplicateCount: duplicateIndexes.length,
      duplicateIndexes,
    });
  }

  /** Every reading received so far, by reading id (later copies win). */
  received(): Map<string, Reading> {
    return new Map(this.calls.flat().map((reading) => [reading.readingId, reading]));
  }

  stop(): Promise<void> {
    return this.server?.stop() ?? Promise.resolve();
  }
}
