// Loaded with `node --import @iot-mesh/platform/tracing` so that the tracer provider, context manager and
// propagators are in place before the service's first call is traced.
import { startTracing } from './tracing.js';

await startTracing(process.env['OTEL_SERVICE_NAME'] ?? process.env['SERVICE_NAME'] ?? 'iot-mesh-service');
