// A plain grpc-js Echo server (no NestJS, no platform) run as its own process: the floor that the
// platform's unary hop is compared with. Prints its port on stdout.
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { toServiceDefinition } from '@iot-mesh/platform';
import {
  FixtureDefinition,
  type EchoRequest,
  type EchoResponse,
} from '@iot-mesh/proto/iotmesh/testing/v1/fixture';

const server = new Server();
server.addService(toServiceDefinition(FixtureDefinition), {
  Echo: (call: ServerUnaryCall<EchoRequest, EchoResponse>, callback: sendUnaryData<EchoResponse>) =>
    callback(null, { message: call.request.message, attempt: 1 }),
});
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  console.log(JSON.stringify({ port }));
});
process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
