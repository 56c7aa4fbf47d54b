import { ServerInterceptingCall, status as GrpcStatus, type ServerInterceptor } from '@grpc/grpc-js';
import { context } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import { toGrpcError } from '../errors/grpc-status.mapper.js';
import { cancelledCode, deadlineReached } from './cancelled-code.js';
import { UndecodableRequest } from './package-definition.js';
import { requestCountRefusal } from './request-count-refusal.js';
import { onStreamClose } from './request-stream-end.js';
import { serverCallMetrics } from './server-call-metrics.js';
import { serverCallSpans, type ServerCallSpan } from './server-call-span.js';

/**
 * Health checks (Check and Watch) are not traffic: kubelet's probes, a few a second per pod, counted as
 * calls made a canary that served nothing pass its analysis and pulled error ratios and p99 towards a
 * quiet service's probes; traced, each would be a trace of its own. A Watch's duration is its client's
 * patience, not a latency.
 */
const HEALTH_SERVICE = '/grpc.health.v1.Health/';

type HandlerListener = Parameters<ServerInterceptingCall['start']>[0];
type SentStatus = Parameters<ServerInterceptingCall['sendStatus']>[0];

/** A call whose handler's request stream can be ended early, as if the client had half-closed it. */
class EndableRequestsCall extends ServerInterceptingCall {
  private handler?: HandlerListener;

  override start(listener: HandlerListener): void {
    this.handler = listener;
    super.start(listener);
  }

  endRequests(): void {
    this.handler?.onReceiveHalfClose();
  }
}

/**
 * Metrics and a trace span for every call but health checks, in one interceptor: each grpc-js
 * interceptor layer wraps every event of every call, and a second layer cost about 5% of a service
 * hop's CPU. The call ends once, with the status actually sent or with its cancellation. A request
 * message refused when decoded (UndecodableRequest) is answered with INVALID_ARGUMENT and never reaches
 * the handler: at once for a unary call or a server stream; a request stream ends there instead, so that
 * its handler answers the messages it had (acknowledges the batches read before), and the call ends
 * with INVALID_ARGUMENT unless the handler failed first. A single-request call with no request message
 * or two is INVALID_ARGUMENT too (requestCountRefusal).
 */
export function serverObservabilityInterceptor(registry: Registry): ServerInterceptor {
  const startMetrics = serverCallMetrics(registry);
  const startSpan = serverCallSpans();
  return (method, call) => {
    const observed = !method.path.startsWith(HEALTH_SERVICE);
    const endMetrics = observed ? startMetrics(method) : undefined;
    let span: ServerCallSpan | undefined;
    let ended = false;
    // An OK that waits for its stream to close, to learn whether the client reset it first.
    let closing = false;
    let refusal: SentStatus | undefined;
    const end = (code: number, details: string) => {
      if (ended) return;
      ended = true;
      endMetrics?.(code);
      span?.end(code, details);
    };
    const cancelled = () => end(cancelledCode(call), 'cancelled by the client');
    const intercepting: EndableRequestsCall = new EndableRequestsCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, nextMetadata) => {
            if (!observed) return nextMetadata(metadata);
            span = startSpan(method.path, metadata);
            context.with(span.active, nextMetadata, undefined, metadata);
          },
          // Handlers are started from these events (streaming ones on metadata, unary on half-close).
          onReceiveMessage: (message, nextMessage) => {
            if (refusal) return;
            if (message instanceof UndecodableRequest) {
              if (!method.requestStream) return intercepting.sendStatus(undecodable(message));
              refusal = undecodable(message);
              return span
                ? context.with(span.active, () => intercepting.endRequests())
                : intercepting.endRequests();
            }
            return span ? context.with(span.active, nextMessage, undefined, message) : nextMessage(message);
          },
          onReceiveHalfClose: (nextHalfClose) =>
            span ? context.with(span.active, nextHalfClose) : nextHalfClose(),
          onCancel: () => {
            if (!closing) cancelled();
          },
        }),
      sendStatus: (status, next) => {
        const sent =
          refusal && status.code === GrpcStatus.OK ? refusal : (requestCountRefusal(status) ?? status);
        if (sent.code === GrpcStatus.OK && method.requestStream) {
          // A request stream's handler ends as if all was well once the stream's requests end, and they
          // also end when the client resets it (Node's HTTP/2 server ends them so) or half-closes it just
          // before (grpc-js cancels so, at its deadline too). Its OK counts only if the stream then
          // closed cleanly: sent at the deadline (the client gave up), on a stream already reset, or reset
          // before it got out, it is the cancel it answers.
          if (deadlineReached(call)) cancelled();
          else closing = onStreamClose(call, (reset) => (reset ? cancelled() : end(sent.code, sent.details)));
        }
        if (!closing) end(sent.code, sent.details);
        next(sent);
      },
    });
    return intercepting;
  };
}

/** The status for a request message refused before its handler: the caller's fault. */
const undecodable = (request: UndecodableRequest) => toGrpcError(request.error);
