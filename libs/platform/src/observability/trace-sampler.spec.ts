import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { samplerFromEnv } from './trace-sampler.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const decide = (env: NodeJS.ProcessEnv, exporting: boolean, parentSampled?: boolean) => {
  const parent =
    parentSampled === undefined
      ? ROOT_CONTEXT
      : trace.setSpanContext(ROOT_CONTEXT, {
          traceId: TRACE_ID,
          spanId: 'b7ad6b7169203331',
          traceFlags: parentSampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
          isRemote: true,
        });
  return samplerFromEnv(env, exporting).shouldSample(parent, TRACE_ID, 'call', SpanKind.SERVER, {}, [])
    .decision;
};

describe('trace sampler from the environment', () => {
  it("follows the sidecar's decision by default, starting new sampled traces only when exporting", () => {
    expect(decide({}, true)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide({}, false)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide({}, false, true)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide({}, true, false)).toBe(SamplingDecision.NOT_RECORD);
  });

  it('takes the standard OTEL_TRACES_SAMPLER names and ratio', () => {
    expect(decide({ OTEL_TRACES_SAMPLER: 'always_off' }, true)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1' }, false)).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
    expect(
      decide({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' }, true),
    ).toBe(SamplingDecision.NOT_RECORD);
  });

  it('refuses an unknown sampler or a ratio outside 0..1, naming the variable', () => {
    expect(() => samplerFromEnv({ OTEL_TRACES_SAMPLER: 'sometimes' }, true)).toThrow(
      /OTEL_TRACES_SAMPLER: unknown/,
    );
    expect(() => samplerFromEnv({ OTEL_TRACES_SAMPLER_ARG: '1.5' }, true)).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
  });
});
