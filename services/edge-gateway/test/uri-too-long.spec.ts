import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { errorOf, rest, startGateway } from './gateway-process.js';

describe('a URL with a path segment past the router limit', () => {
  let gateway: ServiceProcess;

  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterAll(() => gateway?.stop());

  it('is a 414 of a stable reason that does not echo the URL', async () => {
    for (const length of [2_000, 12_000]) {
      const answer = await rest(gateway, 'GET', `/api/v1/devices/${'a'.repeat(length)}`);
      expect(answer.status).toBe(414);
      expect(errorOf(answer)).toMatchObject({
        code: 414,
        status: 'RESOURCE_EXHAUSTED',
        reason: 'HTTP.URI_TOO_LONG',
      });
      expect(JSON.stringify(answer.body).length).toBeLessThan(600);
    }
  });
});
