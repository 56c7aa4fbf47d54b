import { textViolations, type ValidationError } from '@iot-mesh/platform';
import { parseInput } from './parse-body.js';
import { createDeviceSchema, deviceFieldsSchema, readingBatchSchema, readingSchema } from './schemas.js';

const device = { name: 'Boiler', type: 'SENSOR_TYPE_TEMPERATURE', ownerEmail: 'ops@example.com' };
const reading = {
  readingId: 'r-1',
  sensorType: 'SENSOR_TYPE_TEMPERATURE',
  value: 20,
  unit: 'celsius',
  timestamp: '2025-01-01T00:00:00Z',
};
const refusedFields = (result: { error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues.map((issue) => issue.path.join('.'));

describe("the request schemas hold the services' fixed limits", () => {
  it('require what the registry requires of a new device, and its id format', () => {
    expect(createDeviceSchema.safeParse(device).success).toBe(true);
    expect(refusedFields(createDeviceSchema.safeParse({}))).toEqual(['name', 'type', 'ownerEmail']);
    expect(refusedFields(createDeviceSchema.safeParse({ ...device, id: 'Boiler 1' }))).toEqual(['id']);
    expect(refusedFields(createDeviceSchema.safeParse({ ...device, id: 'ab' }))).toEqual(['id']);
    expect(createDeviceSchema.safeParse({ ...device, id: 'b'.repeat(63) }).success).toBe(true);
    expect(refusedFields(createDeviceSchema.safeParse({ ...device, id: 'b'.repeat(64) }))).toEqual(['id']);
    expect(refusedFields(createDeviceSchema.safeParse({ ...device, name: '  ' }))).toEqual(['name']);
    // An update names its fields in the mask: none is required.
    expect(deviceFieldsSchema.safeParse({}).success).toBe(true);
  });

  it('measure names as the services do: characters are code points, invisible ones alone are blank', () => {
    const names = ['🌡'.repeat(100), '🌡'.repeat(101), 'x'.repeat(101), '\u202e\u200b', ' \ufeff', '\u200bx'];
    const gateway = names.map((name) => createDeviceSchema.safeParse({ ...device, name }).success);
    const services = names.map((name) => textViolations('name', name, 100).length === 0);
    expect(gateway).toEqual(services);
    expect(gateway).toEqual([true, false, false, false, false, true]);
  });

  it('bound labels as the registry does', () => {
    const labels = (count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 'v']));
    expect(deviceFieldsSchema.safeParse({ labels: labels(32) }).success).toBe(true);
    expect(refusedFields(deviceFieldsSchema.safeParse({ labels: labels(33) }))).toEqual(['labels']);
    expect(deviceFieldsSchema.safeParse({ labels: { 'Not A Key': 'v' } }).success).toBe(false);
  });

  it("leave a non-finite value to ingestion, but hold a custom sensor's name to its 50 characters", () => {
    expect(readingSchema.safeParse({ ...reading, value: 'NaN' }).success).toBe(true);
    expect(readingSchema.safeParse({ ...reading, customSensor: 'c'.repeat(50) }).success).toBe(true);
    expect(refusedFields(readingSchema.safeParse({ ...reading, customSensor: 'c'.repeat(51) }))).toEqual([
      'customSensor',
    ]);
  });

  it("leave a batch's size to the check the gRPC API shares (test/batch-size.spec.ts)", () => {
    expect(readingBatchSchema.safeParse({ readings: [] }).success).toBe(true);
    expect(readingBatchSchema.safeParse({ readings: [reading] }).success).toBe(true);
    expect(refusedFields(readingBatchSchema.safeParse({ readings: {} }))).toEqual(['readings']);
  });
});

describe('the 400s of parseInput', () => {
  const descriptions = (body: unknown) => {
    try {
      parseInput(readingSchema, body);
      return [];
    } catch (error) {
      return (error as ValidationError).violations.map((v) => `${v.field}: ${v.description}`);
    }
  };

  it('say what is missing or of the wrong kind in plain words', () => {
    const { value: _value, ...withoutValue } = reading;
    expect(descriptions(withoutValue)).toEqual(['value: required']);
    expect(descriptions({ ...reading, value: '25' })).toEqual(['value: must be a JSON number']);
    expect(descriptions({ ...reading, sensorType: true })).toEqual([
      'sensorType: must be a SensorType name (or number)',
    ]);
    // A name is the enum's or refused; a number is the service's to judge (ts-proto reads both as -1).
    for (const sensorType of ['SENSOR_TYPE_FOO', 'UNRECOGNIZED']) {
      expect(descriptions({ ...reading, sensorType })).toEqual([
        'sensorType: must be a SensorType name (or number)',
      ]);
    }
    expect(descriptions({ ...reading, sensorType: 99 })).toEqual([]);
  });

  it('name an item of a list by its index, as the services do', () => {
    const fields = (body: unknown) => {
      try {
        parseInput(readingBatchSchema, body);
        return [];
      } catch (error) {
        return (error as ValidationError).violations.map((v) => v.field);
      }
    };
    expect(fields({ readings: [reading, { ...reading, customSensor: 'c'.repeat(51) }] })).toEqual([
      'readings[1].customSensor',
    ]);
  });
});
