import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { createGrpcClient, type TlsSettings } from '@iot-mesh/platform';
import {
  DeviceRegistryDefinition,
  type DeviceRegistryClient,
} from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { firstValueFrom } from 'rxjs';
import { printFigures } from '../src/figures-table.js';
import { startMeshStack, type MeshStack } from '../src/mesh-stack.js';
import { REPO_ROOT } from '../src/repo-paths.js';

/** ListDevices with the given client settings: OK, or the status code the call ended with. */
async function listDevicesCode(address: string, tls: TlsSettings): Promise<status> {
  const client = createGrpcClient<DeviceRegistryClient>(DeviceRegistryDefinition, {
    address,
    tls,
    deadlineMs: 5_000,
  });
  try {
    await firstValueFrom(
      client.service.listDevices({ pageSize: 1, pageToken: '', type: 0, site: '', status: 0 }),
    );
    return status.OK;
  } catch (error) {
    return (error as ServiceError).code;
  } finally {
    client.close();
  }
}

describe('access: services started with mTLS refuse plaintext and foreign-CA clients', () => {
  let stack: MeshStack;
  let foreignDir: string;

  beforeAll(async () => {
    stack = await startMeshStack({ mtls: true, only: ['notification', 'device-registry'] });
    // A second, unrelated CA with a client certificate of the same name as the stack's own.
    foreignDir = mkdtempSync(join(tmpdir(), 'iot-mesh-foreign-ca-'));
    execFileSync(
      'bash',
      [
        resolve(REPO_ROOT, 'setup-scripts/gen-certs.sh'),
        '--out',
        foreignDir,
        '--ca-name',
        'foreign CA',
        'local-stack',
      ],
      { stdio: 'ignore' },
    );
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    if (foreignDir) rmSync(foreignDir, { recursive: true, force: true });
  });

  it('serves a client holding a certificate from its own CA', async () => {
    expect(await listDevicesCode(stack.address('device-registry'), stack.clientTls)).toBe(status.OK);
  });

  it('refuses plaintext, server-only TLS and foreign-CA clients', async () => {
    const address = stack.address('device-registry');
    const foreign = (name: string) => join(foreignDir, name);
    const refusedWith = {
      plaintext: await listDevicesCode(address, { mode: 'plaintext' }),
      // Trusts the right CA but shows no client certificate.
      'tls without client certificate': await listDevicesCode(address, {
        mode: 'tls',
        caFile: join(stack.certDir, 'ca.crt'),
      }),
      // Trusts the right CA but shows a certificate another CA signed.
      'foreign client certificate': await listDevicesCode(address, {
        mode: 'mtls',
        caFile: join(stack.certDir, 'ca.crt'),
        certFile: foreign('local-stack.crt'),
        keyFile: foreign('local-stack.key'),
      }),
      // Everything from the foreign CA: neither side trusts the other.
      'foreign CA entirely': await listDevicesCode(address, {
        mode: 'mtls',
        caFile: foreign('ca.crt'),
        certFile: foreign('local-stack.crt'),
        keyFile: foreign('local-stack.key'),
      }),
    };
    for (const code of Object.values(refusedWith)) expect(code).toBe(status.UNAVAILABLE);
    printFigures(
      'access (mTLS device-registry):',
      Object.entries(refusedWith).map(([client, code]) => [
        client,
        code === status.UNAVAILABLE ? 'refused' : `code ${code}`,
      ]),
    );
  });
});
