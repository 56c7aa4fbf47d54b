import type { ServerMethodDefinition, status as GrpcStatus } from '@grpc/grpc-js';
import { Counter, Histogram, type Registry } from 'prom-client';
import { grpcCodeName } from './grpc-code-names.js';
import { methodPathParts } from './method-path.js';

type GrpcType = 'unary' | 'client_stream' | 'server_stream' | 'bidi_stream';

function grpcTypeOf(requestStream: boolean, responseStream: boolean): GrpcType {
  if (requestStream) return responseStream ? 'bidi_stream' : 'client_stream';
  return responseStream ? 'server_stream' : 'unary';
}

interface MethodMetrics {
  started: Counter.Internal;
  seconds: Histogram.Internal<string>;
  handled: (code: number) => Counter.Internal;
}

/** Records, once, the status a call ended with and how long it took. */
export type RecordCallEnd = (code: GrpcStatus) => void;

/**
 * The conventional gRPC server metrics (go-grpc-prometheus names and labels), registered in `registry`.
 * The server's interceptor starts each call with the function returned here and ends it with the status
 * actually sent, so errors mapped by filters, deadlines and cancellations count.
 */
export function serverCallMetrics(
  registry: Registry,
): (method: ServerMethodDefinition<unknown, unknown>) => RecordCallEnd {
  const labelNames = ['grpc_service', 'grpc_method', 'grpc_type'] as const;
  const started = new Counter({
    name: 'grpc_server_started_total',
    help: 'Total number of RPCs started on the server.',
    labelNames,
    registers: [registry],
  });
  const handled = new Counter({
    name: 'grpc_server_handled_total',
    help: 'Total number of RPCs completed on the server, regardless of success or failure.',
    labelNames: [...labelNames, 'grpc_code'],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'grpc_server_handling_seconds',
    help: 'Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.',
    labelNames,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  // Per method, the metric children are looked up once: label hashing on every call is measurable.
  const perMethod = new Map<string, MethodMetrics>();
  const metricsOf = (path: string, type: GrpcType): MethodMetrics => {
    const { service, method } = methodPathParts(path);
    const labels = { grpc_service: service, grpc_method: method, grpc_type: type };
    const handledByCode = new Map<number, Counter.Internal>();
    const created: MethodMetrics = {
      started: started.labels(labels),
      seconds: seconds.labels(labels),
      handled: (code) => {
        let child = handledByCode.get(code);
        if (!child)
          handledByCode.set(code, (child = handled.labels({ ...labels, grpc_code: grpcCodeName(code) })));
        return child;
      },
    };
    perMethod.set(path, created);
    return created;
  };

  return (method) => {
    const metrics =
      perMethod.get(method.path) ??
      metricsOf(method.path, grpcTypeOf(method.requestStream, method.responseStream));
    const stopTimer = metrics.seconds.startTimer();
    metrics.started.inc();
    return (code) => {
      stopTimer();
      metrics.handled(code).inc();
    };
  };
}
