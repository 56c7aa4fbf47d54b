import http2 from 'node:http2';
import { status } from '@grpc/grpc-js';
import { EchoRequest } from '@iot-mesh/proto/iotmesh/testing/v1/fixture';
import { scrapeMetricSum } from '../src/testing/admin-metrics.js';
import { startFixture } from '../src/testing/fixture-process.js';
import type { ServiceProcess } from '../src/testing/service-process.js';

const ECHO = '/iotmesh.testing.v1.Fixture/Echo';
const COUNT_UP = '/iotmesh.testing.v1.Fixture/CountUp';

/** gRPC's length-prefixed framing of one message. */
const framed = (message: Uint8Array) => {
  const frame = Buffer.alloc(5 + message.byteLength);
  frame.writeUInt32BE(message.byteLength, 1);
  frame.set(message, 5);
  return frame;
};
const echo = (message: string) =>
  Buffer.from(
    EchoRequest.encode({ message, delayMs: 0, failCode: 0, failTimes: 0, key: '', relay: false }).finish(),
  );

/** Sends `body` as a call's whole request stream over plain HTTP/2; resolves with the call's status. */
function rawCall(address: string, path: string, body: Buffer): Promise<{ code: number; message: string }> {
  const session = http2.connect(`http://${address}`);
  const stream = session.request({
    ':method': 'POST',
    ':path': path,
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  let headers: http2.IncomingHttpHeaders = {};
  const keep = (received: http2.IncomingHttpHeaders) => {
    headers = { ...headers, ...received };
  };
  stream.on('response', keep);
  stream.on('trailers', keep);
  stream.resume().end(body);
  return new Promise((resolve, reject) => {
    stream.on('error', reject);
    stream.on('close', () => {
      session.close();
      resolve({
        code: Number(headers['grpc-status']),
        message: decodeURIComponent(String(headers['grpc-message'] ?? '')),
      });
    });
  });
}

/**
 * Requests a client made wrong on the wire are the caller's fault, answered INVALID_ARGUMENT and
 * counted so; grpc-js alone answers some UNIMPLEMENTED, which the alert rules count as the server's.
 */
describe('malformed requests on the wire', () => {
  let fixture: ServiceProcess;
  const handled = (code: string) =>
    scrapeMetricSum(fixture.adminUrl, 'grpc_server_handled_total', `grpc_code="${code}"`);
  beforeAll(async () => {
    fixture = await startFixture();
  });
  afterAll(async () => {
    await fixture.stop('SIGKILL');
  });

  it('refuses a single-request call with no request message or two as INVALID_ARGUMENT', async () => {
    const answers = [
      await rawCall(fixture.grpcAddress, ECHO, Buffer.alloc(0)),
      await rawCall(fixture.grpcAddress, ECHO, Buffer.concat([framed(echo('a')), framed(echo('b'))])),
      // A cut length prefix: no whole message.
      await rawCall(fixture.grpcAddress, ECHO, Buffer.from([0, 0, 0])),
      await rawCall(fixture.grpcAddress, COUNT_UP, Buffer.alloc(0)),
    ];
    expect(answers.map((a) => [a.code, a.message])).toEqual([
      [status.INVALID_ARGUMENT, expect.stringContaining('no request message was sent')],
      [status.INVALID_ARGUMENT, expect.stringContaining('more than one request message')],
      [status.INVALID_ARGUMENT, expect.stringContaining('no request message was sent')],
      [status.INVALID_ARGUMENT, expect.stringContaining('no request message was sent')],
    ]);
    expect(await handled('InvalidArgument')).toBe(4);
    expect(await handled('Unimplemented')).toBe(0);
    // A proper call still works.
    expect(await rawCall(fixture.grpcAddress, ECHO, framed(echo('fine')))).toEqual({
      code: status.OK,
      message: 'OK',
    });
  });

  it('refuses a string that is not UTF-8 and a length that does not fit 32 bits as undecodable', async () => {
    // EchoRequest.message (field 1): "key" and a byte that is not UTF-8; the same with 0xFE would
    // decode to the same text if read leniently.
    const invalidUtf8 = Buffer.from([0x0a, 0x04, 0x6b, 0x65, 0x79, 0xff]);
    // EchoRequest.message with its length written as 2^32 + 1, then one byte.
    const longLength = Buffer.from([0x0a, 0x81, 0x80, 0x80, 0x80, 0x10, 0x61]);
    const answers = [
      await rawCall(fixture.grpcAddress, ECHO, framed(invalidUtf8)),
      await rawCall(fixture.grpcAddress, ECHO, framed(longLength)),
    ];
    expect(answers.map((a) => [a.code, a.message])).toEqual([
      [status.INVALID_ARGUMENT, expect.stringContaining('not valid UTF-8')],
      [status.INVALID_ARGUMENT, expect.stringContaining('varint overflows uint32')],
    ]);
  });
});
