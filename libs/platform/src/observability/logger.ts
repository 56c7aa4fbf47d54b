import { trace } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';

/**
 * JSON logs on stdout. Every line made inside a traced call carries trace_id and span_id, so a log
 * line leads to its trace in Jaeger. Secrets in well-known fields are redacted.
 */
export function createLogger(serviceName: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service: serviceName },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: ['apiKey', 'api_key', 'authorization', '*.apiKey', '*.authorization'],
      censor: '[redacted]',
    },
    mixin() {
      const context = trace.getActiveSpan()?.spanContext();
      return context ? { trace_id: context.traceId, span_id: context.spanId } : {};
    },
  });
}
