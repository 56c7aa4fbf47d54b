import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  credentials,
  loadPackageDefinition,
  Server,
  ServerCredentials,
  type GrpcObject,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { addReflection } from '../src/grpc/reflection.js';
import { startFixture } from '../src/testing/fixture-process.js';
import type { ServiceProcess } from '../src/testing/service-process.js';

// The reflection protocol's own .proto ships with @grpc/reflection.
const reflectionRoot = join(dirname(createRequire(import.meta.url).resolve('@grpc/reflection')), '../proto');
const reflectionPackage = loadPackageDefinition(
  loadSync('grpc/reflection/v1/reflection.proto', { includeDirs: [reflectionRoot], keepCase: true }),
);
const ServerReflection = ((reflectionPackage['grpc'] as GrpcObject)['reflection'] as GrpcObject)[
  'v1'
] as GrpcObject;

interface ReflectionResponse {
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
}

function ask(address: string, request: Record<string, string>): Promise<ReflectionResponse> {
  const Client = ServerReflection['ServerReflection'] as ServiceClientConstructor;
  const client = new Client(address, credentials.createInsecure()) as unknown as {
    ServerReflectionInfo(): NodeJS.EventEmitter & { write(m: unknown): void; end(): void };
    close(): void;
  };
  return new Promise((resolve, reject) => {
    const call = client.ServerReflectionInfo();
    call.on('data', (response: ReflectionResponse) => {
      resolve(response);
      call.end();
      client.close();
    });
    call.on('error', reject);
    call.write(request);
  });
}

describe('server reflection', () => {
  let fixture: ServiceProcess;
  beforeAll(async () => {
    fixture = await startFixture();
  });
  afterAll(async () => {
    await fixture.stop('SIGKILL');
  });

  it('lists the served services', async () => {
    const response = await ask(fixture.grpcAddress, { list_services: '' });
    expect(response.list_services_response?.service.map((s) => s.name)).toContain(
      'iotmesh.testing.v1.Fixture',
    );
  });

  it("lists only the services the server serves, not those of its files' imports", async () => {
    // The gateway's file imports the alert manager's, which defines the AlertManager service.
    const server = new Server();
    addReflection(server, ['iotmesh/edge/v1/edge_gateway.proto'], ['iotmesh.edge.v1.EdgeGateway']);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    try {
      const response = await ask(`127.0.0.1:${port}`, { list_services: '' });
      expect(response.list_services_response?.service.map((s) => s.name)).toEqual([
        'iotmesh.edge.v1.EdgeGateway',
      ]);
    } finally {
      server.forceShutdown();
    }
  });

  it('returns the file descriptor that defines a symbol', async () => {
    const response = await ask(fixture.grpcAddress, { file_containing_symbol: 'iotmesh.testing.v1.Fixture' });
    const files = response.file_descriptor_response?.file_descriptor_proto ?? [];
    expect(files.length).toBeGreaterThan(0);
    expect(Buffer.concat(files).toString('latin1')).toContain('.iotmesh.testing.v1.EchoRequest');
  });
});
