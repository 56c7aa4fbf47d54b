import { ServerInterceptingCall, status as GrpcStatus, type ServerInterceptor } from '@grpc/grpc-js';
import { Counter, Histogram, type Registry } from 'prom-client';
import { grpcCodeName } from './grpc-code-names.js';

type GrpcType = 'unary' | 'client_stream' | 'server_stream' | 'bidi_stream';

function grpcTypeOf(requestStream: boolean, responseStream: boolean): GrpcType {
  if (requestStream) return responseStream ? 'bidi_stream' : 'client_stream';
  return responseStream ? 'server_stream' : 'unary';
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

  return (method, call) => {
    const [, service = '', name = ''] = method.path.split('/');
    const labels = {
      grpc_service: service,
      grpc_method: name,
      grpc_type: grpcTypeOf(method.requestStream, method.responseStream),
    };
    const stopTimer = seconds.startTimer(labels);
    let recorded = false;
    const record = (code: number) => {
      if (recorded) return;
      recorded = true;
      stopTimer();
      handled.inc({ ...labels, grpc_code: grpcCodeName(code) });
    };
    started.inc(labels);
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onCancel: () => {
            const deadline = call.getDeadline();
            const expired =
              deadline instanceof Date
                ? deadline.getTime() <= Date.now()
                : Number.isFinite(deadline) && deadline <= Date.now();
            record(expired ? GrpcStatus.DEADLINE_EXCEEDED : GrpcStatus.CANCELLED);
          },
        }),
      sendStatus: (status, next) => {
        record(status.code);
        next(status);
      },
    });
  };
}
