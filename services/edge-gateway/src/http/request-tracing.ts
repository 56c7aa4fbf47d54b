import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CLIENT_CLOSED_REQUEST, whenClientLeaves } from './client-left.js';
import { isHealthCheck } from './health-check-route.js';
import { routeLabel } from './route-label.js';

const spanName = (method: string, route: string) => (route ? `${method} ${route}` : method);

/**
 * A server span for every REST request, continuing the caller's trace from its headers (W3C or B3, as
 * the sidecar sends them), with the handler run inside it so the gRPC calls it makes join the trace.
 * Fastify hooks in place of OpenTelemetry's HTTP instrumentation, which re-wrapped every request's and
 * response's emitters and cost about a sixth of the gateway's CPU under REST load (README, Benchmarks).
 * A request whose client left before the answer was complete ends with status 499; health checks are
 * not traced (see health-check-route.ts). Spans are named `<method> <route>` with the route the request
 * metrics label it with.
 */
export function traceRequests(fastify: FastifyInstance): void {
  const tracer = trace.getTracer('@iot-mesh/edge-gateway');
  const traces = new WeakMap<FastifyRequest, Span>();
  const end = (request: FastifyRequest, statusCode: number) => {
    const span = traces.get(request);
    if (!span) return;
    traces.delete(request);
    // Under the route the metrics put it: a 405's is known only now (see routeLabel).
    const route = routeLabel(request, statusCode);
    if (route !== (request.routeOptions.url ?? '') && span.isRecording()) {
      span.updateName(spanName(request.method, route));
      span.setAttribute('http.route', route);
    }
    span.setAttribute('http.response.status_code', statusCode);
    if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };

  fastify.addHook('onRequest', (request, reply, done) => {
    if (isHealthCheck(request)) return done();
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const route = request.routeOptions.url;
    const span = tracer.startSpan(spanName(request.method, route ?? ''), { kind: SpanKind.SERVER }, parent);
    if (span.isRecording()) {
      span.setAttributes({
        'http.request.method': request.method,
        'url.path': request.url.split('?', 1)[0],
        ...(route ? { 'http.route': route } : {}),
      });
    }
    traces.set(request, span);
    whenClientLeaves(reply, () => end(request, CLIENT_CLOSED_REQUEST));
    // The rest of the request (body, guards, handler) runs inside: Node 24's context frames carry it
    // into the body's stream events too (rest-tracing.spec sends a body in a later packet).
    context.with(trace.setSpan(parent, span), done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    end(request, reply.statusCode);
    done();
  });
}
