import { trace } from '@opentelemetry/api';
import { once } from 'node:events';
import { pino, type Logger } from 'pino';

type LogDestination = ReturnType<typeof pino.destination>;

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

/**
 * Waits, at most `timeoutMs`, until the lines logged so far have been written out or writing them
 * failed. Call it before process.exit. On exit pino writes what is still buffered synchronously, and
 * its stream retries a failed synchronous write forever: a service whose stdout reader had gone
 * (EPIPE) hung in exit and never stopped. Written asynchronously first, the lines either leave or
 * fail with EPIPE, after which pino stops writing and the exit has nothing left to retry.
 */
export async function logsSettled(logger: Logger, timeoutMs = 1_000): Promise<void> {
  // The stream pino writes to (its asynchronous stdout stream, for every logger createLogger makes).
  const destination = (logger as unknown as Record<symbol, LogDestination | undefined>)[
    pino.symbols.streamSym
  ];
  if (!destination) return;
  // 'drain' once all is written; events.once rejects on 'error' (a failed write) and on the timeout.
  const settled = once(destination, 'drain', { signal: AbortSignal.timeout(timeoutMs) }).catch(
    () => undefined,
  );
  try {
    // An empty write starts a write when none is under way, so that 'drain' comes either way.
    destination.write('');
  } catch {
    return; // the stream is closed: nothing is left to write
  }
  await settled;
}
