// Loaded with `node --import @iot-mesh/platform/tracing` so instrumentation is in place before the
// service imports HTTP modules (gRPC is traced by the platform's own interceptors). ESM imports are patched by import-in-the-middle's synchronous,
// in-thread hooks, limited to the instrumented modules: the off-thread loader (module.register) and
// wrapping every module cost about 80 MiB of RSS per service.
import { register } from 'import-in-the-middle/register-hooks.mjs';

register({ include: ['http', 'https', 'node:http', 'node:https'] });
const { startTracing } = await import('./tracing.js');
await startTracing(process.env['OTEL_SERVICE_NAME'] ?? process.env['SERVICE_NAME'] ?? 'iot-mesh-service');
