import { status as GrpcStatus } from '@grpc/grpc-js';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { knownGrpcStatus } from '../errors/grpc-exception.filter.js';
import { endRpcSpan, methodSpanOf } from './grpc-span.js';

/** Runs the handling of one message of a request stream: `handle` is an async function. */
export type MessageTrace = <T>(handle: () => Promise<T>) => Promise<T>;

/** For a stream that is not traced: the message's handling as it is. */
export const untracedMessages: MessageTrace = (handle) => handle();

/**
 * A trace of its own for each message of a long-lived request stream (a device's PublishReadings, an
 * IngestStream), linked to the stream's span. As one trace, a stream open for hours grew by every
 * batch's spans, all children of a span exported only when the stream ends: Jaeger showed them under a
 * missing parent. Call it where the stream's handler starts, with the call's method path: the stream's
 * span is the active one there. Each message's handling then runs in a root span
 * `grpc.<package.Service>/<Method> message`, which ends when the handling settles, with its status as a
 * server span records it. A stream that is not sampled (the sidecar's decision) starts no message
 * traces: the messages stay in its unsampled trace, which gives their log lines a trace id.
 */
export function streamMessageTraces(path: string): MessageTrace {
  const stream = trace.getActiveSpan();
  if (!stream?.isRecording()) return untracedMessages;
  const tracer = trace.getTracer('@iot-mesh/platform');
  const { name, attributes } = methodSpanOf(path);
  const links = [{ context: stream.spanContext() }];
  return (handle) => {
    const span = tracer.startSpan(`${name} message`, { kind: SpanKind.SERVER, root: true, links });
    if (span.isRecording()) span.setAttributes(attributes);
    const handled = context.with(trace.setSpan(context.active(), span), handle);
    handled.then(
      () => endRpcSpan(span, SpanKind.SERVER, GrpcStatus.OK, ''),
      (error: unknown) => {
        const { code, details } = knownGrpcStatus(error) ?? {
          code: GrpcStatus.INTERNAL,
          details: 'internal error',
        };
        endRpcSpan(span, SpanKind.SERVER, code, details);
      },
    );
    return handled;
  };
}
