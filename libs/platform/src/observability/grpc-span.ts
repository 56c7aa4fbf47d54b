import { status as GrpcStatus, type Metadata } from '@grpc/grpc-js';
import {
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type Tracer,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { methodPathParts } from '../grpc/method-path.js';

/** Reads propagation headers (traceparent, b3, baggage) from gRPC metadata; an absent key is undefined. */
export const metadataGetter: TextMapGetter<Metadata> = {
  get: (metadata, key) => {
    const values = metadata.get(key);
    return values.length === 0 ? undefined : values.map(String);
  },
  keys: (metadata) => Object.keys(metadata.getMap()),
};

/** Writes propagation headers into outgoing gRPC metadata. */
export const metadataSetter: TextMapSetter<Metadata> = {
  set: (metadata, key, value) => metadata.set(key, value),
};

export interface MethodSpan {
  /** The name OpenTelemetry's gRPC instrumentation uses: `grpc.<package.Service>/<Method>`. */
  name: string;
  /** The RPC semantic-convention attributes. */
  attributes: Attributes;
}

const methodSpans = new Map<string, MethodSpan>();

/** The span name and attributes of the method path `/package.Service/Method`, worked out once per method. */
export function methodSpanOf(path: string): MethodSpan {
  let methodSpan = methodSpans.get(path);
  if (!methodSpan) {
    const { service, method } = methodPathParts(path);
    const attributes = { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method };
    methodSpans.set(path, (methodSpan = { name: `grpc.${path.slice(1)}`, attributes }));
  }
  return methodSpan;
}

/** Starts a span for the method path `/package.Service/Method`. */
export function startRpcSpan(
  tracer: Tracer,
  path: string,
  kind: SpanKind,
  parent?: Context,
  links?: Link[],
): Span {
  const methodSpan = methodSpanOf(path);
  const span = tracer.startSpan(methodSpan.name, { kind, links }, parent);
  // Attributes only on spans that are kept: the SDK copies and checks them even for unsampled ones.
  if (span.isRecording()) span.setAttributes(methodSpan.attributes);
  return span;
}

// The codes a server reports as its own fault (semantic conventions for gRPC server spans); a client
// counts every code but OK as an error.
const SERVER_ERRORS: ReadonlySet<number> = new Set([
  GrpcStatus.UNKNOWN,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.UNIMPLEMENTED,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DATA_LOSS,
]);

/** Records the call's final gRPC status on the span and ends it. */
export function endRpcSpan(span: Span, kind: SpanKind, code: GrpcStatus, details: string): void {
  span.setAttribute('rpc.grpc.status_code', code);
  const failed = kind === SpanKind.SERVER ? SERVER_ERRORS.has(code) : code !== GrpcStatus.OK;
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: details });
  span.end();
}
