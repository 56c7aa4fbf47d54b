import { toGrpcError, UnauthenticatedError } from '@iot-mesh/platform';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { DEVICE_KEY, errorOf, rest, startGateway } from './gateway-process.js';

// An operator-only route called with a valid device key: the caller is known and may not do this (403);
// with a key that is not valid, or a wrong token, nobody is known (401).

const UNKNOWN_KEY = `imk_0000000000000000_${'u'.repeat(43)}`;

describe('operator-only routes', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    stubs = await startDownstreamStubs();
    stubs.answer('VerifyDeviceKey', (request: { apiKey: string }) =>
      request.apiKey === DEVICE_KEY
        ? { deviceId: 'dev-1', keyId: 'key-1', deviceStatus: 2 }
        : toGrpcError(new UnauthenticatedError('DEVICE_KEY.INVALID', 'invalid API key')),
    );
    gateway = await startGateway(stubs.env);
  });
  afterAll(async () => {
    await gateway?.stop();
    await stubs?.stop();
  });

  const answer = async (path: string, headers: Record<string, string>, method = 'GET') => {
    const response = await rest(gateway, method, path, {
      headers,
      ...(method === 'POST' ? { body: {} } : {}),
    });
    return [response.status, errorOf(response).reason];
  };

  it.each([
    ['/api/v1/devices', 'GET'],
    ['/api/v1/alerts', 'GET'],
    ['/api/v1/device-registry/ListDevices', 'POST'],
  ])('%s answers a valid device key 403, and an invalid one 401', async (path, method) => {
    const forbidden = [403, 'AUTH.OPERATOR_ONLY'];
    expect(await answer(path, { authorization: '', 'x-api-key': DEVICE_KEY }, method)).toEqual(forbidden);
    expect(await answer(path, { authorization: `Bearer ${DEVICE_KEY}` }, method)).toEqual(forbidden);
    expect(await answer(path, { authorization: '', 'x-api-key': UNKNOWN_KEY }, method)).toEqual([
      401,
      'AUTH.MISSING_TOKEN',
    ]);
    expect(await answer(path, { authorization: `Bearer ${UNKNOWN_KEY}` }, method)).toEqual([
      401,
      'AUTH.INVALID_TOKEN',
    ]);
    expect(await answer(path, { authorization: 'Bearer not-the-operator-token' }, method)).toEqual([
      401,
      'AUTH.INVALID_TOKEN',
    ]);
  });
});
