import { fileURLToPath } from 'node:url';
import { Metadata } from '@grpc/grpc-js';
import { createGrpcClient } from '@iot-mesh/platform';
import { spawnService, type ServiceProcess } from '@iot-mesh/platform/testing';
import { EdgeGatewayDefinition, type EdgeGatewayClient } from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import { addressVariable } from '../src/catalog.js';
import type { Stack } from '../src/stack.js';
import { OPERATOR_TOKEN } from './test-stack.js';

const GATEWAY_ENTRY = fileURLToPath(new URL('../../../services/edge-gateway/dist/main.js', import.meta.url));

export interface RestResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** REST calls to the stack's gateway: as the operator, as a device (API key) or anonymously. */
export function restClient(stack: Stack) {
  const gateway = stack.services.find((s) => s.name === 'edge-gateway')!;
  const base = `http://127.0.0.1:${gateway.httpPort}`;
  return async (
    method: string,
    path: string,
    options: {
      as?: 'operator' | 'nobody' | { apiKey: string };
      body?: unknown;
      rawBody?: string;
      contentType?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<RestResponse> => {
    const as = options.as ?? 'operator';
    const headers: Record<string, string> = { ...options.headers };
    if (as === 'operator') headers['authorization'] = `Bearer ${OPERATOR_TOKEN}`;
    else if (as !== 'nobody') headers['x-api-key'] = as.apiKey;
    const payload =
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const response = await fetch(base + path, { method, headers, body: payload });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
  };
}

/** The device-facing gRPC API of the stack's gateway, or of another gateway at `address`. */
export function edgeClient(stack: Stack, address = stack.address('edge-gateway')) {
  return createGrpcClient<EdgeGatewayClient>(EdgeGatewayDefinition, {
    address,
    tls: stack.tls,
    deadlineMs: 10_000,
    deadlineByMethodMs: { WatchAlerts: Number.POSITIVE_INFINITY, PublishReadings: Number.POSITIVE_INFINITY },
  });
}

export function deviceMetadata(apiKey: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${apiKey}`);
  return metadata;
}

/** Reads Server-Sent Events from a URL until `stop()`; events arrive in `events`. */
export async function openEventStream(url: string, token: string) {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  const events: { id: string; event: string; data: string }[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const field = (name: string) =>
            block
              .split('\n')
              .find((l) => l.startsWith(`${name}: `))
              ?.slice(name.length + 2) ?? '';
          if (field('data')) events.push({ id: field('id'), event: field('event'), data: field('data') });
        }
      }
    } catch {
      // aborted by stop()
    }
  })();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    stop: async () => {
      controller.abort();
      await reading;
    },
  };
}

/**
 * One more gateway process, on its own ports, calling the stack's services: one that a test may stop
 * (and read the exit code of) while the stack's own gateway goes on serving the other tests.
 */
export function spawnGateway(stack: Stack, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const callees = stack.services.filter((service) => service.name !== 'edge-gateway');
  return spawnService({
    entry: GATEWAY_ENTRY,
    env: {
      ...Object.fromEntries(
        callees.map((service) => [addressVariable(service.name), stack.address(service.name)]),
      ),
      TLS_MODE: stack.tls.mode,
      HTTP_HOST: '127.0.0.1',
      OPERATOR_TOKEN,
      ...env,
    },
    pickPorts: ['GRPC_PORT', 'ADMIN_PORT', 'HTTP_PORT'],
  });
}
