import { request } from 'node:http';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { gatewayOnStubs } from './downstream-stubs.js';
import { errorOf, OPERATOR_TOKEN, rest } from './gateway-process.js';

interface RawAnswer {
  status: number;
  contentType: string | undefined;
  body: string;
}

/**
 * A request with `body` whatever the method (fetch sends none on GET). A text/event-stream answer is
 * left once its head arrived, since it does not end.
 */
function sendWithBody(
  gateway: ServiceProcess,
  method: string,
  path: string,
  body?: string,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port: gateway.ports['HTTP_PORT'],
        method,
        path,
        headers: {
          authorization: `Bearer ${OPERATOR_TOKEN}`,
          // Node sends a GET's body without saying how long it is unless told.
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        },
      },
      (response) => {
        const contentType = response.headers['content-type'];
        if (contentType?.startsWith('text/event-stream')) {
          resolve({ status: response.statusCode ?? 0, contentType, body: '' });
          response.destroy();
          return;
        }
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType, body: text }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('a body on a route that reads none', () => {
  const world = gatewayOnStubs();

  it('is refused on DELETE before anything is deleted; `{}` is no body', async () => {
    const refused = await rest(world.gateway, 'DELETE', '/api/v1/rules/rule-1', { body: { dryRun: true } });
    expect(refused.status).toBe(400);
    expect(errorOf(refused).details).toEqual([
      expect.objectContaining({ field: 'body', reason: 'FIELD.UNKNOWN' }),
    ]);
    expect(world.stubs.requests('DeleteRule')).toEqual([]);
    const empty = await rest(world.gateway, 'DELETE', '/api/v1/rules/rule-1', { body: {} });
    expect(empty.status).toBe(204);
    expect(world.stubs.requests('DeleteRule')).toHaveLength(1);
  });

  it('is refused on GET, where the gateway cannot read it, before anything is listed', async () => {
    const refused = await sendWithBody(
      world.gateway,
      'GET',
      '/api/v1/devices?pageSize=1',
      '{"site":"nowhere"}',
    );
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({
      error: { reason: 'REQUEST.INVALID', details: [{ field: 'body', reason: 'FIELD.UNKNOWN' }] },
    });
    expect(world.stubs.requests('ListDevices')).toEqual([]);
  });

  it('leaves GET requests without one as they were: lists, the event stream, health', async () => {
    const listed = world.stubs.requests('ListDevices').length;
    await expect(sendWithBody(world.gateway, 'GET', '/api/v1/devices?pageSize=1')).resolves.toMatchObject({
      status: 200,
    });
    expect(world.stubs.requests('ListDevices')).toHaveLength(listed + 1);
    await expect(sendWithBody(world.gateway, 'GET', '/api/v1/alerts/stream')).resolves.toMatchObject({
      status: 200,
      contentType: expect.stringMatching(/^text\/event-stream/) as unknown,
    });
    await expect(sendWithBody(world.gateway, 'GET', '/health')).resolves.toMatchObject({ status: 200 });
  });
});
