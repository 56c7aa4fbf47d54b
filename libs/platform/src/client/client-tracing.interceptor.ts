import { InterceptingCall, type Interceptor, type StatusObject } from '@grpc/grpc-js';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { endRpcSpan, metadataSetter, startRpcSpan } from '../observability/grpc-span.js';
import { linkBack, linkTo, otherCallersOf } from '../observability/merged-call-trace.js';

/** Told the final status of each call (after retries), with the call's method path. */
export type CallEndListener = (path: string, status: StatusObject) => void;

/**
 * A client span for every outgoing call, child of whatever span is active (the server call being
 * handled), with the trace passed on in the call's metadata so the next service and its sidecar join it.
 * A call made for several callers (CallCoalescer) is linked both ways with the other callers' spans.
 * `onCallEnd` hears each call's status here rather than in an interceptor of its own: each layer wraps
 * every event of every call.
 */
export function clientTracingInterceptor(onCallEnd?: CallEndListener): Interceptor {
  const tracer = trace.getTracer('@iot-mesh/platform');
  return (options, nextCall) => {
    const parent = context.active();
    const others = otherCallersOf(parent);
    const span = startRpcSpan(
      tracer,
      options.method_definition.path,
      SpanKind.CLIENT,
      parent,
      others?.map(linkTo),
    );
    if (others) linkBack(others, span);
    const spanContext = trace.setSpan(parent, span);
    return new InterceptingCall(nextCall(options), {
      start: (metadata, _listener, next) => {
        propagation.inject(spanContext, metadata, metadataSetter);
        next(metadata, {
          onReceiveStatus: (status, nextStatus) => {
            endRpcSpan(span, SpanKind.CLIENT, status.code, status.details);
            onCallEnd?.(options.method_definition.path, status);
            nextStatus(status);
          },
        });
      },
    });
  };
}
