import { Metadata } from '@grpc/grpc-js';
import { createGrpcClient, type GrpcClient, type TlsSettings } from '@iot-mesh/platform';
import { EdgeGatewayDefinition, type EdgeGatewayClient } from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import {
  DataProcessorDefinition,
  type DataProcessorClient,
} from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';

/**
 * The device-facing API as a device would use it: the platform's client factory, with
 * PublishReading retried on UNAVAILABLE (readings are deduplicated by id, so a retry is safe).
 */
export function deviceClient(address: string, tls: TlsSettings, deadlineMs = 10_000, retries = true) {
  return createGrpcClient<EdgeGatewayClient>(EdgeGatewayDefinition, {
    address,
    tls,
    deadlineMs,
    deadlineByMethodMs: { WatchAlerts: Number.POSITIVE_INFINITY, PublishReadings: Number.POSITIVE_INFINITY },
    // Without retries a test sees the gateway's own answer instead of the client's last attempt.
    idempotentMethods: retries ? ['PublishReading'] : [],
  });
}

export function processorClient(address: string, tls: TlsSettings): GrpcClient<DataProcessorClient> {
  return createGrpcClient<DataProcessorClient>(DataProcessorDefinition, {
    address,
    tls,
    deadlineMs: 10_000,
    idempotentMethods: ['GetAggregates', 'ListAggregates'],
  });
}

export function apiKeyMetadata(apiKey: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${apiKey}`);
  return metadata;
}
