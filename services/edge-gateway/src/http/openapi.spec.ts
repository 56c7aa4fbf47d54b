import { MAX_PAGE_SIZE } from '@iot-mesh/platform';
import type { OpenAPIV3 } from 'openapi-types';
import { ROUTES } from './api-routes.js';
import { openApiDocument } from './openapi.js';

type Schema = OpenAPIV3.SchemaObject;
const document = openApiDocument();
const operation = (path: string, method: 'get' | 'post' | 'patch' | 'delete') => {
  const found = document.paths[path]?.[method];
  if (!found) throw new Error(`${method} ${path} is not documented`);
  return found;
};
const parameter = (path: string, name: string) =>
  (operation(path, 'get').parameters as OpenAPIV3.ParameterObject[]).find((p) => p.name === name);
const bodySchema = (path: string, method: 'post' | 'patch') =>
  (operation(path, method).requestBody as OpenAPIV3.RequestBodyObject).content['application/json']
    ?.schema as Schema;
const property = (schema: Schema, name: string) => schema.properties?.[name] as Schema;
/** The names an enum property documents, whether it is a query parameter or a body field. */
const enumNames = (schema: Schema) =>
  schema.enum ?? (schema.anyOf as Schema[] | undefined)?.find((s) => s.type === 'string')?.enum;

describe('the OpenAPI document', () => {
  it('lists query parameters with the types, limits and required-ness the controllers parse with', () => {
    expect(parameter('/api/v1/aggregates', 'sensorType')).toMatchObject({ in: 'query', required: true });
    expect(parameter('/api/v1/aggregates', 'window')).toMatchObject({ in: 'query', required: true });
    expect(parameter('/api/v1/aggregates', 'deviceId')).toMatchObject({ required: false });
    // Any int32 is taken, and the services cap a page at MAX_PAGE_SIZE, which the description states.
    expect(parameter('/api/v1/aggregates', 'pageSize')).toMatchObject({
      required: false,
      description: expect.stringContaining(
        `at most ${MAX_PAGE_SIZE}: a larger value gets ${MAX_PAGE_SIZE}`,
      ) as unknown,
      schema: { type: 'integer', minimum: 0, maximum: 2_147_483_647 },
    });
    expect(parameter('/api/v1/alerts/stream', 'resumeAfter')?.schema).toMatchObject({
      type: 'integer',
      minimum: 0,
    });
    expect(parameter('/api/v1/aggregates', 'startTime')?.schema).toMatchObject({ format: 'date-time' });
  });

  it('requires a query parameter exactly when the parser refuses a query without it', () => {
    for (const route of ROUTES.filter((r) => r.query)) {
      const missing = route.query!.safeParse({}).error?.issues.map((issue) => issue.path.join('.')) ?? [];
      const documented = (operation(route.path, route.method).parameters as OpenAPIV3.ParameterObject[])
        .filter((p) => p.in === 'query' && p.required)
        .map((p) => p.name);
      expect({ route: route.path, required: documented }).toEqual({ route: route.path, required: missing });
    }
  });

  it('names the values of every enum, from the protos', () => {
    const sensorTypes = [
      'SENSOR_TYPE_TEMPERATURE',
      'SENSOR_TYPE_HUMIDITY',
      'SENSOR_TYPE_PRESSURE',
      'SENSOR_TYPE_MOTION',
      'SENSOR_TYPE_CUSTOM',
    ];
    expect(enumNames(parameter('/api/v1/aggregates', 'sensorType')!.schema as Schema)).toEqual(sensorTypes);
    expect(enumNames(parameter('/api/v1/aggregates', 'window')!.schema as Schema)).toContain(
      'WINDOW_ONE_MINUTE',
    );
    expect(enumNames(parameter('/api/v1/alerts', 'state')!.schema as Schema)).toContain('ALERT_STATE_FIRING');
    expect(enumNames(parameter('/api/v1/devices', 'status')!.schema as Schema)).toContain(
      'DEVICE_STATUS_ACTIVE',
    );
    const reading = bodySchema('/api/v1/readings', 'post');
    expect(enumNames(property(reading, 'sensorType'))).toEqual(sensorTypes);
    // A body's enum may also be sent as its number.
    expect(property(reading, 'sensorType').anyOf).toContainEqual(
      expect.objectContaining({ type: 'integer', enum: [1, 2, 3, 4, 5] }),
    );
    const rule = bodySchema('/api/v1/rules', 'post');
    expect(enumNames(property(rule, 'operator'))).toContain('OPERATOR_OUTSIDE_RANGE');
    expect(enumNames(property(rule, 'severity'))).toContain('SEVERITY_CRITICAL');
    expect(enumNames(property(property(rule, 'scope'), 'deviceType'))).toEqual(sensorTypes);
    expect(enumNames(property(bodySchema('/api/v1/devices', 'post'), 'status'))).toContain(
      'DEVICE_STATUS_DISABLED',
    );
  });

  it("states the devices' and readings' limits as the services hold them", () => {
    const device = bodySchema('/api/v1/devices', 'post');
    expect(device.required).toEqual(expect.arrayContaining(['name', 'type', 'ownerEmail']));
    expect(property(device, 'id')).toMatchObject({ pattern: '^[a-z0-9][a-z0-9-]{2,62}$' });
    expect(property(device, 'name')).toMatchObject({ maxLength: 100 });
    expect(bodySchema('/api/v1/devices/{id}', 'patch').required).toBeUndefined();
    const reading = bodySchema('/api/v1/readings', 'post');
    expect(property(reading, 'customSensor')).toMatchObject({ maxLength: 50 });
    expect(property(reading, 'unit').description).toMatch(/^Required for temperature, humidity and pressure/);
    expect(property(reading, 'value').description).toMatch(/finite number/);
    const readings = property(bodySchema('/api/v1/readings/batch', 'post'), 'readings');
    expect(readings).toMatchObject({ minItems: 1, maxItems: 10_000 });
    // The pattern ingestion holds ids to, and it is a pattern that reads as such in the document.
    const readingId = property((readings as OpenAPIV3.ArraySchemaObject).items as Schema, 'readingId');
    expect(new RegExp(readingId.pattern!).test('sensor-1:2026.12_06')).toBe(true);
    expect(
      ['', 'has space', 'x'.repeat(129), 'é'].some((id) => new RegExp(readingId.pattern!).test(id)),
    ).toBe(false);
    expect(readings.description).toMatch(/MAX_BATCH_SIZE/);
    expect(bodySchema('/api/v1/rules', 'post').required).toEqual(
      expect.arrayContaining(['name', 'scope', 'sensorType', 'operator', 'severity']),
    );
  });

  it('says a new rule is enabled unless it says otherwise; an update changes it only when named', () => {
    const created = property(bodySchema('/api/v1/rules', 'post'), 'enabled');
    expect(created).toMatchObject({ type: 'boolean', default: true });
    expect(created.description).toMatch(/enabled unless this is false/);
    expect(bodySchema('/api/v1/rules', 'post').required).not.toContain('enabled');
    expect(property(bodySchema('/api/v1/rules/{id}', 'patch'), 'enabled')).not.toHaveProperty('default');
  });

  it('names the custom quantity of rules, their list and the aggregates', () => {
    expect(property(bodySchema('/api/v1/rules', 'post'), 'customSensor')).toMatchObject({ maxLength: 50 });
    expect(property(bodySchema('/api/v1/rules/{id}', 'patch'), 'customSensor')).toMatchObject({
      maxLength: 50,
    });
    expect(parameter('/api/v1/rules', 'customSensor')).toMatchObject({ in: 'query', required: false });
    expect(parameter('/api/v1/aggregates', 'customSensor')).toMatchObject({ in: 'query', required: false });
    expect(parameter('/api/v1/aggregates', 'customSensor')?.schema).toMatchObject({ maxLength: 50 });
  });

  it('documents the status code each route answers with, and what it answers', () => {
    const successes = (path: string, method: 'get' | 'post' | 'delete') =>
      Object.keys(operation(path, method).responses).filter((code) => code.startsWith('2'));
    expect(successes('/api/v1/devices', 'post')).toEqual(['201']);
    expect(successes('/api/v1/devices/{id}/keys', 'post')).toEqual(['201']);
    expect(successes('/api/v1/devices/{id}/keys/{keyId}/rotate', 'post')).toEqual(['200']);
    expect(successes('/api/v1/rules', 'post')).toEqual(['201']);
    expect(successes('/api/v1/rules/{id}', 'delete')).toEqual(['204']);
    expect(successes('/api/v1/readings', 'post')).toEqual(['200']);
    expect(operation('/api/v1/rules/{id}', 'delete').responses['204']).not.toHaveProperty('content');
    // The answers' schemas come from the protos (proto-json-schema.spec.ts has the mapping itself).
    expect(operation('/api/v1/devices', 'get').responses['200']).toMatchObject({
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/iotmesh.device.v1.ListDevicesResponse' },
        },
      },
    });
    expect(document.components?.schemas?.['iotmesh.device.v1.ListDevicesResponse']).toMatchObject({
      type: 'object',
      properties: {
        devices: { type: 'array', items: { $ref: '#/components/schemas/iotmesh.device.v1.Device' } },
        nextPageToken: { type: 'string' },
      },
      required: ['devices', 'nextPageToken'],
    });
    expect(operation('/api/v1/rules/{id}', 'get').responses['200']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/iotmesh.alert.v1.Rule' } } },
    });
    expect(document.components?.schemas?.['iotmesh.device.v1.Device']).toMatchObject({
      properties: { createTime: { type: 'string', format: 'date-time' } },
    });
    expect(Object.keys(operation('/api/v1/alerts/stream', 'get').responses['200'])).toContain('content');
    expect(
      Object.keys(
        (operation('/api/v1/alerts/stream', 'get').responses['200'] as OpenAPIV3.ResponseObject).content!,
      ),
    ).toEqual(['text/event-stream']);
    expect(operation('/api/v1/devices', 'post').responses['4XX']).toEqual({
      $ref: '#/components/responses/Error',
    });
    const error = document.components?.schemas?.['Error'] as Schema;
    const fields = property(error, 'error');
    expect(fields.required).toEqual(['code', 'status', 'reason', 'message']);
    expect(Object.keys(fields.properties ?? {})).toEqual(expect.arrayContaining(['details', 'service']));
  });

  it('marks a body optional exactly where the route takes none (read as {})', () => {
    const required = (path: string, method: 'post' | 'patch') =>
      (operation(path, method).requestBody as OpenAPIV3.RequestBodyObject).required;
    expect(required('/api/v1/devices/{id}/keys', 'post')).toBe(false);
    expect(required('/api/v1/alerts/{id}/acknowledge', 'post')).toBe(false);
    expect(required('/api/v1/devices', 'post')).toBe(true);
    expect(required('/api/v1/readings', 'post')).toBe(true);
    expect(required('/api/v1/readings/batch', 'post')).toBe(true);
  });

  it('documents every route of the table, and the document and its page', () => {
    for (const route of ROUTES) expect(document.paths[route.path]).toHaveProperty(route.method);
    expect(document.paths['/openapi.json']).toHaveProperty('get');
    expect(document.paths['/docs']).toHaveProperty('get');
  });
});
