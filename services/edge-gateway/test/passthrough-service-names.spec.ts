import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { errorOf, rest, startGateway } from './gateway-process.js';

describe('the pass-through route', () => {
  let gateway: ServiceProcess;

  beforeAll(async () => {
    // Its downstreams are never called: every request here names no service.
    gateway = await startGateway();
  });
  afterAll(() => gateway?.stop());

  it.each(['nope', 'constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf'])(
    'answers a name that is no service (%s) with a 404',
    async (name) => {
      for (const method of ['GET', 'POST']) {
        const answer = await rest(gateway, method, `/api/v1/${name}/GetDevice`);
        expect([answer.status, errorOf(answer).reason]).toEqual([404, 'ROUTE.UNKNOWN_SERVICE']);
      }
    },
  );
});
