import { create, ScalarType, toJson, type DescMessage } from '@bufbuild/protobuf';
import {
  BoolValueSchema,
  BytesValueSchema,
  DoubleValueSchema,
  FloatValueSchema,
  Int32ValueSchema,
  Int64ValueSchema,
  StringValueSchema,
  UInt32ValueSchema,
  UInt64ValueSchema,
} from '@bufbuild/protobuf/wkt';
import { Alert, Rule } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { Device } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { Aggregate } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import type { OpenAPIV3 } from 'openapi-types';
import { documentValidator } from '../../test/openapi-ajv.js';
import { messageSchema, messageToJson } from './proto-json.js';
import { messageObjectSchema, scalarSchema } from './proto-json-schema.js';
import { ProtoSchemaComponents } from './proto-schema-components.js';

// The schemas are checked against what the gateway really writes (proto3 JSON) for real messages of
// proto/, and must refuse what it would not write.

const AT = { seconds: 1_700_000_000, nanos: 123_000_000 };
const RULE: Rule = {
  id: 'r1',
  name: 'hot',
  scope: { deviceType: 1 },
  sensorType: 1,
  operator: 1,
  threshold: Number.NaN,
  thresholdHigh: Number.POSITIVE_INFINITY,
  forDuration: { seconds: 1, nanos: 500_000_000 },
  severity: 2,
  hysteresis: 0.5,
  enabled: true,
  createTime: AT,
  customSensor: '',
};
const DEVICE: Device = {
  id: 'd1',
  name: 'Boiler',
  type: 1,
  customType: '',
  location: { site: 's', zone: '', latitude: 52.5, longitude: -1 },
  ownerEmail: 'ops@example.com',
  status: 2,
  labels: { floor: '3' },
  createTime: AT,
};
const AGGREGATE: Aggregate = {
  deviceId: 'd1',
  sensorType: 1,
  window: 1,
  startTime: AT,
  count: 5,
  min: 1,
  max: Number.NEGATIVE_INFINITY,
  avg: 2,
  p95: 3,
  closed: true,
  customSensor: '',
};

/** A message's schema, its components, and a check of values against it. */
function described(typeName: string) {
  const components = new ProtoSchemaComponents();
  const ref = components.messageRef(messageSchema(typeName));
  const problems = documentValidator({ components: { schemas: components.schemas } } as OpenAPIV3.Document);
  return {
    schema: components.schemas[typeName],
    components: components.schemas,
    problems: (value: unknown) => problems(ref, value),
  };
}
const property = (schema: OpenAPIV3.SchemaObject, name: string) => schema.properties?.[name];

describe('proto message schemas, as the proto3 JSON mapping writes (messageToJson)', () => {
  const rule = described('iotmesh.alert.v1.Rule');
  const written = messageToJson(messageSchema('iotmesh.alert.v1.Rule'), Rule, RULE) as Record<
    string,
    unknown
  >;

  it('matches a rule as written: Duration "1.500s", NaN and Infinity as strings, a oneof, a Timestamp', () => {
    expect(written).toMatchObject({ forDuration: '1.500s', threshold: 'NaN', thresholdHigh: 'Infinity' });
    expect(rule.problems(written)).toEqual([]);
  });

  it('requires the fields always written, not messages or oneof members', () => {
    expect(rule.schema.required).toEqual([
      'id',
      'name',
      'sensorType',
      'operator',
      'threshold',
      'thresholdHigh',
      'severity',
      'hysteresis',
      'enabled',
      'customSensor',
    ]);
    expect(rule.components['iotmesh.alert.v1.RuleScope']).not.toHaveProperty('required');
    expect(rule.problems({ ...written, enabled: undefined })).not.toEqual([]);
  });

  it('refers to nested messages and enums by their full names, written as names', () => {
    expect(property(rule.schema, 'scope')).toEqual({
      $ref: '#/components/schemas/iotmesh.alert.v1.RuleScope',
    });
    expect(rule.components['iotmesh.alert.v1.Severity']).toMatchObject({
      type: 'string',
      enum: ['SEVERITY_UNSPECIFIED', 'SEVERITY_INFO', 'SEVERITY_WARNING', 'SEVERITY_CRITICAL'],
    });
    expect(rule.problems({ ...written, severity: 2 })).not.toEqual([]);
    expect(rule.problems({ ...written, scope: { deviceType: 'SENSOR_TYPE_FOO' } })).not.toEqual([]);
  });

  it('refuses what the writer would not write', () => {
    expect(rule.problems({ ...written, forDuration: { seconds: '1', nanos: 5e8 } })).not.toEqual([]);
    expect(rule.problems({ ...written, forDuration: '1.5s' })).not.toEqual([]);
    expect(rule.problems({ ...written, createTime: 1_700_000_000 })).not.toEqual([]);
    expect(rule.problems({ ...written, threshold: null })).not.toEqual([]);
    expect(rule.problems({ ...written, threshold: 'nan' })).not.toEqual([]);
  });

  it('writes 64-bit integers as strings, lists and maps always', () => {
    const aggregate = described('iotmesh.processor.v1.Aggregate');
    const json = messageToJson(messageSchema('iotmesh.processor.v1.Aggregate'), Aggregate, AGGREGATE);
    expect(json).toMatchObject({ count: '5', max: '-Infinity' });
    expect(aggregate.problems(json)).toEqual([]);
    expect(aggregate.problems({ ...(json as object), count: 5 })).not.toEqual([]);

    const device = described('iotmesh.device.v1.Device');
    expect(device.schema.required).toContain('labels');
    const unlabelled = messageToJson(messageSchema('iotmesh.device.v1.Device'), Device, {
      ...DEVICE,
      labels: {},
    });
    expect(unlabelled).toMatchObject({ labels: {} });
    expect(device.problems(unlabelled)).toEqual([]);
  });
});

describe('proto message schemas of the other answers', () => {
  const deviceJson = (device: Device) =>
    messageToJson(messageSchema('iotmesh.device.v1.Device'), Device, device) as Record<string, unknown>;

  it('matches a device as written: a map, a nested message, doubles, enums, Timestamps', () => {
    const device = described('iotmesh.device.v1.Device');
    expect(device.problems(deviceJson(DEVICE))).toEqual([]);
    expect(property(device.schema, 'labels')).toEqual({
      type: 'object',
      additionalProperties: { type: 'string' },
    });
    expect(device.problems({ ...deviceJson(DEVICE), labels: { floor: 3 } })).not.toEqual([]);
    expect(device.problems({ ...deviceJson(DEVICE), labels: ['3'] })).not.toEqual([]);
    expect(device.problems({ ...deviceJson(DEVICE), location: { latitude: '52' } })).not.toEqual([]);
  });

  it('matches an alert, every field at its default included', () => {
    const alert = described('iotmesh.alert.v1.Alert');
    const empty = messageToJson(
      messageSchema('iotmesh.alert.v1.Alert'),
      Alert,
      Alert.decode(new Uint8Array()),
    );
    expect(alert.problems(empty)).toEqual([]);
    expect(Object.keys(empty as object).sort()).toEqual([...(alert.schema.required ?? [])].sort());
  });
});

describe('a page or an answer the controller builds from a message', () => {
  const components = new ProtoSchemaComponents();
  const page = messageObjectSchema(messageSchema('iotmesh.edge.v1.PublishReadingsResponse'), components, {
    everyField: true,
    omit: ['batchId'],
  });

  it('requires every field but those left out: repeated ones as arrays of their items', () => {
    expect(page.required).toEqual(['acceptedCount', 'duplicateCount', 'rejections', 'duplicateIndexes']);
    expect(page.properties).not.toHaveProperty('batchId');
    expect(property(page, 'rejections')).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/iotmesh.telemetry.v1.ReadingRejection' },
    });
    expect(property(page, 'duplicateIndexes')).toEqual({
      type: 'array',
      items: { type: 'integer', format: 'int32' },
    });
  });
});

describe('the scalar kinds', () => {
  const problems = documentValidator({} as OpenAPIV3.Document);
  // A wrapper's JSON is its one scalar as proto3 JSON writes it: every kind, from the library itself.
  const cases: [DescMessage, unknown, unknown][] = [
    [DoubleValueSchema, Number.NaN, 'nan'],
    [FloatValueSchema, 1.5, '1.5'],
    [Int32ValueSchema, -2_147_483_648, 2_147_483_648],
    [UInt32ValueSchema, 4_294_967_295, -1],
    [Int64ValueSchema, -9_223_372_036_854_775_808n, 1],
    [UInt64ValueSchema, 18_446_744_073_709_551_615n, '-1'],
    [BoolValueSchema, true, 'true'],
    [StringValueSchema, 'é', 1],
    [BytesValueSchema, new Uint8Array([0, 255, 1]), '***'],
  ];

  it.each(cases)('%# %s: matches what is written, refuses what is not', (wrapper, value, wrong) => {
    const written = toJson(wrapper, create(wrapper, { value }));
    const field = wrapper.fields[0];
    if (field.fieldKind !== 'scalar') throw new Error('a wrapper holds a scalar');
    const schema = scalarSchema(field.scalar);
    expect(problems(schema, written)).toEqual([]);
    expect(problems(schema, wrong)).not.toEqual([]);
  });

  it('maps the zigzag and fixed encodings as their plain kinds', () => {
    const same = (a: ScalarType, b: ScalarType) => expect(scalarSchema(a)).toEqual(scalarSchema(b));
    same(ScalarType.SINT32, ScalarType.INT32);
    same(ScalarType.SFIXED32, ScalarType.INT32);
    same(ScalarType.FIXED32, ScalarType.UINT32);
    same(ScalarType.SINT64, ScalarType.INT64);
    same(ScalarType.SFIXED64, ScalarType.INT64);
    same(ScalarType.FIXED64, ScalarType.UINT64);
  });

  it('describes a message once, however often it is referred to', () => {
    const components = new ProtoSchemaComponents();
    const first = components.messageRef(messageSchema('iotmesh.device.v1.Device'));
    const described = components.schemas['iotmesh.device.v1.Device'];
    expect(components.messageRef(messageSchema('iotmesh.device.v1.Device'))).toEqual(first);
    expect(components.schemas['iotmesh.device.v1.Device']).toBe(described);
  });
});
