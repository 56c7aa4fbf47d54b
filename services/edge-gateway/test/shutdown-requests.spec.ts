import { connect, type Socket } from 'node:net';
import { eventually, type ServiceProcess } from '@iot-mesh/platform/testing';
import { GetDeviceResponse } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { OPERATOR_TOKEN, startGateway, type ErrorBody } from './gateway-process.js';

// Long enough to keep the first request in flight while the gateway closes and the second is sent.
const DOWNSTREAM_MS = 2_000;

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The HTTP/1.1 answers in what a connection received, in order (each with a Content-Length). */
function parseAnswers(raw: string): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let rest = raw;
  while (rest.length > 0) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) throw new Error(`incomplete answer: ${rest}`);
    const [statusLine = '', ...lines] = rest.slice(0, headEnd).split('\r\n');
    const headers = Object.fromEntries(
      lines.map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
      }),
    );
    const length = Number(headers['content-length'] ?? 0);
    const body = rest.slice(headEnd + 4, headEnd + 4 + length);
    answers.push({ status: Number(statusLine.split(' ')[1]), headers, body });
    rest = rest.slice(headEnd + 4 + length);
  }
  return answers;
}

const getDevice = (host: string) =>
  `GET /api/v1/devices/device-1 HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${OPERATOR_TOKEN}\r\n` +
  'Connection: keep-alive\r\n\r\n';

/** Whether a new connection to the port is refused: the server stopped accepting them. */
const refused = (port: number) =>
  new Promise<true | undefined>((resolve) => {
    const probe = connect(port, '127.0.0.1');
    probe.once('connect', () => {
      probe.destroy();
      resolve(undefined);
    });
    probe.once('error', () => resolve(true));
  });

describe('REST requests that arrive while the gateway shuts down', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;
  let socket: Socket | undefined;

  beforeAll(async () => {
    stubs = await startDownstreamStubs();
    stubs.answer(
      'GetDevice',
      () =>
        new Promise((resolve) =>
          setTimeout(
            () => resolve(GetDeviceResponse.fromJSON({ device: { id: 'device-1' } })),
            DOWNSTREAM_MS,
          ),
        ),
    );
    gateway = await startGateway(stubs.env);
  });
  afterAll(async () => {
    socket?.destroy();
    await gateway?.stop('SIGKILL');
    await stubs?.stop();
  });

  it("get the API's error JSON (503 UNAVAILABLE GATEWAY.SHUTTING_DOWN) and Connection: close", async () => {
    const port = gateway.ports['HTTP_PORT'] ?? 0;
    const host = `127.0.0.1:${port}`;
    const connection = connect(port, '127.0.0.1');
    socket = connection;
    let received = '';
    connection.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    const ended = new Promise<void>((resolve) => connection.once('close', () => resolve()));
    await new Promise((resolve) => connection.once('connect', resolve));

    // The first request is in flight (its downstream call is slow) when the gateway gets SIGTERM...
    connection.write(getDevice(host));
    await eventually(() => (stubs.requests('GetDevice').length === 1 ? true : undefined), 'the first call');
    gateway.child.kill('SIGTERM');
    // ...and the second arrives on the same kept-alive connection once the server has closed.
    await eventually(() => refused(port), 'the HTTP server to stop accepting connections', 5_000);
    connection.write(getDevice(host));
    await ended;

    const [first, second, ...more] = parseAnswers(received);
    expect(more).toEqual([]);
    expect(first?.status).toBe(200);
    expect(second?.status).toBe(503);
    expect(second?.headers['connection']).toBe('close');
    expect(second?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect((JSON.parse(second?.body ?? '') as ErrorBody).error).toEqual({
      code: 503,
      status: 'UNAVAILABLE',
      reason: 'GATEWAY.SHUTTING_DOWN',
      message: 'the gateway is shutting down: send the request again',
    });
    await expect(gateway.exited).resolves.toEqual({ code: 0, signal: null });
  });
});
