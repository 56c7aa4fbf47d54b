import { ServiceStartError, startFailure } from '@iot-mesh/platform/testing';
import { startGateway } from './gateway-process.js';

describe('the gateway with a REDIS_URL that does not parse', () => {
  it('stops with exit 78 naming REDIS_URL, without printing the password or a stack trace', async () => {
    const failure = await startFailure(startGateway({ REDIS_URL: 'redis://:secretpw@127.0.0.1:notaport' }));

    expect(failure).toBeInstanceOf(ServiceStartError);
    const { exitCode, message } = failure as ServiceStartError;
    expect(exitCode).toBe(78);
    expect(message).toContain('REDIS_URL: must be a redis:// URL, and this one cannot be parsed');
    expect(message).not.toContain('secretpw');
    expect(message).not.toMatch(/^\s+at /m);
  });
});
