import {
  credentials,
  makeGenericClientConstructor,
  Server,
  ServerCredentials,
  type sendUnaryData,
  type ServerUnaryCall,
} from '@grpc/grpc-js';
import { toServiceDefinition } from '@iot-mesh/platform';
import {
  DataProcessorDefinition,
  type ProcessReadingsRequest,
  type ProcessReadingsResponse,
} from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { runLoad, type LoadResult } from './load-loop.js';
import { readingBatch } from './readings.js';

/**
 * The floor: one plain grpc-js hop (no Nest, no validation, no storage) carrying the same
 * 100-reading message, answered at once. Measured in the same run as the pipeline.
 */
export async function rawGrpcHop(
  batchSize: number,
  concurrency: number,
  seconds: number,
): Promise<LoadResult> {
  const definition = toServiceDefinition(DataProcessorDefinition);
  const server = new Server();
  server.addService(definition, {
    ProcessReadings: (
      call: ServerUnaryCall<ProcessReadingsRequest, ProcessReadingsResponse>,
      callback: sendUnaryData<ProcessReadingsResponse>,
    ) =>
      callback(null, {
        processedCount: call.request.readings.length,
        duplicateCount: 0,
        duplicateIndexes: [],
      }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  const Client = makeGenericClientConstructor(definition, 'DataProcessor');
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as {
    ProcessReadings(request: ProcessReadingsRequest, callback: (error: Error | null) => void): void;
    close(): void;
  };
  const devices = ['raw-1', 'raw-2', 'raw-3', 'raw-4'];
  const result = await runLoad(
    (n) =>
      new Promise<void>((resolve, reject) =>
        client.ProcessReadings({ readings: readingBatch(n, batchSize, devices) }, (e) =>
          e ? reject(e) : resolve(),
        ),
      ),
    concurrency,
    seconds,
  );
  client.close();
  server.forceShutdown();
  return result;
}
