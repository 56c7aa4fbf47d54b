import { makeGenericClientConstructor, Metadata, type Client, type ClientOptions } from '@grpc/grpc-js';
import type { Observable } from 'rxjs';
import type { TlsSettings } from '../grpc/tls-settings.js';
import { channelCredentials } from '../grpc/tls-settings.js';
import { toServiceDefinition, type GenericServiceDefinition } from '../grpc/package-definition.js';
import { clientTracingInterceptor, type CallEndListener } from './client-tracing.interceptor.js';
import { deadlineInterceptor } from './deadline.interceptor.js';
import { pipeRequests, streamingResponse, unaryCall } from './observable-call.js';
import { DEFAULT_RETRY_POLICY, retryServiceConfig, type RetryPolicy } from './retry-service-config.js';

export interface GrpcClientOptions {
  /** host:port of the server (in the mesh: the Kubernetes service name). */
  address: string;
  tls: TlsSettings;
  /** Deadline of every call unless set per method. */
  deadlineMs: number;
  deadlineByMethodMs?: Readonly<Record<string, number>>;
  /** Proto method names ("GetDevice") that are safe to retry on UNAVAILABLE. */
  idempotentMethods?: readonly string[];
  retryPolicy?: RetryPolicy;
  keepaliveTimeMs?: number;
  /** TLS server name to expect when it differs from the address host. */
  serverNameOverride?: string;
  /** Told each call's final status, after retries (the gateway logs its downstreams' outages so). */
  onCallEnd?: CallEndListener;
}

export interface GrpcClient<TClient> {
  readonly service: TClient;
  close(): void;
}

type RawMethod = (...args: unknown[]) => unknown;

/**
 * A server-streaming method of a platform client as it really is: besides the generated signature it
 * takes its consumer's demand, and reads the server's messages only while that says true (see
 * streamingResponse). The generated client interfaces do not name it; a consumer that passes its
 * demand on types the method so.
 */
export type DemandPacedStream<Request, Response> = (
  request: Request,
  metadata?: Metadata,
  demand?: Observable<boolean>,
) => Observable<Response>;

/**
 * A typed client for one service (typed by the generated `XClient` interface): ts-proto codecs,
 * a deadline and a trace span on every call, retries of UNAVAILABLE for idempotent methods via service config,
 * keepalive, and plaintext, TLS or mTLS from the same settings the servers use.
 */
export function createGrpcClient<TClient>(
  definition: GenericServiceDefinition,
  options: GrpcClientOptions,
): GrpcClient<TClient> {
  const policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const clientOptions: ClientOptions = {
    'grpc.service_config': retryServiceConfig(definition.fullName, options.idempotentMethods ?? [], policy),
    'grpc.enable_retries': 1,
    'grpc.keepalive_time_ms': options.keepaliveTimeMs ?? 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    // Channelz bookkeeping on every call, for a debug service this platform does not serve.
    'grpc.enable_channelz': 0,
    interceptors: [
      clientTracingInterceptor(options.onCallEnd),
      deadlineInterceptor(options.deadlineMs, options.deadlineByMethodMs),
    ],
    ...(options.serverNameOverride ? { 'grpc.ssl_target_name_override': options.serverNameOverride } : {}),
  };
  const Constructor = makeGenericClientConstructor(toServiceDefinition(definition), definition.name);
  const raw = new Constructor(options.address, channelCredentials(options.tls), clientOptions) as Client &
    Record<string, RawMethod>;

  const service: Record<string, DemandPacedStream<unknown, unknown>> = {};
  for (const [key, method] of Object.entries(definition.methods)) {
    const call = raw[method.name].bind(raw);
    const md = (metadata?: Metadata) => metadata ?? new Metadata();
    if (!method.requestStream && !method.responseStream) {
      service[key] = (request, metadata) =>
        unaryCall((callback) => call(request, md(metadata), callback) as never);
    } else if (!method.requestStream) {
      service[key] = (request, metadata, demand) =>
        streamingResponse(call(request, md(metadata)) as never, demand);
    } else if (!method.responseStream) {
      service[key] = (requests, metadata) =>
        unaryCall((callback) => {
          const stream = call(md(metadata), callback) as never;
          pipeRequests(requests as Observable<unknown>, stream);
          return stream;
        });
    } else {
      service[key] = (requests, metadata) => {
        const stream = call(md(metadata)) as never;
        pipeRequests(requests as Observable<unknown>, stream);
        return streamingResponse(stream);
      };
    }
  }
  return { service: service as TClient, close: () => raw.close() };
}
