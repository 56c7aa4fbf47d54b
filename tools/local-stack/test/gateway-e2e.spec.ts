import { once } from 'node:events';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { status, type ServiceError } from '@grpc/grpc-js';
import { type GrpcClient } from '@iot-mesh/platform';
import { eventually, pendingAfterRunningAhead, scrapeMetricSum } from '@iot-mesh/platform/testing';
import type {
  EdgeGatewayClient,
  PublishReadingsRequest,
  PublishReadingsResponse,
} from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import { firstValueFrom, Subject, take, toArray, type Observable } from 'rxjs';
import { deviceMetadata, edgeClient, openEventStream, restClient, spawnGateway } from './gateway-client.js';
import { metricSum } from './stack-clients.js';
import { OPERATOR_TOKEN, signatureIsValid, startTestStack, type TestStack } from './test-stack.js';

const minute = Math.floor(Date.now() / 60_000) * 60_000;
const at = (second: number) => new Date(minute + second * 1000).toISOString();
const json = (id: string, deviceId: string, value: number | string, second: number, unit = 'celsius') => ({
  readingId: id,
  deviceId,
  sensorType: 'SENSOR_TYPE_TEMPERATURE',
  value,
  unit,
  timestamp: at(second),
});
type ErrorBody = {
  error: { status: string; reason: string; message: string; service?: string; details?: { field: string }[] };
};
const errorOf = (body: unknown) => (body as ErrorBody).error;
const AUTH_CACHE_TTL_MS = 3_000;
const READ_AHEAD = 3;

describe('the edge gateway, end to end over REST and gRPC', () => {
  let t: TestStack;
  let rest: ReturnType<typeof restClient>;
  let edge: GrpcClient<EdgeGatewayClient>;

  async function registerDevice(id: string): Promise<string> {
    const created = await rest('POST', '/api/v1/devices', {
      body: {
        id,
        name: id,
        type: 'SENSOR_TYPE_TEMPERATURE',
        ownerEmail: 'ops@example.com',
        status: 'DEVICE_STATUS_ACTIVE',
      },
    });
    expect(created.status).toBe(201);
    const key = await rest('POST', `/api/v1/devices/${id}/keys`, { body: { description: 'e2e' } });
    expect(key.status).toBe(201);
    return (key.body as { apiKey: string }).apiKey;
  }

  beforeAll(async () => {
    // The slow refill and the cache time leave room for a busy machine: 30 requests get 429s unless they
    // take 50 s, and a burst of 30 requests meets one verification unless it takes 3 s.
    t = await startTestStack({
      RATE_LIMIT_DEVICE_PER_SECOND: '0.2',
      RATE_LIMIT_DEVICE_BURST: '20',
      RATE_LIMIT_IP_PER_SECOND: '10000',
      RATE_LIMIT_IP_BURST: '10000',
      AUTH_CACHE_TTL_MS: String(AUTH_CACHE_TTL_MS),
      PUBLISH_STREAM_READ_AHEAD: String(READ_AHEAD),
      // Long enough that a call to the sensor ingestion stopped below waits rather than fails.
      DOWNSTREAM_DEADLINE_MS: '30000',
    });
    rest = restClient(t.stack);
    edge = edgeClient(t.stack);
  }, 120_000);
  afterAll(async () => {
    edge?.close();
    await t?.close();
  });

  it('refuses missing and wrong credentials, and foreign readings', async () => {
    const apiKey = await registerDevice('e2e-auth-1');
    await registerDevice('e2e-auth-2');
    expect(errorOf((await rest('GET', '/api/v1/devices', { as: 'nobody' })).body).reason).toBe(
      'AUTH.MISSING_TOKEN',
    );
    const wrongToken = await fetch(
      `http://127.0.0.1:${t.stack.services.find((s) => s.httpPort)!.httpPort}/api/v1/devices`,
      {
        headers: { authorization: 'Bearer not-the-operator-token' },
      },
    );
    expect(wrongToken.status).toBe(401);
    expect(
      (await rest('POST', '/api/v1/readings', { as: 'nobody', body: json('a1', '', 20, 1) })).status,
    ).toBe(401);
    expect(
      (await rest('POST', '/api/v1/readings', { as: { apiKey: 'imk_garbage' }, body: json('a1', '', 20, 1) }))
        .status,
    ).toBe(401);
    // A device key is not an operator token: the device is known, and may not do this.
    expect((await rest('GET', '/api/v1/devices', { as: { apiKey } })).status).toBe(403);

    const foreign = await rest('POST', '/api/v1/readings', {
      as: { apiKey },
      body: json('a2', 'e2e-auth-2', 20, 1),
    });
    expect(foreign.status).toBe(403);
    expect(errorOf(foreign.body).reason).toBe('AUTH.FOREIGN_DEVICE');

    const keys = (await rest('GET', '/api/v1/devices/e2e-auth-1/keys')).body as { keys: { keyId: string }[] };
    expect((await rest('POST', `/api/v1/devices/e2e-auth-1/keys/${keys.keys[0].keyId}/revoke`)).status).toBe(
      200,
    );
    await eventually(
      async () =>
        (await rest('POST', '/api/v1/readings', { as: { apiKey }, body: json('a3', '', 20, 1) })).status ===
        401
          ? true
          : undefined,
      'the revoked key to be refused',
    );

    const grpcError = await firstValueFrom(
      edge.service.publishReading({ reading: undefined }, deviceMetadata('imk_nope')),
    ).catch((e: ServiceError) => e);
    expect((grpcError as ServiceError).code).toBe(status.UNAUTHENTICATED);
  });

  it('verifies a key once for a burst of concurrent requests, and refreshes it once when the cache time is over', async () => {
    const apiKey = await registerDevice('e2e-auth-burst');
    const verifications = () =>
      metricSum(t.stack, 'device-registry', 'grpc_server_handled_total', '"VerifyDeviceKey"');
    const burst = async () =>
      (
        await Promise.all(
          Array.from({ length: 30 }, () =>
            rest(
              'GET',
              '/api/v1/aggregates?deviceId=e2e-auth-burst&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_MINUTE',
              { as: { apiKey } },
            ),
          ),
        )
      ).map((response) => response.status);
    const before = await verifications();
    expect(await burst()).toEqual(Array(30).fill(200));
    expect(await verifications()).toBe(before + 1);
    await new Promise((resolve) => setTimeout(resolve, AUTH_CACHE_TTL_MS + 200));
    expect(await burst()).toEqual(Array(30).fill(200));
    await eventually(
      async () => ((await verifications()) > before + 1 ? true : undefined),
      'the expired key to be verified again',
    );
    expect(await verifications()).toBe(before + 2);
  });

  it('refuses a revoked key once its cached answer is more than one cache time past expiry', async () => {
    await registerDevice('e2e-auth-revoked');
    const issued = await rest('POST', '/api/v1/devices/e2e-auth-revoked/keys', { body: {} });
    const { apiKey, key } = issued.body as { apiKey: string; key: { keyId: string } };
    const read = async () =>
      (
        await rest(
          'GET',
          '/api/v1/aggregates?deviceId=e2e-auth-revoked&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_MINUTE',
          { as: { apiKey } },
        )
      ).status;
    expect(await read()).toBe(200);
    const revoked = await rest('POST', `/api/v1/devices/e2e-auth-revoked/keys/${key.keyId}/revoke`);
    expect(revoked.status).toBe(200);
    // The answer cached before the revocation is now more than one cache time past its expiry.
    await new Promise((resolve) => setTimeout(resolve, 2 * AUTH_CACHE_TTL_MS + 300));
    expect(await read()).toBe(401);
  });

  it('answers bad input with clear 4xx JSON errors', async () => {
    const apiKey = await registerDevice('e2e-input-1');
    const device = { apiKey };
    expect((await rest('POST', '/api/v1/readings', { as: device, rawBody: '{"readingId": ' })).status).toBe(
      400,
    );
    expect(
      errorOf((await rest('POST', '/api/v1/readings', { as: device, rawBody: '{"readingId": ' })).body)
        .reason,
    ).toBe('HTTP.MALFORMED_JSON');
    // Valid JSON with a __proto__ key is refused for the key, not called malformed.
    const poisoned = await rest('POST', '/api/v1/readings', {
      as: device,
      rawBody: '{"readingId":"p1","__proto__":{"value":1}}',
    });
    expect([poisoned.status, errorOf(poisoned.body).reason]).toEqual([400, 'HTTP.FORBIDDEN_KEY']);
    expect(
      (await rest('POST', '/api/v1/readings', { as: device, rawBody: 'r1,20', contentType: 'text/csv' }))
        .status,
    ).toBe(415);
    expect(
      (
        await rest('POST', '/api/v1/readings', {
          as: device,
          rawBody: JSON.stringify({ pad: 'x'.repeat(2_000_000) }),
        })
      ).status,
    ).toBe(413);
    const wrongType = await rest('POST', '/api/v1/readings', {
      as: device,
      body: { ...json('b1', '', 20, 1), value: { nested: true } },
    });
    expect(wrongType.status).toBe(400);
    expect(errorOf(wrongType.body).details?.[0]?.field).toBe('value');
    const notFinite = await rest('POST', '/api/v1/readings', { as: device, body: json('b2', '', 'NaN', 1) });
    expect(notFinite.status).toBe(400);
    expect(errorOf(notFinite.body).service).toBe('sensor-ingestion');
    const tooMany = await rest('POST', '/api/v1/readings/batch', {
      as: device,
      body: { readings: Array.from({ length: 1001 }, (_, i) => json(`c${i}`, '', 20, 1)) },
    });
    expect(tooMany.status).toBe(400);
    expect((await rest('GET', '/api/v1/nothing-here')).status).toBe(404);
    expect((await rest('POST', '/api/v1/data-processor/ProcessReadings', { body: {} })).status).toBe(404);
    expect((await rest('GET', '/api/v1/devices/unknown-device-9')).status).toBe(404);

    // A huge value echoed in an error is cut, so the answer stays decodable and the connection serves on.
    const grpcReading = (unit: string) => ({
      readingId: 'b3',
      deviceId: '',
      sensorType: 1,
      value: 20,
      unit,
      timestamp: { seconds: Math.floor(minute / 1000), nanos: 0 },
      customSensor: '',
    });
    const hugeUnit = await firstValueFrom(
      edge.service.publishReading({ reading: grpcReading('u'.repeat(40_000)) }, deviceMetadata(apiKey)),
    ).catch((e: ServiceError) => e);
    expect((hugeUnit as ServiceError).code).toBe(status.INVALID_ARGUMENT);
    expect((hugeUnit as ServiceError).details.length).toBeLessThanOrEqual(500);
    const sameConnection = await firstValueFrom(
      edge.service.publishReading({ reading: grpcReading('celsius') }, deviceMetadata(apiKey)),
    );
    expect(sameConnection.duplicate).toBe(false);
  });

  it('reads and writes proto3 JSON: rule durations, and the pass-through refuses what the mapping refuses', async () => {
    const rule = {
      name: 'json-rule',
      scope: { deviceId: 'e2e-json-1' },
      sensorType: 'SENSOR_TYPE_TEMPERATURE',
      operator: 'OPERATOR_GREATER_THAN',
      threshold: 30,
      forDuration: '3600s',
      severity: 'SEVERITY_WARNING',
      enabled: true,
    };
    const created = await rest('POST', '/api/v1/rules', { body: rule });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    expect(created.body).toMatchObject({ forDuration: '3600s', hysteresis: 0 });
    expect((await rest('GET', `/api/v1/rules/${id}`)).body).toMatchObject({ forDuration: '3600s' });
    const changed = await rest('PATCH', `/api/v1/rules/${id}?updateMask=forDuration`, {
      body: { forDuration: '90.5s' },
    });
    expect(changed.body).toMatchObject({ forDuration: '90.500s', threshold: 30 });
    const tooLong = await rest('POST', '/api/v1/rules', { body: { ...rule, forDuration: '90000s' } });
    expect(tooLong.status).toBe(400);
    expect(errorOf(tooLong.body).reason).toBe('RULE.INVALID');
    // The same rule through the pass-through, in the same JSON form.
    const viaPassThrough = await rest('POST', '/api/v1/alert-manager/GetRule', { body: { id } });
    expect(viaPassThrough.body).toMatchObject({ rule: { id, forDuration: '90.500s' } });

    const refused = async (method: string, path: string, body?: unknown) => {
      const answer = await rest(method, path, body === undefined ? {} : { body });
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      return errorOf(answer.body);
    };
    const wrongType = await refused('POST', '/api/v1/device-registry/ListDevices', { pageSize: 'abc' });
    expect(wrongType).toMatchObject({ reason: 'REQUEST.INVALID', status: 'INVALID_ARGUMENT' });
    expect(wrongType.details?.[0]?.field).toBe('pageSize');
    await refused('POST', '/api/v1/device-registry/ListDevices', { pageSize: 2.5 });
    await refused('POST', '/api/v1/device-registry/ListDevices', { statuss: 'DEVICE_STATUS_ACTIVE' });
    await refused('GET', '/api/v1/device-registry/ListDevices?pageSize=1&pageSize=2');
    await refused('POST', '/api/v1/sensor-ingestion/IngestBatch', { readings: [null] });
    await refused('POST', '/api/v1/device-registry/CreateDevice', {
      device: { id: 'e2e-json-2', name: true, ownerEmail: 'ops@example.com' },
    });
    await refused('POST', '/api/v1/data-processor/GetAggregates', { startTime: 'yesterday' });
    await refused('POST', '/api/v1/alert-manager/CreateRule', {
      rule: { ...rule, scope: { deviceId: 'e2e-json-1', allDevices: true } },
    });
    await refused('POST', '/api/v1/device-registry/ListDevices', null);
    await refused('POST', '/api/v1/rules', { ...rule, scope: { deviceId: 'e2e-json-1', allDevices: true } });
    const unknownType = await refused('GET', '/api/v1/devices?type=SENSOR_TYPE_WIND');
    expect(unknownType.details?.[0]).toMatchObject({ field: 'type' });
    await refused('GET', '/api/v1/aggregates?sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_DAY');
    await refused(
      'GET',
      `/api/v1/aggregates?sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_MINUTE&startTime=${at(0)}`,
    );
    expect((await rest('GET', '/api/v1/devices?type=SENSOR_TYPE_TEMPERATURE&pageSize=1')).status).toBe(200);
    // A query parameter a route does not take is refused, not ignored: a misspelt filter would list everything.
    for (const path of [
      '/api/v1/alerts?stat=ALERT_STATE_FIRING',
      '/api/v1/devices?pageSize=1&sort=name',
      `/api/v1/aggregates?sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_MINUTE&endTime=${at(0)}`,
      '/api/v1/rules?sensor=SENSOR_TYPE_TEMPERATURE',
    ]) {
      expect({ path, error: await refused('GET', path) }).toMatchObject({
        path,
        error: { details: [{ field: 'query', reason: 'FIELD.UNKNOWN' }] },
      });
    }
    // Routes that read no query string refuse one too, before anything takes effect.
    const dryRun = await refused('POST', '/api/v1/devices?dryRun=true', {
      id: 'e2e-json-dry',
      name: 'dry',
      type: 'SENSOR_TYPE_TEMPERATURE',
      ownerEmail: 'ops@example.com',
    });
    expect(dryRun.details?.[0]).toMatchObject({ field: 'query', reason: 'FIELD.UNKNOWN' });
    expect((await rest('GET', '/api/v1/devices/e2e-json-dry')).status).toBe(404);
    await refused('POST', '/api/v1/alert-manager/ListAlerts?filter.state=ALERT_STATE_RESOLVED', {});
    // A sensor type the rules list does not know is named, as on the other lists.
    const unknownSensor = await refused('GET', '/api/v1/rules?sensorType=SENSOR_TYPE_WIND');
    expect(unknownSensor.message).toContain('SENSOR_TYPE_WIND');
    // proto3 JSON durations have at most nine fractional digits: more is refused naming the field.
    const fine = await refused('POST', '/api/v1/rules', { ...rule, forDuration: '1.0000000000s' });
    expect(fine.details?.[0]).toMatchObject({ field: 'forDuration' });
    expect((await rest('GET', '/api/v1/device-registry/GetDevice?id=e2e-json-2')).status).toBe(404);
    // Nested fields by dotted path, as grpc-gateway reads a query string.
    const firing = await rest(
      'GET',
      '/api/v1/alert-manager/ListAlerts?filter.state=ALERT_STATE_FIRING&pageSize=5',
    );
    expect(firing.status).toBe(200);
    await refused('GET', '/api/v1/alert-manager/ListAlerts?filter.state=LOUD');
    await refused('GET', '/api/v1/alert-manager/ListAlerts?__proto__.polluted=1');
    const apiKey = await registerDevice('e2e-json-3');
    // A body on a route that reads none is refused rather than ignored; the key is not rotated.
    const [key] = (
      (await rest('GET', '/api/v1/devices/e2e-json-3/keys')).body as { keys: { keyId: string }[] }
    ).keys;
    const forced = await refused('POST', `/api/v1/devices/e2e-json-3/keys/${key.keyId}/rotate`, {
      force: true,
    });
    expect(forced.details?.[0]).toMatchObject({ field: 'body', reason: 'FIELD.UNKNOWN' });
    expect((await rest('GET', '/api/v1/devices/e2e-json-3/keys')).body).toMatchObject({
      keys: [{ keyId: key.keyId, state: 'KEY_STATE_ACTIVE' }],
    });
    // A JSON Content-Type with no body at all (as clients send on a DELETE) is no body: a route that
    // reads none takes it, and one that needs one says what is missing.
    const bare = { rawBody: '', contentType: 'application/json' };
    await registerDevice('e2e-json-4');
    expect((await rest('POST', '/api/v1/devices/e2e-json-4/decommission', bare)).status).toBe(200);
    const noRule = await rest('POST', '/api/v1/rules', bare);
    expect(noRule.status).toBe(400);
    expect(errorOf(noRule.body).reason).toBe('RULE.INVALID');
    expect(errorOf(noRule.body).details?.[0]).toMatchObject({ field: 'name', reason: 'FIELD.REQUIRED' });
    const listed = await rest('GET', '/api/v1/device-registry/ListDevices?pageSize=1');
    expect(listed.status).toBe(200);
    expect((listed.body as { devices: unknown[] }).devices).toHaveLength(1);

    // Zero values are written out too: a rejection of the first reading says index 0.
    const batch = await rest('POST', '/api/v1/readings/batch', {
      as: { apiKey },
      body: { readings: [json('j1', '', 9999, 1), json('j2', '', 20, 2)] },
    });
    expect(batch.body).toMatchObject({ rejections: [{ index: 0, readingId: 'j1' }] });
    // A batch says which of its readings had been accepted before.
    const again = await rest('POST', '/api/v1/readings/batch', {
      as: { apiKey },
      body: { readings: [json('j3', '', 21, 3), json('j2', '', 20, 2)] },
    });
    expect(again.body).toMatchObject({ acceptedCount: 1, duplicateCount: 1, duplicateIndexes: [1] });

    // Only the methods that read may be called with GET.
    const mutatingGet = await rest('GET', '/api/v1/device-registry/DecommissionDevice?id=e2e-json-3');
    expect(mutatingGet.status).toBe(405);
    expect(mutatingGet.headers.get('allow')).toBe('POST');
    expect(errorOf(mutatingGet.body).reason).toBe('HTTP.METHOD_NOT_ALLOWED');
    expect((await rest('DELETE', '/api/v1/device-registry/GetDevice?id=e2e-json-3')).status).toBe(405);
    expect((await rest('GET', '/api/v1/devices/e2e-json-3')).body).toMatchObject({
      status: 'DEVICE_STATUS_ACTIVE',
    });

    // An alert filter or Last-Event-ID that is not valid is refused before an event stream starts.
    const badStreams = [
      await rest('GET', '/api/v1/alerts/stream?state=BOGUS'),
      await rest('GET', '/api/v1/alerts/stream', { headers: { 'last-event-id': '99999999999999999999' } }),
      await rest('GET', '/api/v1/alerts/stream', { headers: { 'last-event-id': 'abc' } }),
      await rest('GET', '/api/v1/alerts?severity=LOUD'),
    ];
    expect(badStreams.map((answer) => [answer.status, errorOf(answer.body)?.reason])).toEqual(
      Array(4).fill([400, 'REQUEST.INVALID']),
    );
    // HEAD on the event stream answers its headers and ends, instead of holding a stream open.
    const head = await fetch(
      `http://127.0.0.1:${t.stack.services.find((s) => s.httpPort)!.httpPort}/api/v1/alerts/stream`,
      {
        method: 'HEAD',
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
        signal: AbortSignal.timeout(5_000),
      },
    );
    expect([head.status, head.headers.get('content-type')]).toEqual([200, 'text/event-stream']);

    const extraQuery = await refused('PATCH', '/api/v1/devices/e2e-json-3?updateMask=name&force=true', {
      name: 'renamed',
    });
    expect(extraQuery.details?.[0]).toMatchObject({ field: 'query' });
    // A body of null is not an object: it changes nothing.
    const located = await rest('PATCH', '/api/v1/devices/e2e-json-3?updateMask=location', {
      body: { location: { site: 'plant-1' } },
    });
    expect(located.status).toBe(200);
    expect(
      (await rest('PATCH', '/api/v1/devices/e2e-json-3?updateMask=location', { body: null })).status,
    ).toBe(400);
    expect((await rest('GET', '/api/v1/devices/e2e-json-3')).body).toMatchObject({
      location: { site: 'plant-1' },
    });
  });

  it('refuses bodies that are not UTF-8 JSON, wrong methods and broken HTTP with the same error JSON', async () => {
    const gateway = t.stack.services.find((s) => s.name === 'edge-gateway')!;
    const send = async (
      method: string,
      path: string,
      body?: Uint8Array,
      headers: Record<string, string> = {},
    ) => {
      const response = await fetch(`http://127.0.0.1:${gateway.httpPort}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${OPERATOR_TOKEN}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body,
      });
      const error = errorOf(JSON.parse(await response.text()) as unknown);
      return { status: response.status, reason: error.reason, allow: response.headers.get('allow') };
    };
    const device = (name: string) =>
      `{"id":"e2e-utf8","name":"${name}","type":"SENSOR_TYPE_TEMPERATURE","ownerEmail":"ops@example.com"}`;
    const latin1 = Buffer.from(device('Caf\u00e9'), 'latin1');
    expect(await send('POST', '/api/v1/devices', latin1)).toMatchObject({
      status: 400,
      reason: 'HTTP.NOT_UTF8',
    });
    expect(
      await send('POST', '/api/v1/devices', latin1, {
        'content-type': 'application/json; charset=ISO-8859-1',
      }),
    ).toMatchObject({ status: 415, reason: 'HTTP.UNSUPPORTED_CHARSET' });
    expect(
      await send('POST', '/api/v1/devices', gzipSync(device('Cafe')), { 'content-encoding': 'gzip' }),
    ).toMatchObject({ status: 415, reason: 'HTTP.UNSUPPORTED_ENCODING' });
    // A JSON escape of half a surrogate pair is valid UTF-8 bytes but no text protobuf can hold.
    const loneSurrogate = await send('POST', '/api/v1/devices', Buffer.from(device('Caf\\ud800')));
    expect(loneSurrogate).toMatchObject({ status: 400, reason: 'REQUEST.INVALID' });
    expect((await rest('GET', '/api/v1/devices/e2e-utf8')).status).toBe(404);
    const utf8 = Buffer.from(device('Caf\u00e9 \u2615'), 'utf8');
    const created = await fetch(`http://127.0.0.1:${gateway.httpPort}/api/v1/devices`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${OPERATOR_TOKEN}`,
        'content-type': 'application/json; charset=utf-8',
      },
      body: utf8,
    });
    expect(created.status).toBe(201);
    expect((await rest('GET', '/api/v1/devices/e2e-utf8')).body).toMatchObject({ name: 'Caf\u00e9 \u2615' });

    expect(await send('PUT', '/api/v1/devices')).toEqual({
      status: 405,
      reason: 'HTTP.METHOD_NOT_ALLOWED',
      allow: 'POST, GET, HEAD',
    });
    expect(await send('POST', '/api/v1/devices/e2e-utf8', Buffer.from('{}'))).toMatchObject({
      status: 405,
      allow: 'GET, PATCH, HEAD',
    });
    // A trailing slash names the same resource: served, not a 405 naming the method that was used.
    expect((await rest('GET', '/api/v1/devices/e2e-utf8/')).body).toMatchObject({ id: 'e2e-utf8' });
    expect((await rest('GET', '/health/')).status).toBe(200);
    expect(await send('PUT', '/api/v1/devices/')).toMatchObject({ status: 405, allow: 'POST, GET, HEAD' });
    // The document and its page are read-only too; a file the page does not load stays a 404.
    for (const path of ['/openapi.json', '/docs', '/docs/swagger-ui.css', '/docs/', '/openapi.json/']) {
      expect({ path, answer: await send('PUT', path) }).toEqual({
        path,
        answer: { status: 405, reason: 'HTTP.METHOD_NOT_ALLOWED', allow: 'GET, HEAD' },
      });
    }
    expect(await send('PUT', '/docs/package.json')).toMatchObject({ status: 404 });
    expect(await send('GET', '/api/v1/devices/%ff')).toMatchObject({ status: 400, reason: 'HTTP.BAD_URL' });
    // In the query string too: `%ZZ` is not the text "%ZZ".
    for (const query of ['site=%ZZ', 'site=%E0%A4%A', 'site=%']) {
      expect({ query, answer: await send('GET', `/api/v1/devices?${query}`) }).toMatchObject({
        query,
        answer: { status: 400, reason: 'HTTP.BAD_URL' },
      });
    }
    expect((await rest('GET', '/api/v1/devices?site=plant%201&pageSize=1')).status).toBe(200);
    expect((await rest('GET', `/api/v1/devices/${'d'.repeat(150)}`)).status).toBe(404);

    // Requests Node refuses before any route: the answer is still the API's JSON.
    const rawExchange = async (request: string) => {
      const socket = connect(gateway.httpPort ?? 0, '127.0.0.1');
      await once(socket, 'connect');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.end(request);
      await once(socket, 'close');
      const text = Buffer.concat(chunks).toString();
      return {
        statusLine: text.split('\r\n')[0],
        reason: (/"reason":"([^"]+)"/.exec(text) ?? [])[1],
        status: (/"status":"([^"]+)"/.exec(text) ?? [])[1],
      };
    };
    expect(
      await rawExchange(`GET /health HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`),
    ).toEqual({
      statusLine: 'HTTP/1.1 431 Request Header Fields Too Large',
      reason: 'HTTP.HEADERS_TOO_LARGE',
      status: 'RESOURCE_EXHAUSTED',
    });
    expect(await rawExchange('FOO /health HTTP/1.1\r\nhost: x\r\n\r\n')).toEqual({
      statusLine: 'HTTP/1.1 400 Bad Request',
      reason: 'HTTP.MALFORMED_REQUEST',
      status: 'INVALID_ARGUMENT',
    });
    expect(await rawExchange('CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n')).toEqual({
      statusLine: 'HTTP/1.1 405 Method Not Allowed',
      reason: 'HTTP.METHOD_NOT_ALLOWED',
      status: 'UNIMPLEMENTED',
    });
  });

  it('times every REST request by method, route pattern and status code', async () => {
    const apiKey = await registerDevice('e2e-timed-1');
    const requests = (labels: string) =>
      metricSum(t.stack, 'edge-gateway', 'http_server_request_duration_seconds_count', labels);
    const published = 'method="POST",route="/api/v1/readings",status_code="200"';
    const refused = 'method="POST",route="/api/v1/readings",status_code="401"';
    const unrouted = 'method="GET",route="",status_code="404"';
    const deviceRead = 'method="GET",route="/api/v1/devices/:id",status_code="200"';
    // A 405 is timed under the resource it named, not under the pass-through that matched the path.
    const wrongMethod = 'method="POST",route="/api/v1/devices/:id",status_code="405"';
    // An event stream ends when its client closes it, and is timed then.
    const streamed = 'method="GET",route="/api/v1/alerts/stream",status_code="200"';
    const labels = [published, refused, unrouted, deviceRead, wrongMethod, streamed];
    const before = await Promise.all(labels.map(requests));

    for (const id of ['t1', 't2', 't3']) {
      expect(
        (await rest('POST', '/api/v1/readings', { as: { apiKey }, body: json(id, '', 20, 2) })).status,
      ).toBe(200);
    }
    expect(
      (await rest('POST', '/api/v1/readings', { as: { apiKey: 'not-a-key' }, body: json('t4', '', 20, 2) }))
        .status,
    ).toBe(401);
    expect((await rest('GET', '/api/v1/nothing-here')).status).toBe(404);
    expect((await rest('GET', '/api/v1/devices/e2e-timed-1')).status).toBe(200);
    expect((await rest('POST', '/api/v1/devices/e2e-timed-1', { body: {} })).status).toBe(405);
    const stream = await openEventStream(
      `http://127.0.0.1:${t.stack.services.find((s) => s.httpPort)!.httpPort}/api/v1/alerts/stream`,
      OPERATOR_TOKEN,
    );
    expect(stream.status).toBe(200);
    await stream.stop();

    await eventually(async () => {
      const after = await Promise.all(labels.map(requests));
      expect(after.map((count, index) => count - (before[index] ?? 0))).toEqual([3, 1, 1, 1, 1, 1]);
      return true;
    }, 'every request counted under its route');
    // Labelled by the route's pattern: no series names the device.
    expect(await requests('e2e-timed-1')).toBe(0);
  });

  it('answers 413 to a body over the limit while it is still being sent, and keeps the connection', async () => {
    const apiKey = await registerDevice('e2e-input-2');
    const gateway = t.stack.services.find((s) => s.name === 'edge-gateway')!;
    const socket = connect(gateway.httpPort!, '127.0.0.1');
    await once(socket, 'connect');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const answered = async (pattern: RegExp) => {
      while (!pattern.test(received)) await once(socket, 'data');
    };
    const size = 2_000_000;
    socket.write(
      [
        'POST /api/v1/readings HTTP/1.1',
        'host: 127.0.0.1',
        `x-api-key: ${apiKey}`,
        'content-type: application/json',
        `content-length: ${size}`,
        '',
        '{"pad":"',
      ].join('\r\n'),
    );
    // The answer comes while the client has sent only the first bytes of its body.
    await answered(/HTTP\.BODY_TOO_LARGE/);
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    // The rest of the body is read and dropped, not cut off, and the connection serves the next request.
    received = '';
    socket.write(`${'x'.repeat(size - 10)}"}`);
    socket.write('GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    await answered(/\r\n\r\n/);
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    socket.destroy();
  });

  it('walks the whole flow: gRPC stream publishing, REST aggregates, SSE and gRPC alert streams, signed webhooks', async () => {
    const apiKey = await registerDevice('e2e-flow-1');
    const rule = await rest('POST', '/api/v1/rules', {
      body: {
        name: 'too hot',
        scope: { deviceId: 'e2e-flow-1' },
        sensorType: 'SENSOR_TYPE_TEMPERATURE',
        operator: 'OPERATOR_GREATER_THAN',
        threshold: 30,
        hysteresis: 1,
        severity: 'SEVERITY_CRITICAL',
        enabled: true,
      },
    });
    expect(rule.status).toBe(201);

    const sse = await openEventStream(
      `http://127.0.0.1:${t.stack.services.find((s) => s.httpPort)!.httpPort}/api/v1/alerts/stream?deviceId=e2e-flow-1`,
      OPERATOR_TOKEN,
    );
    expect([sse.status, sse.contentType]).toEqual([200, 'text/event-stream']);
    // An operator's stream without a filter carries every device's alerts.
    const everything = await openEventStream(
      `http://127.0.0.1:${t.stack.services.find((s) => s.httpPort)!.httpPort}/api/v1/alerts/stream`,
      OPERATOR_TOKEN,
    );
    expect(everything.status).toBe(200);
    // A device names only itself.
    const foreignStream = await rest('GET', '/api/v1/alerts/stream?deviceId=e2e-someone-else', {
      as: { apiKey },
    });
    expect([foreignStream.status, errorOf(foreignStream.body).reason]).toEqual([403, 'AUTH.FOREIGN_DEVICE']);
    const watched = firstValueFrom(
      edge.service
        .watchAlerts({ resumeAfterSequence: 0, replayFromStart: false }, deviceMetadata(apiKey))
        .pipe(take(2), toArray()),
    );

    const batches = new Subject<PublishReadingsRequest>();
    const acks = firstValueFrom(
      edge.service.publishReadings(batches, deviceMetadata(apiKey)).pipe(take(2), toArray()),
    );
    const reading = (id: string, value: number, second: number) => ({
      readingId: id,
      deviceId: '',
      sensorType: 1,
      value,
      unit: 'celsius',
      timestamp: { seconds: Math.floor((minute + second * 1000) / 1000), nanos: 0 },
      customSensor: '',
    });
    batches.next({
      batchId: 'b-1',
      readings: [reading('f1', 20, 1), reading('f2', 25, 2), reading('f-bad', Number.POSITIVE_INFINITY, 3)],
    });
    batches.next({ batchId: 'b-2', readings: [reading('f1', 20, 1)] });
    const [first, second] = await acks;
    batches.complete();
    expect(first).toMatchObject({ batchId: 'b-1', acceptedCount: 2, duplicateCount: 0 });
    expect(first.rejections.map((r) => r.readingId)).toEqual(['f-bad']);
    expect(second).toMatchObject({
      batchId: 'b-2',
      acceptedCount: 0,
      duplicateCount: 1,
      duplicateIndexes: [0],
    });

    const aggregates = await rest(
      'GET',
      '/api/v1/aggregates?sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_HOUR',
      { as: { apiKey } },
    );
    expect(aggregates.status).toBe(200);
    expect((aggregates.body as { aggregates: unknown[] }).aggregates[0]).toMatchObject({
      deviceId: 'e2e-flow-1',
      // 64-bit integers are strings in proto3 JSON.
      count: '2',
      min: 20,
      max: 25,
      avg: 22.5,
    });

    expect(
      (await rest('POST', '/api/v1/readings', { as: { apiKey }, body: json('f3', '', 35, 4) })).status,
    ).toBe(200);
    const firingHook = await eventually(
      () => t.webhook.received.find((h) => h.body.includes('e2e-flow-1')),
      'the firing webhook',
    );
    expect(signatureIsValid(firingHook)).toBe(true);
    const sseEvent = await eventually(() => sse.events[0], 'an SSE alert event');
    await eventually(
      () => everything.events.find((event) => event.id === sseEvent.id),
      'the same alert event on the unfiltered stream',
    );
    await everything.stop();
    expect(sseEvent.event).toBe('alert');
    expect(JSON.parse(sseEvent.data)).toMatchObject({
      // The event's id is its sequence, which proto3 JSON writes as a string.
      sequence: sseEvent.id,
      type: 'ALERT_EVENT_TYPE_FIRING',
      alert: { deviceId: 'e2e-flow-1', state: 'ALERT_STATE_FIRING' },
    });

    expect(
      (await rest('POST', '/api/v1/readings', { as: { apiKey }, body: json('f4', '', 20, 5) })).status,
    ).toBe(200);
    const events = await watched;
    expect(events.map((e) => e.event?.type)).toEqual([2, 3]); // FIRING, then RESOLVED
    const alertId = events[0].event!.alert!.id;
    const resolved = await rest('GET', `/api/v1/alerts/${alertId}`);
    expect((resolved.body as { state: string }).state).toBe('ALERT_STATE_RESOLVED');
    await sse.stop();

    // A watcher that saw nothing yet can still ask for everything stored: resume point 0.
    const replayed = await openEventStream(
      `http://127.0.0.1:${t.stack.services.find((s) => s.httpPort)!.httpPort}/api/v1/alerts/stream?deviceId=e2e-flow-1&resumeAfter=0`,
      OPERATOR_TOKEN,
    );
    await eventually(() => replayed.events[1], 'both stored events replayed over SSE');
    await replayed.stop();
    expect(replayed.events.map((e) => Number(e.id))).toEqual(events.map((e) => e.event!.sequence));
    const replayedOverGrpc = await firstValueFrom(
      edge.service
        .watchAlerts({ resumeAfterSequence: 0, replayFromStart: true }, deviceMetadata(apiKey))
        .pipe(take(2), toArray()),
    );
    expect(replayedOverGrpc.map((e) => e.event?.sequence)).toEqual(events.map((e) => e.event!.sequence));
  });

  /** A stream's acknowledgements as they arrive, and how it ended: its error, or null. */
  function recordAcks(acks$: Observable<PublishReadingsResponse>) {
    const acks: PublishReadingsResponse[] = [];
    const ended = new Promise<unknown>((resolve) =>
      acks$.subscribe({ next: (ack) => acks.push(ack), error: resolve, complete: () => resolve(null) }),
    );
    return { acks, ended };
  }

  /** A device's PublishReadings streams; batch i carries two readings with ids from the device and i. */
  async function deviceStreams(deviceId: string) {
    const apiKey = await registerDevice(deviceId);
    const open = (gateway: EdgeGatewayClient = edge.service) => {
      const batches = new Subject<PublishReadingsRequest>();
      const send = (i: number) =>
        batches.next({
          batchId: `${deviceId}-${i}`,
          readings: [0, 1].map((n) => ({
            readingId: `${deviceId}-${i}-${n}`,
            deviceId: '',
            sensorType: 1,
            value: 20 + n,
            unit: 'celsius',
            timestamp: { seconds: Math.floor((minute + 7_000) / 1000), nanos: 0 },
            customSensor: '',
          })),
        });
      return { batches, send, acks: gateway.publishReadings(batches, deviceMetadata(apiKey)) };
    };
    return Object.assign(open, { apiKey });
  }
  const pendingBatches = () => metricSum(t.stack, 'edge-gateway', 'edge_gateway_publish_batches_pending');

  /** Sends `count` batches while the sensor ingestion process is stopped; how many the gateway then held. */
  async function heldWhileIngestionStopped(send: (i: number) => void, count: number, hangUp = () => {}) {
    const ingestion = t.stack.processes().find((p) => p.name === 'sensor-ingestion')!;
    process.kill(ingestion.pid, 'SIGSTOP');
    try {
      const held = await pendingAfterRunningAhead({
        pending: pendingBatches,
        sendFirst: () => send(0),
        sendRest: () => {
          for (let i = 1; i < count; i++) send(i);
        },
        limit: READ_AHEAD,
      });
      hangUp();
      return held;
    } finally {
      process.kill(ingestion.pid, 'SIGCONT');
    }
  }

  it('keeps the readings of two devices that use the same ids, also when they share a call to ingestion', async () => {
    const devices = ['e2e-same-ids-a', 'e2e-same-ids-b'];
    const keys = await Promise.all(devices.map(registerDevice));
    const count = 8; // per device, with the first reading within its burst of 20
    const ingestBatchCalls = () =>
      metricSum(t.stack, 'sensor-ingestion', 'grpc_server_handled_total', '"IngestBatch"');
    const publish = (d: number, readingId: string, second: number) =>
      rest('POST', '/api/v1/readings', {
        as: { apiKey: keys[d] },
        body: json(readingId, devices[d], 20, second),
      });
    // Both keys verified and cached first, so the requests below reach the batcher in the order sent.
    expect(
      (await Promise.all([publish(0, 'first', 5), publish(1, 'first', 5)])).map((a) => a.status),
    ).toEqual([200, 200]);
    const callsBefore = await ingestBatchCalls();
    // With the sensor ingestion process stopped, the requests gather behind the calls already out and
    // go to ingestion together once it runs again: readings of both devices with the same ids in one call.
    const ingestion = t.stack.processes().find((p) => p.name === 'sensor-ingestion')!;
    process.kill(ingestion.pid, 'SIGSTOP');
    let answers: Promise<{ status: number; body: unknown }>[];
    try {
      answers = Array.from({ length: count }, (_, i) => [
        publish(0, `same-${i}`, 10 + i),
        publish(1, `same-${i}`, 10 + i),
      ]).flat();
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      process.kill(ingestion.pid, 'SIGCONT');
    }
    const answered = await Promise.all(answers);
    expect(answered.map((a) => a.status)).toEqual(Array(2 * count).fill(200));
    // Each is a new reading of its own device: none is taken for the other device's copy.
    expect(answered.map((a) => (a.body as { duplicate: boolean }).duplicate)).toEqual(
      Array(2 * count).fill(false),
    );
    expect((await ingestBatchCalls()) - callsBefore).toBeLessThan(2 * count);
    for (const [d, deviceId] of devices.entries()) {
      const minute = await rest(
        'GET',
        `/api/v1/aggregates?deviceId=${deviceId}&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_MINUTE`,
        { as: { apiKey: keys[d] } },
      );
      expect((minute.body as { aggregates: unknown[] }).aggregates).toEqual([
        expect.objectContaining({ deviceId, count: String(count + 1) }),
      ]);
    }
  });

  it("tells each batch that shared a call to ingestion only its own readings' outcome", async () => {
    const devices = ['e2e-merge-a', 'e2e-merge-b'];
    const keys = await Promise.all(devices.map(registerDevice));
    const ingestBatchCalls = () =>
      metricSum(t.stack, 'sensor-ingestion', 'grpc_server_handled_total', '"IngestBatch"');
    const publish = (d: number, readings: ReturnType<typeof json>[]) =>
      rest('POST', '/api/v1/readings/batch', { as: { apiKey: keys[d] }, body: { readings } });
    const warmUp = await Promise.all([0, 1].map((d) => publish(d, [json('first', devices[d], 20, 5)])));
    expect(warmUp.map((a) => a.status)).toEqual([200, 200]);
    const callsBefore = await ingestBatchCalls();
    const original = [json('m-1', '', 20, 10), json('m-2', '', 500, 11), json('m-3', '', 21, 12)];
    const ingestion = t.stack.processes().find((p) => p.name === 'sensor-ingestion')!;
    process.kill(ingestion.pid, 'SIGSTOP');
    let answers: Promise<{ status: number; body: unknown }>[];
    try {
      // Two batches take both call slots (BATCH_MERGE_MAX_IN_FLIGHT) and wait on the stopped
      // ingestion; everything sent after them gathers into one call.
      const openers = [publish(1, [json('o-1', '', 20, 8)]), publish(1, [json('o-2', '', 20, 9)])];
      await new Promise((resolve) => setTimeout(resolve, 300));
      answers = [
        publish(0, original),
        // The device's retry, racing its original; the other device uses the same ids.
        publish(0, original),
        publish(1, [json('m-1', '', 20, 10), json('m-2', '', 22, 11), json('m-4', '', 'NaN', 12)]),
        publish(0, [json('m-9', '', 20, 13), json('m-9', '', 20, 13)]),
        ...openers,
      ];
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      process.kill(ingestion.pid, 'SIGCONT');
    }
    const answered = await Promise.all(answers);
    expect(answered.map((a) => a.status)).toEqual(Array(6).fill(200));
    type Outcome = {
      acceptedCount: number;
      duplicateCount: number;
      rejections: { index: number; reason: string }[];
    };
    const outcome = (body: unknown) => {
      const { acceptedCount, duplicateCount, rejections } = body as Outcome;
      return { acceptedCount, duplicateCount, rejected: rejections.map((r) => [r.index, r.reason]) };
    };
    const outOfRange = [[1, 'READING.OUT_OF_RANGE']];
    // Whichever of the original and its retry came first is new; the other is its duplicate.
    expect(
      answered
        .slice(0, 2)
        .map((a) => outcome(a.body))
        .sort((x, y) => y.acceptedCount - x.acceptedCount),
    ).toEqual([
      { acceptedCount: 2, duplicateCount: 0, rejected: outOfRange },
      { acceptedCount: 0, duplicateCount: 2, rejected: outOfRange },
    ]);
    expect(outcome(answered[2].body)).toEqual({
      acceptedCount: 2,
      duplicateCount: 0,
      rejected: [[2, 'READING.NOT_FINITE']],
    });
    expect(outcome(answered[3].body)).toEqual({
      acceptedCount: 1,
      duplicateCount: 0,
      rejected: [[1, 'READING.DUPLICATE_IN_BATCH']],
    });
    expect((await ingestBatchCalls()) - callsBefore).toBe(3);
    for (const [d, count] of [4, 5].entries()) {
      const minute = await rest(
        'GET',
        `/api/v1/aggregates?deviceId=${devices[d]}&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_MINUTE`,
        { as: { apiKey: keys[d] } },
      );
      expect((minute.body as { aggregates: unknown[] }).aggregates).toEqual([
        expect.objectContaining({ deviceId: devices[d], count: String(count) }),
      ]);
    }
  });

  it("starts a stream's batches without waiting for the one before, and acknowledges them in order", async () => {
    const streams = await Promise.all(
      ['e2e-eager-a', 'e2e-eager-b'].map(async (id) => (await deviceStreams(id))()),
    );
    const ingestBatchCalls = () =>
      metricSum(t.stack, 'sensor-ingestion', 'grpc_server_handled_total', '"IngestBatch"');
    const acks = streams.map((stream) => firstValueFrom(stream.acks.pipe(take(READ_AHEAD), toArray())));
    const callsBefore = await ingestBatchCalls();
    const ingestion = t.stack.processes().find((p) => p.name === 'sensor-ingestion')!;
    process.kill(ingestion.pid, 'SIGSTOP');
    try {
      // The first stream's batches take both call slots (its first batch alone, the others together);
      // the second stream's, sent once those are out, gather into one call.
      for (const stream of streams) {
        for (let i = 0; i < READ_AHEAD; i++) stream.send(i);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    } finally {
      process.kill(ingestion.pid, 'SIGCONT');
    }
    const answered = await Promise.all(acks);
    for (const stream of streams) stream.batches.complete();
    // Had each batch waited for the one before, the first stream alone would have taken three calls
    // and both four or more.
    expect((await ingestBatchCalls()) - callsBefore).toBe(3);
    expect(answered.map((stream) => stream.map((ack) => [ack.batchId, ack.acceptedCount]))).toEqual(
      ['e2e-eager-a', 'e2e-eager-b'].map((id) =>
        Array.from({ length: READ_AHEAD }, (_, i) => [`${id}-${i}`, 2]),
      ),
    );
  });

  it('ends a stream at its first failed batch, and keeps serving when the batches under way behind it fail too', async () => {
    const stream = (await deviceStreams('e2e-failing'))();
    const acks = firstValueFrom(stream.acks.pipe(toArray())).catch((error: unknown) => error);
    const foreign = (batchId: string): PublishReadingsRequest => ({
      batchId,
      readings: [
        {
          readingId: 'f-1',
          deviceId: 'e2e-someone-else',
          sensorType: 1,
          value: 20,
          unit: 'celsius',
          timestamp: { seconds: Math.floor(minute / 1000), nanos: 0 },
          customSensor: '',
        },
      ],
    });
    for (const batchId of ['bad-1', 'bad-2', 'bad-3']) stream.batches.next(foreign(batchId));
    expect(((await acks) as ServiceError).code).toBe(status.PERMISSION_DENIED);
    // None of the later failures went unhandled: the gateway still takes a new stream's batch.
    const again = (await deviceStreams('e2e-failing-after'))();
    const ack = firstValueFrom(again.acks);
    again.send(0);
    expect(await ack).toMatchObject({ batchId: 'e2e-failing-after-0', acceptedCount: 2 });
    again.batches.complete();
  });

  it("ends a device's open streams once its key is revoked", async () => {
    const open = await deviceStreams('e2e-stream-revoked');
    const stream = open();
    const { acks, ended: published } = recordAcks(stream.acks);
    const watching = new Promise<unknown>((resolve) =>
      edge.service
        .watchAlerts({ resumeAfterSequence: 0, replayFromStart: false }, deviceMetadata(open.apiKey))
        .subscribe({ error: resolve, complete: () => resolve(null) }),
    );
    stream.send(0);
    await eventually(() => acks[0], 'the first acknowledgement');
    const keys = (await rest('GET', '/api/v1/devices/e2e-stream-revoked/keys')).body as {
      keys: { keyId: string }[];
    };
    const revoked = await rest(
      'POST',
      `/api/v1/devices/e2e-stream-revoked/keys/${keys.keys[0].keyId}/revoke`,
    );
    expect(revoked.status).toBe(200);
    // Past two cache times the key's cached answer is gone: the next batch is refused, and so is the watch.
    await new Promise((resolve) => setTimeout(resolve, 2 * AUTH_CACHE_TTL_MS + 500));
    stream.send(1);
    expect(((await published) as ServiceError).code).toBe(status.UNAUTHENTICATED);
    expect(acks.map((a) => a.batchId)).toEqual(['e2e-stream-revoked-0']);
    expect(((await watching) as ServiceError).code).toBe(status.UNAUTHENTICATED);
  });

  it('ingests no batch read after one it refused', async () => {
    const countOf = async (deviceId: string, apiKey: string) => {
      const answer = await rest(
        'GET',
        `/api/v1/aggregates?deviceId=${deviceId}&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_MINUTE`,
        { as: { apiKey } },
      );
      return Number((answer.body as { aggregates: { count: string }[] }).aggregates[0]?.count ?? 0);
    };
    const streams = [
      { deviceId: 'e2e-refused-middle', refusedAt: 1, storedBefore: 2 },
      { deviceId: 'e2e-refused-first', refusedAt: 0, storedBefore: 0 },
    ];
    for (const { deviceId, refusedAt, storedBefore } of streams) {
      const open = await deviceStreams(deviceId);
      const stream = open();
      const { acks, ended } = recordAcks(stream.acks);
      for (let i = 0; i < 3; i++) {
        if (i === refusedAt) stream.batches.next({ batchId: `${deviceId}-empty`, readings: [] });
        else stream.send(i);
      }
      expect(((await ended) as ServiceError).code).toBe(status.INVALID_ARGUMENT);
      expect(acks.map((a) => a.batchId)).toEqual(refusedAt === 1 ? [`${deviceId}-0`] : []);
      // Time for a batch sent on behind the refused one to reach the processor, had it gone.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect({ deviceId, stored: await countOf(deviceId, open.apiKey) }).toEqual({
        deviceId,
        stored: storedBefore,
      });
    }
  });

  it('stops reading a device stream that runs too far ahead of its acknowledgements, and loses none of it', async () => {
    const stream = (await deviceStreams('e2e-read-ahead'))();
    const count = 12; // within the device's burst of 20
    const acks = firstValueFrom(stream.acks.pipe(take(count), toArray()));
    expect(await heldWhileIngestionStopped(stream.send, count)).toBe(READ_AHEAD);
    const answered = await acks;
    stream.batches.complete();
    expect(answered.map((ack) => ack.batchId)).toEqual(
      Array.from({ length: count }, (_, i) => `e2e-read-ahead-${i}`),
    );
    expect(answered.every((ack) => ack.acceptedCount === 2 && ack.duplicateCount === 0)).toBe(true);
    await eventually(
      async () => ((await pendingBatches()) === 0 ? true : undefined),
      'no batch left pending',
    );
  });

  it('forgets the batches it held for a device that hung up, and serves the device again', async () => {
    const open = await deviceStreams('e2e-hang-up');
    const cancelled = () =>
      metricSum(
        t.stack,
        'edge-gateway',
        'grpc_server_handled_total',
        'grpc_method="PublishReadings",grpc_type="bidi_stream",grpc_code="Canceled"',
      );
    const before = await cancelled();
    const first = open();
    const subscription = first.acks.subscribe({ error: () => undefined });
    expect(await heldWhileIngestionStopped(first.send, 12, () => subscription.unsubscribe())).toBe(
      READ_AHEAD,
    );
    await eventually(
      async () => ((await pendingBatches()) === 0 ? true : undefined),
      'no batch left pending',
    );
    await eventually(
      async () => ((await cancelled()) > before ? true : undefined),
      'the call to end as cancelled',
    );

    const second = open();
    const acks = firstValueFrom(second.acks.pipe(take(2), toArray()));
    second.send(100);
    second.send(101);
    const answered = await acks;
    second.batches.complete();
    expect(answered.map((ack) => [ack.batchId, ack.acceptedCount])).toEqual([
      ['e2e-hang-up-100', 2],
      ['e2e-hang-up-101', 2],
    ]);
  });

  it('on SIGTERM reads no more batches, acknowledges those it read, ends the stream with UNAVAILABLE and exits 0', async () => {
    const open = await deviceStreams('e2e-shutdown');
    // A gateway of its own to stop, while the stack's serves the other tests. It reads far ahead, so
    // that only the shutdown stops it reading.
    const gateway = await spawnGateway(t.stack, {
      PUBLISH_STREAM_READ_AHEAD: '100',
      DOWNSTREAM_DEADLINE_MS: '30000',
    });
    const client = edgeClient(t.stack, gateway.grpcAddress);
    const ingestion = t.stack.processes().find((p) => p.name === 'sensor-ingestion')!;
    try {
      const stream = open(client.service);
      const { acks, ended } = recordAcks(stream.acks);
      // Alert watchers of this gateway, over gRPC and SSE: told it is shutting down, not a normal end.
      const watched = new Promise<unknown>((resolve) =>
        client.service
          .watchAlerts({ resumeAfterSequence: 0, replayFromStart: false }, deviceMetadata(open.apiKey))
          .subscribe({ error: resolve, complete: () => resolve(null) }),
      );
      const sse = await openEventStream(
        `http://127.0.0.1:${gateway.ports['HTTP_PORT']}/api/v1/alerts/stream`,
        OPERATOR_TOKEN,
      );
      stream.send(0);
      stream.send(1);
      await eventually(() => acks[1], 'the first two acknowledgements');
      const pending = () => scrapeMetricSum(gateway.adminUrl, 'edge_gateway_publish_batches_pending');
      process.kill(ingestion.pid, 'SIGSTOP');
      try {
        for (const i of [2, 3, 4]) stream.send(i);
        await eventually(async () => ((await pending()) === 3 ? true : undefined), 'three batches under way');
        gateway.child.kill('SIGTERM');
        await gateway.waitForLog((line) => line.msg.startsWith('shutting down'));
        // Sent by a device that has not heard of the shutdown yet: for another replica to take.
        for (const i of [5, 6]) stream.send(i);
        // Time to read them, had it gone on reading.
        await new Promise((resolve) => setTimeout(resolve, 500));
      } finally {
        process.kill(ingestion.pid, 'SIGCONT');
      }
      const end = (await ended) as ServiceError;
      expect({
        end: [end.code, end.details],
        acknowledged: acks.map((ack) => [ack.batchId, ack.acceptedCount]),
        exitCode: (await gateway.exited).code,
      }).toEqual({
        end: [status.UNAVAILABLE, expect.stringMatching(/^the gateway is shutting down/)],
        acknowledged: [0, 1, 2, 3, 4].map((i) => [`e2e-shutdown-${i}`, 2]),
        exitCode: 0,
      });
      const watchEnd = (await watched) as ServiceError;
      const sseEnd = await eventually(
        () => sse.events.find((e) => e.event === 'error'),
        'the SSE error event',
      );
      await sse.stop();
      expect({
        watch: [watchEnd.code, watchEnd.details],
        sse: (JSON.parse(sseEnd.data) as { error: { reason: string } }).error.reason,
      }).toEqual({
        watch: [status.UNAVAILABLE, expect.stringMatching(/^the gateway is shutting down/)],
        sse: 'GATEWAY.SHUTTING_DOWN',
      });
      // What was acknowledged is stored (five batches of two), and nothing else: the batches sent after
      // the shutdown began were not ingested behind the device's back.
      const stored = await rest(
        'GET',
        '/api/v1/aggregates?deviceId=e2e-shutdown&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_MINUTE',
        { as: { apiKey: open.apiKey } },
      );
      expect((stored.body as { aggregates: { count: string }[] }).aggregates[0]?.count).toBe('10');
    } finally {
      client.close();
      await gateway.stop('SIGKILL');
    }
  });

  it('rate limits a device: HTTP 429 with Retry-After, gRPC RESOURCE_EXHAUSTED', async () => {
    const apiKey = await registerDevice('e2e-rate-1');
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 30; i++) {
      const response = await rest('POST', '/api/v1/readings', {
        as: { apiKey },
        body: json(`r${i}`, '', 20, 6),
      });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(20);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const grpcError = await firstValueFrom(
      edge.service.publishReading({ reading: undefined }, deviceMetadata(apiKey)),
    ).catch((e: ServiceError) => e);
    expect((grpcError as ServiceError).code).toBe(status.RESOURCE_EXHAUSTED);
  });

  it('serves the OpenAPI document and the docs page with every file it loads', async () => {
    const document = await rest('GET', '/openapi.json', { as: 'nobody' });
    expect(document.status).toBe(200);
    expect(document.headers.get('content-type')).toMatch(/^application\/json/);
    const openapi = document.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(openapi.openapi).toBe('3.0.3');
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/api/v1/devices', '/api/v1/readings', '/api/v1/alerts/stream', '/status']),
    );
    expect(openapi.paths['/api/v1/readings']?.['post']).toHaveProperty('requestBody');
    // The document and the server agree: what it requires is refused when missing, a body it leaves
    // optional may be left out, and the answer has a status it names.
    type Operation = {
      parameters: { name: string; required: boolean }[];
      requestBody?: { required: boolean };
      responses: Record<string, unknown>;
    };
    const operationAt = (path: string, method: string) => openapi.paths[path]?.[method] as Operation;
    const aggregates = operationAt('/api/v1/aggregates', 'get');
    expect(aggregates.parameters.filter((p) => p.required).map((p) => p.name)).toEqual([
      'sensorType',
      'window',
    ]);
    expect((await rest('GET', '/api/v1/aggregates?sensorType=SENSOR_TYPE_TEMPERATURE')).status).toBe(400);
    const issueKey = operationAt('/api/v1/devices/{id}/keys', 'post');
    expect(issueKey.requestBody?.required).toBe(false);
    await registerDevice('e2e-openapi');
    const keyWithoutBody = await rest('POST', '/api/v1/devices/e2e-openapi/keys');
    expect(Object.keys(issueKey.responses)).toContain(String(keyWithoutBody.status));
    expect(keyWithoutBody.status).toBe(201);

    const base = `http://127.0.0.1:${t.stack.services.find((s) => s.httpPort)!.httpPort}`;
    const page = await fetch(`${base}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const loaded = [...(await page.text()).matchAll(/(?:src|href)="([^"]+)"/g)].map(([, url = '']) => url);
    expect(loaded).toEqual(expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/docs.js']));
    const types: Record<string, RegExp> = { css: /^text\/css/, js: /javascript/, png: /^image\/png/ };
    for (const url of loaded) {
      const file = await fetch(base + url);
      const body = await file.text();
      expect([url, file.status, body.length > 0]).toEqual([url, 200, true]);
      expect(file.headers.get('content-type')).toMatch(types[url.split('.').at(-1) ?? ''] ?? /^$/);
      if (url === '/docs/docs.js') expect(body).toContain("url: '/openapi.json'");
    }
    // Swagger UI's files are served with validators, so a browser revalidates instead of reloading.
    const css = await fetch(`${base}/docs/swagger-ui.css`);
    const etag = css.headers.get('etag') ?? '';
    await css.arrayBuffer();
    expect(etag).not.toBe('');
    // (A browser revalidating sends max-age=0; fetch would otherwise add no-cache, which forbids a 304.)
    const revalidated = await fetch(`${base}/docs/swagger-ui.css`, {
      headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' },
    });
    expect(revalidated.status).toBe(304);
    // Nothing else of the package, nor anything outside it, is reachable under /docs.
    for (const path of ['/docs/package.json', '/docs/..%2F..%2Fpackage.json', '/docs/swagger-ui.js.map']) {
      const refused = await rest('GET', path, { as: 'nobody' });
      expect([path, refused.status, errorOf(refused.body).reason]).toEqual([
        path,
        404,
        'HTTP.ROUTE_NOT_FOUND',
      ]);
    }
    // With a trailing slash it is the same page (its files are named from the root).
    const slash = await fetch(`${base}/docs/`, { redirect: 'manual' });
    expect([slash.status, slash.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    // Swagger UI's default would load a badge from validator.swagger.io, sending the document's address out.
    expect(await (await fetch(`${base}/docs/docs.js`)).text()).toContain('validatorUrl: null');
  });

  it('answers 504 naming a downstream that did not answer in time; the retry is told what happened', async () => {
    const apiKey = await registerDevice('e2e-slow-1');
    const ingestion = t.stack.processes().find((p) => p.name === 'sensor-ingestion')!;
    process.kill(ingestion.pid, 'SIGSTOP');
    let late: Awaited<ReturnType<typeof rest>>;
    try {
      // Past the gateway's downstream deadline (DOWNSTREAM_DEADLINE_MS, 30 s in this suite).
      late = await rest('POST', '/api/v1/readings', { as: { apiKey }, body: json('s1', '', 20, 1) });
    } finally {
      process.kill(ingestion.pid, 'SIGCONT');
    }
    expect(late.status).toBe(504);
    expect(errorOf(late.body)).toMatchObject({
      status: 'DEADLINE_EXCEEDED',
      reason: 'DOWNSTREAM.TIMEOUT',
      service: 'sensor-ingestion',
    });
    const retried = await rest('POST', '/api/v1/readings', { as: { apiKey }, body: json('s1', '', 20, 1) });
    expect(retried.status).toBe(200);
    const hour = await rest(
      'GET',
      '/api/v1/aggregates?deviceId=e2e-slow-1&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_HOUR',
    );
    expect((hour.body as { aggregates: { count: string }[] }).aggregates[0]?.count).toBe('1');
  });

  it('reports each downstream in /status, and names an unavailable one in 503s', async () => {
    const healthy = await rest('GET', '/status', { as: 'nobody' });
    expect(healthy.status).toBe(200);
    expect((healthy.body as { rateLimits: unknown }).rateLimits).toEqual({
      backend: 'memory',
      status: 'SERVING',
    });
    await t.stack.stopService('data-processor');
    const degraded = await rest('GET', '/status', { as: 'nobody' });
    expect(degraded.status).toBe(503);
    const services = (degraded.body as { services: { service: string; status: string }[] }).services;
    expect(services.find((s) => s.service === 'data-processor')?.status).toBe('UNREACHABLE');
    expect(services.filter((s) => s.status === 'SERVING')).toHaveLength(4);
    const aggregates = await rest(
      'GET',
      '/api/v1/aggregates?deviceId=x&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_MINUTE',
    );
    expect(aggregates.status).toBe(503);
    expect(errorOf(aggregates.body)).toMatchObject({ status: 'UNAVAILABLE', service: 'data-processor' });
  });
});
