import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { flag, MAX_TIMER_MS, millis, millisOrZero, port } from './env-fields.js';
import { loadConfig } from './load-config.js';
import { platformConfigSchema } from './platform-config.js';

const defaults = { serviceName: 'svc', grpcPort: 50051, adminPort: 9464 };

describe('loadConfig', () => {
  it('applies defaults when variables are unset', () => {
    const config = loadConfig(platformConfigSchema(defaults), {});
    expect(config).toMatchObject({
      serviceName: 'svc',
      grpcPort: 50051,
      adminPort: 9464,
      tls: { mode: 'plaintext' },
    });
  });

  it('coerces strings from the environment', () => {
    const schema = z.object({ PORT: port(1), ENABLED: flag(false) });
    expect(loadConfig(schema, { PORT: '8080', ENABLED: 'yes' })).toEqual({ PORT: 8080, ENABLED: true });
  });

  it('lists every bad variable by name', () => {
    let error: unknown;
    try {
      loadConfig(platformConfigSchema(defaults), { GRPC_PORT: '-1', TLS_MODE: 'tls' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('GRPC_PORT');
    expect(problems).toContain('TLS_CERT_FILE: required when TLS_MODE=tls');
    expect(problems).toContain('TLS_KEY_FILE: required when TLS_MODE=tls');
  });

  it('bounds durations by what Node timers take, which run a longer delay after 1 ms', () => {
    const schema = z.object({ WAIT_MS: millis(5), OFF_MS: millisOrZero(5) });
    const longest = String(MAX_TIMER_MS);
    expect(loadConfig(schema, { WAIT_MS: longest, OFF_MS: '0' })).toEqual({
      WAIT_MS: MAX_TIMER_MS,
      OFF_MS: 0,
    });
    let error: unknown;
    try {
      loadConfig(schema, { WAIT_MS: '3000000000', OFF_MS: String(MAX_TIMER_MS + 1) });
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigError).problems).toEqual([
      `WAIT_MS: must be at most ${longest} (about 24.8 days), the longest delay Node's timers take`,
      `OFF_MS: must be at most ${longest} (about 24.8 days), the longest delay Node's timers take`,
    ]);
  });
});
