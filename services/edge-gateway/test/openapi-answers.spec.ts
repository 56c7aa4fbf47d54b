import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { Alert, Rule } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { Device, DeviceKey } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import type { Aggregate } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import type { OpenAPIV3 } from 'openapi-types';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { DEVICE_KEY, rest, startGateway, type RestAnswer } from './gateway-process.js';
import { answerSchemaOf, documentValidator } from './openapi-ajv.js';

// Every JSON route of the real gateway process, answered by stubs with every field set (and with
// empty lists), checked against the /openapi.json that same process serves.

const AT = { seconds: 1_700_000_000, nanos: 5_000_000 };
const KEY: DeviceKey = {
  keyId: 'k1',
  deviceId: 'd1',
  state: 1,
  description: 'd',
  prefix: 'imk_0123',
  createTime: AT,
  lastUsedTime: AT,
};
const DEVICE: Device = {
  id: 'd1',
  name: 'Boiler',
  type: 5,
  customType: 'co2',
  location: { site: 's', zone: 'z', latitude: 52.5, longitude: -1.25 },
  ownerEmail: 'ops@example.com',
  status: 2,
  labels: { floor: '3' },
  createTime: AT,
  updateTime: AT,
};
const RULE: Rule = {
  id: 'r1',
  name: 'hot',
  scope: { deviceId: 'd1' },
  sensorType: 1,
  operator: 1,
  threshold: 30,
  thresholdHigh: 0,
  forDuration: { seconds: 90, nanos: 250_000_000 },
  severity: 2,
  hysteresis: 0.5,
  enabled: true,
  createTime: AT,
  updateTime: AT,
  customSensor: '',
};
const ALERT: Alert = {
  id: 'a1',
  ruleId: 'r1',
  deviceId: 'd1',
  sensorType: 1,
  state: 2,
  severity: 3,
  value: Number.NaN,
  summary: 's',
  acknowledged: true,
  acknowledgedBy: 'ops',
  acknowledgeTime: AT,
  startTime: AT,
  fireTime: AT,
  updateTime: AT,
  customSensor: '',
};
const AGGREGATE: Aggregate = {
  deviceId: 'd1',
  sensorType: 1,
  window: 1,
  startTime: AT,
  endTime: AT,
  count: 42,
  min: 1,
  max: Number.POSITIVE_INFINITY,
  avg: 2.5,
  p95: 3,
  closed: true,
  customSensor: '',
};
const REJECTION = {
  index: 1,
  readingId: 'r-2',
  reason: 'READING.STALE',
  field: 'timestamp',
  description: 'old',
};

const DEVICE_KEY_HEADER = { 'x-api-key': DEVICE_KEY };
const reading = (readingId: string) => ({
  readingId,
  sensorType: 1,
  value: 21,
  unit: 'celsius',
  timestamp: new Date().toISOString(),
});

/** [method, path, body, headers]: every route that answers JSON (the SSE stream and 204 DELETE do not). */
const CALLS: [string, string, unknown?, Record<string, string>?][] = [
  ['POST', '/api/v1/devices', { name: 'Boiler', type: 1, ownerEmail: 'ops@example.com' }],
  ['GET', '/api/v1/devices'],
  ['GET', '/api/v1/devices/d1'],
  ['PATCH', '/api/v1/devices/d1?updateMask=name', { name: 'x' }],
  ['POST', '/api/v1/devices/d1/decommission'],
  ['POST', '/api/v1/devices/d1/keys', { description: 'd' }],
  ['GET', '/api/v1/devices/d1/keys'],
  ['POST', '/api/v1/devices/d1/keys/k1/rotate'],
  ['POST', '/api/v1/devices/d1/keys/k1/revoke'],
  ['POST', '/api/v1/readings', reading('r-1'), DEVICE_KEY_HEADER],
  ['POST', '/api/v1/readings/batch', { readings: [reading('r-1'), reading('r-2')] }, DEVICE_KEY_HEADER],
  ['GET', '/api/v1/aggregates?deviceId=d1&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_MINUTE'],
  ['GET', '/api/v1/aggregates?sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_MINUTE'],
  [
    'POST',
    '/api/v1/rules',
    { name: 'r', scope: { allDevices: true }, sensorType: 1, operator: 1, threshold: 1, severity: 1 },
  ],
  ['GET', '/api/v1/rules'],
  ['GET', '/api/v1/rules/r1'],
  ['PATCH', '/api/v1/rules/r1?updateMask=threshold', { threshold: 2 }],
  ['GET', '/api/v1/alerts'],
  ['GET', '/api/v1/alerts/a1'],
  ['POST', '/api/v1/alerts/a1/acknowledge', {}],
  ['POST', '/api/v1/device-registry/GetDevice', { id: 'd1' }],
  ['GET', '/health'],
  ['GET', '/status'],
];

/** The answers of the stubs with every field set; left out, each method answers its defaults. */
function answerInFull(stubs: DownstreamStubs) {
  for (const method of ['CreateDevice', 'GetDevice', 'UpdateDevice', 'DecommissionDevice']) {
    stubs.answer(method, () => ({ device: DEVICE }));
  }
  stubs.answer('ListDevices', () => ({ devices: [DEVICE, DEVICE], nextPageToken: 'next' }));
  stubs.answer('IssueDeviceKey', () => ({ key: KEY, apiKey: DEVICE_KEY }));
  stubs.answer('ListDeviceKeys', () => ({ keys: [KEY] }));
  stubs.answer('RotateDeviceKey', () => ({ key: KEY, apiKey: DEVICE_KEY, revokedKey: { ...KEY, state: 2 } }));
  stubs.answer('RevokeDeviceKey', () => ({ key: { ...KEY, state: 2, revokeTime: AT } }));
  stubs.answer('IngestBatch', () => ({
    result: { acceptedCount: 1, duplicateCount: 1, rejections: [REJECTION], duplicateIndexes: [0] },
  }));
  for (const method of ['GetAggregates', 'ListAggregates']) {
    stubs.answer(method, () => ({ aggregates: [AGGREGATE], nextPageToken: 'next' }));
  }
  for (const method of ['CreateRule', 'GetRule', 'UpdateRule']) stubs.answer(method, () => ({ rule: RULE }));
  stubs.answer('ListRules', () => ({ rules: [RULE], nextPageToken: 'next' }));
  stubs.answer('ListAlerts', () => ({ alerts: [ALERT], nextPageToken: 'next' }));
  for (const method of ['GetAlert', 'AcknowledgeAlert']) stubs.answer(method, () => ({ alert: ALERT }));
}

describe('every JSON answer of the gateway, against its own /openapi.json', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;
  let document: OpenAPIV3.Document;

  beforeAll(async () => {
    stubs = await startDownstreamStubs({ serving: true });
    stubs.answer('VerifyDeviceKey', () => ({ deviceId: 'd1', keyId: 'k1', deviceStatus: 2 }));
    // Every field at its default, every list empty: the messages the controllers unwrap are there, empty.
    const empty = <T>(codec: { decode(bytes: Uint8Array): T }) => codec.decode(new Uint8Array());
    for (const method of ['CreateDevice', 'GetDevice', 'UpdateDevice', 'DecommissionDevice']) {
      stubs.answer(method, () => ({ device: empty(Device) }));
    }
    stubs.answer('RevokeDeviceKey', () => ({ key: empty(DeviceKey) }));
    for (const method of ['CreateRule', 'GetRule', 'UpdateRule'])
      stubs.answer(method, () => ({ rule: empty(Rule) }));
    for (const method of ['GetAlert', 'AcknowledgeAlert'])
      stubs.answer(method, () => ({ alert: empty(Alert) }));
    stubs.answer('IngestBatch', () => ({
      result: { acceptedCount: 0, duplicateCount: 0, rejections: [], duplicateIndexes: [] },
    }));
    gateway = await startGateway(stubs.env);
    document = (await rest(gateway, 'GET', '/openapi.json')).body as OpenAPIV3.Document;
  });
  afterAll(async () => {
    await gateway?.stop();
    await stubs?.stop();
  });

  /** The problems of each call's answer: its status or content undocumented, or its body off the schema. */
  function problemsOf(doc: OpenAPIV3.Document, answers: Map<string, RestAnswer>) {
    const problems = documentValidator(doc);
    const found: string[] = [];
    for (const [call, answer] of answers) {
      const [method = '', template = ''] = call.split(' ');
      const schema = answerSchemaOf(doc, method, template, answer.status);
      if (answer.status >= 300 || !schema)
        found.push(`${call}: ${answer.status} ${JSON.stringify(answer.body)}`);
      else found.push(...problems(schema, answer.body).map((problem) => `${call}: ${problem}`));
    }
    return found;
  }

  /** Each call's answer, by its method and the document's path template. */
  async function callEvery(): Promise<Map<string, RestAnswer>> {
    const answers = new Map<string, RestAnswer>();
    for (const [method, path, body, headers] of CALLS) {
      const answer = await rest(gateway, method, path, { body, headers });
      const template = Object.keys(document.paths).find((t) =>
        new RegExp(`^${t.replace(/\{\w+\}/g, '[^/]+')}$`).test(path.split('?')[0]),
      );
      answers.set(`${method} ${template} ${answers.size}`, answer);
    }
    return answers;
  }

  it('documents each answer with every field at its default and every list empty', async () => {
    expect(problemsOf(document, await callEvery())).toEqual([]);
  });

  it('documents each answer with every field set', async () => {
    answerInFull(stubs);
    const answers = await callEvery();
    expect(problemsOf(document, answers)).toEqual([]);
    // Checked for real: the answers hold what the schemas describe.
    const rule = [...answers].find(([call]) => call.startsWith('GET /api/v1/rules/{id}'))?.[1];
    expect(rule?.body).toMatchObject({ forDuration: '90.250s', createTime: '2023-11-14T22:13:20.005Z' });
    const aggregates = [...answers].find(([call]) => call.startsWith('GET /api/v1/aggregates'))?.[1];
    expect(aggregates?.body).toMatchObject({ aggregates: [{ count: '42', max: 'Infinity' }] });
  });

  it('finds a schema that is wrong', async () => {
    answerInFull(stubs);
    const answers = await callEvery();
    const broken = structuredClone(document);
    const device = broken.components!.schemas!['iotmesh.device.v1.Device'] as OpenAPIV3.SchemaObject;
    device.properties!['name'] = { type: 'integer' };
    const aggregate = broken.components!.schemas!['iotmesh.processor.v1.Aggregate'] as OpenAPIV3.SchemaObject;
    aggregate.properties!['count'] = { type: 'integer' };
    const found = problemsOf(broken, answers);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GET \/api\/v1\/devices\/\{id\} .*name must be integer/),
        expect.stringMatching(/^GET \/api\/v1\/aggregates .*count must be integer/),
      ]),
    );
  });
});
