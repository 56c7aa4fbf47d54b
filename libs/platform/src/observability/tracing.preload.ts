// Loaded with `node --import @iot-mesh/platform/tracing` so instrumentation is in place before
// the service imports gRPC or HTTP modules (ESM imports are patched through the loader hook).
import { register } from 'node:module';
import { startTracing } from './tracing.js';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
startTracing(process.env['OTEL_SERVICE_NAME'] ?? process.env['SERVICE_NAME'] ?? 'iot-mesh-service');
