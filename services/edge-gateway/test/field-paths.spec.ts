import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { errorOf, rest, startGateway, type RestAnswer } from './gateway-process.js';

/** The fields a 400 names, and its message. */
const refused = (answer: RestAnswer) => {
  expect(answer.status).toBe(400);
  const error = errorOf(answer);
  return { fields: error.details?.map((d) => d.field), message: error.message };
};

// The proto3 JSON mapping refuses these in the gateway, before any downstream is called.
describe('a 400 of the proto3 JSON mapping', () => {
  let gateway: ServiceProcess;

  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterAll(() => gateway?.stop());

  it('names the query parameter refused', async () => {
    const aggregates = await rest(
      gateway,
      'GET',
      '/api/v1/aggregates?window=WINDOW_TEN_MINUTES&sensorType=SENSOR_TYPE_TEMPERATURE&deviceId=d',
    );
    expect(refused(aggregates)).toEqual({
      fields: ['window'],
      message: 'window: not a Window: "WINDOW_TEN_MINUTES"',
    });
    expect(refused(await rest(gateway, 'GET', '/api/v1/devices?status=active')).fields).toEqual(['status']);
    expect(refused(await rest(gateway, 'GET', '/api/v1/alerts?state=open')).fields).toEqual(['state']);
    expect(
      refused(await rest(gateway, 'GET', '/api/v1/alert-manager/ListAlerts?filter.state=open')).fields,
    ).toEqual(['filter.state']);
  });

  it("names a body's field by its JSON path, in the message too", async () => {
    const body = { rule: { name: 'x', scope: { allDevices: 'yes' } } };
    expect(refused(await rest(gateway, 'POST', '/api/v1/alert-manager/CreateRule', { body }))).toEqual({
      fields: ['rule.scope.allDevices'],
      message: 'rule.scope.allDevices: expected boolean, got "yes"',
    });
    const rule = { name: 'x', scope: { allDevices: true }, forDuration: 'soon' };
    expect(refused(await rest(gateway, 'POST', '/api/v1/rules', { body: rule })).fields).toEqual([
      'forDuration',
    ]);
  });
});
