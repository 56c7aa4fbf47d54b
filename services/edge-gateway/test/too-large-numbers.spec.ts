import { gatewayOnStubs } from './downstream-stubs.js';
import { DEVICE_KEY, errorOf, OPERATOR_TOKEN, rest } from './gateway-process.js';

// A number too large for what it is read as is told so, once, in the same words on every route.

const BEYOND_DOUBLE = `must be a finite number within ±${Number.MAX_VALUE} (a double)`;

describe('a number too large', () => {
  const world = gatewayOnStubs();
  beforeAll(() => {
    world.stubs.answer('VerifyDeviceKey', () => ({ deviceId: 'dev-1', keyId: 'key-1', deviceStatus: 2 }));
  });

  /** A body sent as written (1e309 is valid JSON, which JSON.stringify cannot write); its field violations. */
  async function violations(method: string, path: string, json: string, credentials: Record<string, string>) {
    const response = await fetch(`http://127.0.0.1:${world.gateway.ports['HTTP_PORT']}${path}`, {
      method,
      headers: { ...credentials, 'content-type': 'application/json' },
      body: json,
    });
    const { error } = (await response.json()) as {
      error: { details?: { field: string; description: string }[] };
    };
    return [response.status, error.details?.map(({ field, description }) => ({ field, description }))];
  }
  const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };

  it('for a double (1e309, which JSON.parse reads as Infinity) says so alike on every route', async () => {
    const timestamp = new Date().toISOString();
    const reading = `{"readingId":"r-1","sensorType":"SENSOR_TYPE_TEMPERATURE","unit":"celsius","timestamp":"${timestamp}","value":`;
    const rule =
      '{"name":"hot","scope":{"allDevices":true},"sensorType":1,"operator":1,"severity":1,"threshold":';
    for (const [method, path, json, credentials, field] of [
      ['POST', '/api/v1/readings', `${reading}1e309}`, { 'x-api-key': DEVICE_KEY }, 'value'],
      ['POST', '/api/v1/readings', `${reading}-1e309}`, { 'x-api-key': DEVICE_KEY }, 'value'],
      ['POST', '/api/v1/rules', `${rule}1e309}`, operator, 'threshold'],
      ['PATCH', '/api/v1/rules/rule-1?updateMask=hysteresis', '{"hysteresis":1e309}', operator, 'hysteresis'],
      [
        'PATCH',
        '/api/v1/devices/dev-1?updateMask=location',
        '{"location":{"latitude":-1e309}}',
        operator,
        'location.latitude',
      ],
      [
        'POST',
        '/api/v1/alert-manager/CreateRule',
        '{"rule":{"threshold":1e309}}',
        operator,
        'rule.threshold',
      ],
    ] as const) {
      expect([path, ...(await violations(method, path, json, credentials))]).toEqual([
        path,
        400,
        [{ field, description: BEYOND_DOUBLE }],
      ]);
    }
  });

  it('for a query integer says how large it may be, once', async () => {
    for (const [path, field, max] of [
      ['/api/v1/alerts/stream?resumeAfter=99999999999999999999', 'resumeAfter', Number.MAX_SAFE_INTEGER],
      ['/api/v1/alerts/stream?resumeAfter=9007199254740992', 'resumeAfter', Number.MAX_SAFE_INTEGER],
      [`/api/v1/alerts/stream?resumeAfter=1${'0'.repeat(400)}`, 'resumeAfter', Number.MAX_SAFE_INTEGER],
      ['/api/v1/devices?pageSize=2147483648', 'pageSize', 2_147_483_647],
      ['/api/v1/devices?pageSize=99999999999999999999', 'pageSize', 2_147_483_647],
    ] as const) {
      const answer = await rest(world.gateway, 'GET', path);
      expect([path, answer.status, errorOf(answer).message, errorOf(answer).details]).toEqual([
        path,
        400,
        `${field}: must be at most ${max}`,
        [expect.objectContaining({ field, description: `must be at most ${max}` })],
      ]);
    }
  });
});
