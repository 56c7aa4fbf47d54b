import { ValidationError, type FieldViolation } from '@iot-mesh/platform';
import { messageFromJson, messageSchema, type BinaryCodec } from './proto-json.js';

// Only the refusal matters here: the bytes are never decoded.
const noCodec: BinaryCodec<unknown> = {
  encode: () => ({ finish: () => new Uint8Array() }),
  decode: () => ({}),
};

/** The one violation messageFromJson refuses `json` with, read as the message `typeName`. */
function refusal(typeName: string, json: unknown, where = 'body'): FieldViolation {
  try {
    messageFromJson(messageSchema(typeName), noCodec, json, where);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const { violations } = error as ValidationError;
    expect(violations).toHaveLength(1);
    return violations[0];
  }
  throw new Error(`${JSON.stringify(json)} was read as ${typeName}`);
}

const RULE = 'iotmesh.alert.v1.Rule';

describe('a proto3 JSON input the mapping refuses', () => {
  it('names the refused field by its JSON path, in the query too', () => {
    expect(refusal(RULE, { name: 'x', sensorType: 'FOO' })).toEqual({
      field: 'sensorType',
      reason: 'FIELD.INVALID',
      description: 'not a SensorType: "FOO"',
    });
    expect(refusal(RULE, { scope: { allDevices: 'yes' } })).toMatchObject({
      field: 'scope.allDevices',
      description: 'expected boolean, got "yes"',
    });
    expect(
      refusal('iotmesh.alert.v1.CreateRuleRequest', { rule: { scope: { allDevices: 'yes' } } }),
    ).toMatchObject({
      field: 'rule.scope.allDevices',
    });
    expect(refusal(RULE, { forDuration: '3' })).toMatchObject({
      field: 'forDuration',
      description: 'not a Duration: "3"',
    });
    expect(
      refusal('iotmesh.processor.v1.GetAggregatesRequest', { window: 'WINDOW_TEN_MINUTES' }, 'query'),
    ).toMatchObject({ field: 'window', description: 'not a Window: "WINDOW_TEN_MINUTES"' });
    expect(refusal('iotmesh.device.v1.ListDevicesRequest', { status: 'active' }, 'query')).toMatchObject({
      field: 'status',
    });
  });

  it('names the item of a list by its index and the entry of a map by its key', () => {
    const batch = 'iotmesh.ingestion.v1.IngestBatchRequest';
    expect(refusal(batch, { readings: [{ value: 1 }, { value: 'x' }] })).toMatchObject({
      field: 'readings[1].value',
    });
    expect(refusal(batch, { readings: [{}, null] })).toMatchObject({ field: 'readings[1]' });
    expect(refusal('iotmesh.device.v1.Device', { labels: { site: 'a', room: 7 } })).toMatchObject({
      field: 'labels.room',
    });
  });

  it('names the message of two members of one oneof, and a field sent under both its names', () => {
    expect(refusal(RULE, { scope: { deviceId: 'd', allDevices: true, deviceType: 'FOO' } })).toMatchObject({
      field: 'scope',
      description: 'only one of deviceId, deviceType, allDevices may be set',
    });
    expect(refusal(RULE, { sensorType: 1, sensor_type: 2 })).toMatchObject({
      field: 'sensorType',
      description: 'set multiple times',
    });
  });

  it('names an unknown key by its message, and what is no object at all by the input', () => {
    expect(refusal(RULE, { scope: { everything: true } })).toEqual({
      field: 'scope',
      reason: 'FIELD.UNKNOWN',
      description: 'unknown field "everything"',
    });
    expect(refusal(RULE, { dryRun: true }, 'query')).toMatchObject({
      field: 'query',
      reason: 'FIELD.UNKNOWN',
    });
    expect(refusal(RULE, { scope: 'all' })).toMatchObject({
      field: 'scope',
      description: 'not a RuleScope: "all"',
    });
    expect(refusal(RULE, ['x'])).toMatchObject({ field: 'body', description: 'not a Rule: Array(1)' });
  });
});
