import { ServerInterceptingCall, type ServerInterceptor } from '@grpc/grpc-js';
import { Counter, Histogram, type Registry } from 'prom-client';
import { cancelledCode } from './cancelled-code.js';
import { grpcCodeName } from './grpc-code-names.js';

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

/**
 * Records the conventional gRPC server metrics (go-grpc-prometheus names and labels) for every
 * call, from the status actually sent, so errors mapped by filters, deadlines and cancellations count.
 */
export function serverMetricsInterceptor(registry: Registry): ServerInterceptor {
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
    const [, service = '', name = ''] = path.split('/');
    const labels = { grpc_service: service, grpc_method: name, grpc_type: type };
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

  return (method, call) => {
    const metrics =
      perMethod.get(method.path) ??
      metricsOf(method.path, grpcTypeOf(method.requestStream, method.responseStream));
    const stopTimer = metrics.seconds.startTimer();
    let recorded = false;
    const record = (code: number) => {
      if (recorded) return;
      recorded = true;
      stopTimer();
      metrics.handled(code).inc();
    };
    metrics.started.inc();
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onCancel: () => record(cancelledCode(call)),
        }),
      sendStatus: (status, next) => {
        record(status.code);
        next(status);
      },
    });
  };
}
