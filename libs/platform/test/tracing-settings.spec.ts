import { startFixture } from '../src/testing/fixture-process.js';

// The tracing preload reads these before the service's config is parsed; a bad one must stop the start
// as a bad config setting does (config.spec.ts): one message naming the variable, no stack, exit 78.
describe('a bad tracing setting', () => {
  it.each([
    [
      { OTEL_TRACES_SAMPLER: 'sometimes' },
      'OTEL_TRACES_SAMPLER: unknown sampler "sometimes" (one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio)',
    ],
    [{ OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'OTEL_TRACES_SAMPLER_ARG: must be a ratio from 0 to 1, got "1.5"'],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon' },
      'OTEL_EXPORTER_OTLP_PROTOCOL: unsupported protocol "carrier-pigeon" (grpc, http/json, http/protobuf)',
    ],
    [
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'udp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      },
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: unsupported protocol "udp" (grpc, http/json, http/protobuf)',
    ],
  ])('stops the start with exit code 78 and one message for %j', async (env, problem) => {
    const fixture = await startFixture({ env, noWait: true });
    const { code } = await fixture.exited;
    expect(code).toBe(78);
    expect(fixture.stderr()).toBe(`invalid configuration:\n  - ${problem}\n`);
    expect(fixture.logs).toEqual([]);
  });

  it('names both sampler problems at once', async () => {
    const fixture = await startFixture({
      env: { OTEL_TRACES_SAMPLER: 'sometimes', OTEL_TRACES_SAMPLER_ARG: 'half' },
      noWait: true,
    });
    expect((await fixture.exited).code).toBe(78);
    expect(fixture.stderr()).toMatch(
      /^invalid configuration:\n {2}- OTEL_TRACES_SAMPLER: unknown sampler "sometimes" .*\n {2}- OTEL_TRACES_SAMPLER_ARG: must be a ratio from 0 to 1, got "half"\n$/,
    );
  });
});
