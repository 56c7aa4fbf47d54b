// Loaded with `node --import @iot-mesh/platform/tracing` so that the tracer provider, context manager and
// propagators are in place before the service's first call is traced.
//
// The spans' service name: OTEL_SERVICE_NAME, else SERVICE_NAME, else (neither set, as when a service is
// started by hand) the service whose entry script this process runs, whose config defaults SERVICE_NAME
// to that same name; the config itself is parsed later, after this preload. A bad tracing setting stops
// the start as any bad setting does: one message, exit code 78.
import { ConfigError } from '../config/config-error.js';
import { exitForConfigError } from '../config/load-config.js';
import { serviceOfEntry, startTracing } from './tracing.js';

try {
  await startTracing(
    process.env['OTEL_SERVICE_NAME'] ??
      process.env['SERVICE_NAME'] ??
      serviceOfEntry(process.argv[1]) ??
      'iot-mesh-service',
  );
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  exitForConfigError(error);
}
