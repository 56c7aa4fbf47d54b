import { ServerInterceptingCall, type ServerInterceptor } from '@grpc/grpc-js';
import { context } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import { toGrpcError } from '../errors/grpc-status.mapper.js';
import { cancelledCode } from './cancelled-code.js';
import { UndecodableRequest } from './package-definition.js';
import { serverCallMetrics } from './server-call-metrics.js';
import { serverCallSpans, type ServerCallSpan } from './server-call-span.js';

/**
 * Health checks (Check and Watch) are not traffic: kubelet's probes, a few a second per pod, counted as
 * calls made a canary that served nothing pass its analysis and pulled error ratios and p99 towards a
 * quiet service's probes; traced, each would be a trace of its own. A Watch's duration is its client's
 * patience, not a latency.
 */
const HEALTH_SERVICE = '/grpc.health.v1.Health/';

/**
 * Metrics and a trace span for every call but health checks, in one interceptor: each grpc-js
 * interceptor layer wraps every event of every call, and a second layer cost about 5% of a service
 * hop's CPU. The call ends once, with the status actually sent or with its cancellation. A request
 * message refused when decoded (UndecodableRequest) is answered here with INVALID_ARGUMENT and never
 * reaches the handler.
 */
export function serverObservabilityInterceptor(registry: Registry): ServerInterceptor {
  const startMetrics = serverCallMetrics(registry);
  const startSpan = serverCallSpans();
  return (method, call) => {
    const observed = !method.path.startsWith(HEALTH_SERVICE);
    const endMetrics = observed ? startMetrics(method) : undefined;
    let span: ServerCallSpan | undefined;
    let ended = false;
    const end = (code: number, details: string) => {
      if (ended) return;
      ended = true;
      endMetrics?.(code);
      span?.end(code, details);
    };
    const intercepting: ServerInterceptingCall = new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, nextMetadata) => {
            if (!observed) return nextMetadata(metadata);
            span = startSpan(method.path, metadata);
            context.with(span.active, nextMetadata, undefined, metadata);
          },
          // Handlers are started from these events (streaming ones on metadata, unary on half-close).
          onReceiveMessage: (message, nextMessage) => {
            if (message instanceof UndecodableRequest) return intercepting.sendStatus(undecodable(message));
            return span ? context.with(span.active, nextMessage, undefined, message) : nextMessage(message);
          },
          onReceiveHalfClose: (nextHalfClose) =>
            span ? context.with(span.active, nextHalfClose) : nextHalfClose(),
          onCancel: () => end(cancelledCode(call), 'cancelled by the client'),
        }),
      // A handler may still write after the call ended (a stream refused mid-way for an undecodable
      // message): grpc-js would write into the ended HTTP/2 stream and its trailers would never leave,
      // so the client waited out its deadline. As for a cancelled call, such a message goes nowhere.
      sendMessage: (message, next) => {
        if (!ended) next(message);
      },
      sendStatus: (status, next) => {
        end(status.code, status.details);
        next(status);
      },
    });
    return intercepting;
  };
}

/** The status for a request message refused before its handler: the caller's fault. */
const undecodable = (request: UndecodableRequest) => toGrpcError(request.error);
