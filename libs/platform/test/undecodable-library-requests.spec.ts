import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { startFixture } from '../src/testing/fixture-process.js';
import type { ServiceProcess } from '../src/testing/service-process.js';

// Not protobuf: a field tag with wire type 7, which does not exist.
const GARBAGE = Buffer.from('ffffffff', 'hex');
// ServerReflectionRequest { list_services: "" } (field 7, length-delimited, empty).
const LIST_SERVICES = Buffer.from('3a00', 'hex');
const same = (bytes: Buffer) => bytes;

/**
 * The health and reflection services come from libraries; bytes they cannot decode are the caller's
 * fault, answered INVALID_ARGUMENT as by the platform's own services, not INTERNAL or a stalled stream.
 */
describe('undecodable requests to the health and reflection services', () => {
  let fixture: ServiceProcess;
  let client: Client;
  beforeAll(async () => {
    fixture = await startFixture();
    client = new Client(fixture.grpcAddress, credentials.createInsecure());
  });
  afterAll(async () => {
    client.close();
    await fixture.stop('SIGKILL');
  });

  it('answers Health/Check with garbage INVALID_ARGUMENT, and still serves a proper Check', async () => {
    const check = (bytes: Buffer) =>
      new Promise<ServiceError | null>((resolve) =>
        client.makeUnaryRequest(
          '/grpc.health.v1.Health/Check',
          same,
          same,
          bytes,
          new Metadata(),
          { deadline: Date.now() + 5_000 },
          (error) => resolve(error),
        ),
      );
    const refused = await check(GARBAGE);
    expect([refused?.code, refused?.details]).toEqual([status.INVALID_ARGUMENT, expect.any(String)]);
    expect(await check(Buffer.alloc(0))).toBeNull();
  });

  it('ends a reflection stream that turns to garbage with INVALID_ARGUMENT, after answering what came before', async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const answers: Buffer[] = [];
      const ended = await new Promise<ServiceError | undefined>((resolve) => {
        const call = client.makeBidiStreamRequest(
          '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
          same,
          same,
          new Metadata(),
          { deadline: Date.now() + 5_000 },
        );
        call.on('data', (answer: Buffer) => answers.push(answer));
        call.on('error', (error: ServiceError) => resolve(error));
        call.on('end', () => resolve(undefined));
        call.write(LIST_SERVICES);
        call.write(LIST_SERVICES);
        call.write(GARBAGE);
      });
      expect({ attempt, code: ended?.code }).toEqual({ attempt, code: status.INVALID_ARGUMENT });
      expect(answers.length).toBeLessThanOrEqual(2);
    }
  });
});
