import { existsSync, readFileSync } from 'node:fs';
import { checkHealth } from '../src/client/health-check.js';
import { startFixture } from '../src/testing/fixture-process.js';
import type { ServiceProcess } from '../src/testing/service-process.js';
import { healthClient, type HealthStatus } from './fixture-client.js';

/** The local addresses (hex, as /proc/net/tcp writes them) listening on TCP `port`. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[3] === '0A' && fields[1]?.endsWith(`:${hexPort}`))
    .map((fields) => fields[1].split(':')[0]);
}

describe('health service and admin port', () => {
  let fixture: ServiceProcess;
  afterEach(async () => {
    await fixture?.stop('SIGKILL');
  });

  it('answers Check for the server and for each service, NOT_FOUND for unknown ones', async () => {
    fixture = await startFixture();
    await expect(checkHealth(fixture.grpcAddress)).resolves.toBe('SERVING');
    await expect(checkHealth(fixture.grpcAddress, undefined, 'iotmesh.testing.v1.Fixture')).resolves.toBe(
      'SERVING',
    );
    // The server answered NOT_FOUND, which checkHealth reports as SERVICE_UNKNOWN.
    await expect(checkHealth(fixture.grpcAddress, undefined, 'iotmesh.nope.v1.Nothing')).resolves.toBe(
      'SERVICE_UNKNOWN',
    );
    await expect(checkHealth('127.0.0.1:1')).resolves.toBe('UNREACHABLE');
  });

  (existsSync('/proc/net/tcp') ? it : it.skip)(
    'listens for admin requests on every interface unless ADMIN_HOST names one',
    async () => {
      fixture = await startFixture();
      expect(listeningAddresses(fixture.ports['ADMIN_PORT'])).toEqual(['00000000']);
      await fixture.stop('SIGKILL');
      fixture = await startFixture({ env: { ADMIN_HOST: '127.0.0.1' } });
      expect(listeningAddresses(fixture.ports['ADMIN_PORT'])).toEqual(['0100007F']);
      expect((await fetch(`${fixture.adminUrl}/healthz`)).status).toBe(200);
    },
  );

  it('serves /healthz, /readyz and /metrics on the admin port, 404 elsewhere', async () => {
    fixture = await startFixture();
    const healthz = await fetch(`${fixture.adminUrl}/healthz`);
    const readyz = await fetch(`${fixture.adminUrl}/readyz`);
    const metrics = await fetch(`${fixture.adminUrl}/metrics`);
    const missing = await fetch(`${fixture.adminUrl}/nothing`);
    expect([healthz.status, readyz.status, metrics.status, missing.status]).toEqual([200, 200, 200, 404]);
    // Another method: a 404 for a path that is not served, a 405 for one that is.
    const posted = await Promise.all(
      ['/nothing', '/metrics'].map((path) => fetch(`${fixture.adminUrl}${path}`, { method: 'POST' })),
    );
    expect(posted.map((r) => [r.status, r.headers.get('allow')])).toEqual([
      [404, null],
      [405, 'GET, HEAD'],
    ]);
    expect(await metrics.text()).toContain('process_cpu_user_seconds_total{service="fixture"}');
  });

  it('Watch sees SERVING, then NOT_SERVING on SIGTERM, and its stream ends so the process exits 0', async () => {
    fixture = await startFixture();
    const health = healthClient(fixture.grpcAddress);
    const watch = health.watch('iotmesh.testing.v1.Fixture');
    const seen: HealthStatus[] = [];
    const ended = new Promise<void>((resolve) => {
      watch.on('data', (message: { status: HealthStatus }) => seen.push(message.status));
      watch.on('end', () => resolve());
      watch.on('error', () => resolve());
    });
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 20));

    const exit = fixture.stop('SIGTERM');
    await ended;
    expect(seen).toEqual(['SERVING', 'NOT_SERVING']);
    await expect(exit).resolves.toEqual({ code: 0, signal: null });
    expect(fixture.logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['shutting down: draining in-flight calls', 'stopped']),
    );
    health.close();
  });
});
