import { connect, createServer, type Server, type Socket } from 'node:net';
import { constants, createServer as createHttp2Server, type ServerHttp2Stream } from 'node:http2';
import {
  PublishReadingsRequest,
  PublishReadingsResponse,
} from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';

/** How the gateway ends a stream on the second batch, after it acked the first. */
export type StreamBreak =
  /** The connection drops under the stream (the gateway's process dies, a proxy closes it). */
  | 'connection-dropped'
  /** The stream is reset (RST_STREAM INTERNAL_ERROR), as a proxy does when its upstream goes away. */
  | 'stream-reset'
  /** The gateway answers the stream with a status: UNAVAILABLE, the gateway's word. */
  | 'status-unavailable';

/** gRPC's length-prefixed messages on an HTTP/2 stream: a zero compression flag, a length, the bytes. */
function frame(message: Uint8Array): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

function onMessages(stream: ServerHttp2Stream, handle: (message: Buffer) => void): void {
  let pending = Buffer.alloc(0);
  stream.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
      const length = pending.readUInt32BE(1);
      handle(pending.subarray(5, 5 + length));
      pending = pending.subarray(5 + length);
    }
  });
}

/**
 * PublishReadings on plain HTTP/2 (so that a test can break the stream in ways a gRPC server library
 * does not offer), behind a TCP relay that can drop the connection. Acks the first batch of a stream,
 * then breaks it as told when the second arrives (send it after the first ack, so that the ack is not
 * lost with the connection).
 */
export async function startBreakingGateway(how: StreamBreak) {
  const gateway = createHttp2Server();
  const relayed: Socket[] = [];
  gateway.on('stream', (stream) => {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('error', () => undefined); // the reset this gateway makes itself
    let batches = 0;
    onMessages(stream, (message) => {
      const { batchId, readings } = PublishReadingsRequest.decode(message);
      if (batches++ === 0) {
        const ack = {
          batchId,
          acceptedCount: readings.length,
          duplicateCount: 0,
          rejections: [],
          duplicateIndexes: [],
        };
        stream.write(frame(PublishReadingsResponse.encode(ack).finish()));
      } else if (how === 'connection-dropped') {
        for (const socket of relayed) socket.destroy();
      } else if (how === 'stream-reset') {
        stream.close(constants.NGHTTP2_INTERNAL_ERROR);
      } else {
        stream.once('wantTrailers', () =>
          stream.sendTrailers({ 'grpc-status': '14', 'grpc-message': 'sensor-ingestion is unavailable' }),
        );
        stream.end();
      }
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  const gatewayPort = (gateway.address() as { port: number }).port;
  const relay: Server = createServer((client) => {
    const upstream = connect(gatewayPort, '127.0.0.1');
    relayed.push(client, upstream);
    for (const socket of [client, upstream]) socket.on('error', () => undefined);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(relay.address() as { port: number }).port}`,
    close: async () => {
      for (const socket of relayed) socket.destroy();
      await new Promise((resolve) => relay.close(resolve));
      await new Promise((resolve) => gateway.close(resolve));
    },
  };
}
