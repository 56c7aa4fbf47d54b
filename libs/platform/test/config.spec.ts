import { startFixture } from '../src/testing/fixture-process.js';

describe('configuration validated at startup', () => {
  it.each([
    [{ GRPC_PORT: 'abc' }, 'GRPC_PORT'],
    [{ ADMIN_PORT: '70000' }, 'ADMIN_PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ TLS_MODE: 'mtls' }, 'TLS_CA_FILE: required when TLS_MODE=mtls'],
    [
      { TLS_MODE: 'tls', TLS_CERT_FILE: '/nonexistent.crt', TLS_KEY_FILE: '/nonexistent.key' },
      'TLS_CERT_FILE: file does not exist',
    ],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{ PARENT_LIFELINE_FD: '900' }, 'PARENT_LIFELINE_FD: must be a pipe this process inherited open'],
    [{ PARENT_LIFELINE_FD: '1' }, 'PARENT_LIFELINE_FD'],
  ])('stops with exit code 78 and names the variable for %j', async (env, expected) => {
    const fixture = await startFixture({ env, noWait: true });
    const { code } = await fixture.exited;
    expect(code).toBe(78);
    expect(fixture.stderr()).toContain('invalid configuration');
    expect(fixture.stderr()).toContain(expected);
    expect(fixture.logs.some((l) => l.msg === 'serving')).toBe(false);
  });
});
