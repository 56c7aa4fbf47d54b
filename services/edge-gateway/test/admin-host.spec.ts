import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { startGateway } from './gateway-process.js';

// Any 127.x address is loopback on Linux, so a second one shows which address the admin server bound.
const ADMIN_HOST = '127.0.0.2';

const answers = (url: string) =>
  fetch(url).then(
    (response) => response.status,
    () => 'refused',
  );

describe('the gateway with ADMIN_HOST set', () => {
  let gateway: ServiceProcess;

  beforeAll(async () => {
    gateway = await startGateway({ ADMIN_HOST });
  });
  afterAll(() => gateway?.stop());

  it('serves /metrics on that address only, as every other service does', async () => {
    const port = gateway.ports['ADMIN_PORT'];
    expect(await answers(`http://${ADMIN_HOST}:${port}/healthz`)).toBe(200);
    expect(await answers(`http://127.0.0.1:${port}/healthz`)).toBe('refused');
  });
});
