import { freePort } from '@iot-mesh/platform/testing';
import { waitUntilServing } from './wait-until-serving.js';

describe('waiting for a service to serve', () => {
  it('gives up with what the last health check got', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    expect(await waitUntilServing(address, { mode: 'plaintext' }, 500, 'test.Api')).toEqual({
      serving: false,
      lastError: expect.stringMatching(/^14 UNAVAILABLE: .*ECONNREFUSED/) as string,
    });
  });
});
