import { fileURLToPath } from 'node:url';
import { createGrpcClient, type GrpcClient, type GrpcClientOptions } from '@iot-mesh/platform';
import { spawnService, type ServiceProcess } from '@iot-mesh/platform/testing';
import { EdgeGatewayDefinition, type EdgeGatewayClient } from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import type { HttpErrorBody } from '../src/http/http-error.js';

const ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export const OPERATOR_TOKEN = 'gateway-test-operator-token';

/** A rule as an operator creates it over REST (POST /api/v1/rules). */
export const NEW_RULE = {
  name: 'hot boiler',
  scope: { allDevices: true },
  sensorType: 'SENSOR_TYPE_TEMPERATURE',
  operator: 'OPERATOR_GREATER_THAN',
  threshold: 30,
  severity: 'SEVERITY_WARNING',
};

/** A device key in the registry's format (the gateway refuses any other shape without asking it). */
export const DEVICE_KEY = `imk_0123456789abcdef_${'k'.repeat(43)}`;

/** Three requests per client address, refilled too slowly to matter during a test. */
export const THREE_REQUESTS_PER_ADDRESS = { RATE_LIMIT_IP_BURST: '3', RATE_LIMIT_IP_PER_SECOND: '0.01' };

/** A gateway process (the built one) on its own loopback ports; `env` adds to the operator token. */
export function startGateway(env: Record<string, string> = {}): Promise<ServiceProcess> {
  return spawnService({
    entry: ENTRY,
    env: { OPERATOR_TOKEN, HTTP_HOST: '127.0.0.1', ...env },
    pickPorts: ['GRPC_PORT', 'ADMIN_PORT', 'HTTP_PORT'],
  });
}

/** A plaintext client of the gateway's public gRPC API, as a device's; `options` add to a 10 s deadline. */
export function edgeClient(
  gateway: ServiceProcess,
  options: Partial<GrpcClientOptions> = {},
): GrpcClient<EdgeGatewayClient> {
  return createGrpcClient<EdgeGatewayClient>(EdgeGatewayDefinition, {
    address: gateway.grpcAddress,
    tls: { mode: 'plaintext' },
    deadlineMs: 10_000,
    ...options,
  });
}

export interface RestAnswer {
  status: number;
  headers: Headers;
  /** The body as JSON, or as text when it is not JSON. */
  body: unknown;
}

/** The error JSON of a REST refusal. */
export type ErrorBody = HttpErrorBody;

/** A REST request to the gateway, as the operator unless `headers` carry other credentials. */
export async function rest(
  gateway: ServiceProcess,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<RestAnswer> {
  const response = await fetch(`http://127.0.0.1:${gateway.ports['HTTP_PORT']}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${OPERATOR_TOKEN}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, headers: response.headers, body };
}

export const errorOf = (answer: RestAnswer) => (answer.body as ErrorBody).error;

/** One temperature reading published over REST with a device key. */
export const publishReading = (gateway: ServiceProcess, apiKey: string) =>
  rest(gateway, 'POST', '/api/v1/readings', {
    headers: { authorization: `Bearer ${apiKey}` },
    body: {
      readingId: `r-${Date.now()}-${Math.random()}`,
      sensorType: 'SENSOR_TYPE_TEMPERATURE',
      value: 20,
      unit: 'celsius',
      timestamp: new Date().toISOString(),
    },
  });
