import { ServiceStartError, startFailure } from '@iot-mesh/platform/testing';
import { startGateway } from './gateway-process.js';

// A bearer token holds no whitespace, so an OPERATOR_TOKEN with some could never sign anyone in.
describe('the gateway with an OPERATOR_TOKEN holding whitespace', () => {
  it.each([
    ['a trailing newline', 'operator-token-0123456789\n'],
    ['inner spaces', 'operator token with spaces 0123'],
  ])(
    'stops with exit 78 naming OPERATOR_TOKEN and the likely cause, for %s, without printing it',
    async (_, token) => {
      const failure = await startFailure(startGateway({ OPERATOR_TOKEN: token }));

      expect(failure).toBeInstanceOf(ServiceStartError);
      const { exitCode, message } = failure as ServiceStartError;
      expect(exitCode).toBe(78);
      expect(message).toContain('OPERATOR_TOKEN: must not contain whitespace (a trailing newline');
      expect(message).not.toContain(token.trim());
    },
  );
});
