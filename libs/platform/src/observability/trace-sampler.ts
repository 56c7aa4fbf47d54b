import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import { ConfigError } from '../config/config-error.js';

const SAMPLERS: Record<string, (ratio: number) => Sampler> = {
  always_on: () => new AlwaysOnSampler(),
  always_off: () => new AlwaysOffSampler(),
  traceidratio: (ratio) => new TraceIdRatioBasedSampler(ratio),
  parentbased_always_on: () => new ParentBasedSampler({ root: new AlwaysOnSampler() }),
  parentbased_always_off: () => new ParentBasedSampler({ root: new AlwaysOffSampler() }),
  parentbased_traceidratio: (ratio) => new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
};

/**
 * The sampler named by the standard OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG variables. Unset, it
 * always follows the caller's (in the mesh: the sidecar's) decision, so the sampled flag passed on to the
 * next sidecar stays the one Envoy chose; traces that start here are sampled only when spans are
 * exported. An unsampled span still carries its trace id to the logs and to the next service.
 */
export function samplerFromEnv(env: NodeJS.ProcessEnv, exportingSpans: boolean): Sampler {
  const name =
    env['OTEL_TRACES_SAMPLER']?.trim() ||
    (exportingSpans ? 'parentbased_always_on' : 'parentbased_always_off');
  // Own names only: `toString` is no sampler.
  const make = Object.hasOwn(SAMPLERS, name) ? SAMPLERS[name] : undefined;
  const ratio = Number(env['OTEL_TRACES_SAMPLER_ARG'] ?? 1);
  // A ConfigError, both problems at once: the preload stops the service as a bad setting does (exit 78).
  const problems = [
    ...(make
      ? []
      : [`OTEL_TRACES_SAMPLER: unknown sampler "${name}" (one of ${Object.keys(SAMPLERS).join(', ')})`]),
    ...(ratio >= 0 && ratio <= 1
      ? []
      : [`OTEL_TRACES_SAMPLER_ARG: must be a ratio from 0 to 1, got "${env['OTEL_TRACES_SAMPLER_ARG']}"`]),
  ];
  if (!make || problems.length > 0) throw new ConfigError(problems);
  return make(ratio);
}
