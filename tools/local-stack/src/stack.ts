import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PORT_IN_USE_EXIT_CODE, type TlsSettings } from '@iot-mesh/platform';
import { freePort, ServiceStartError, startOnPickedPorts } from '@iot-mesh/platform/testing';
import { readCatalog, type CatalogService } from './catalog.js';
import type { RunningChild } from './service-runner.js';
import { serviceEnv } from './service-env.js';
import type { StackOptions } from './stack-options.js';
import { startChild } from './start-child.js';
import { refuseTakenPorts } from './taken-ports.js';

export interface Stack {
  /** The catalog entries that were started, with the ports they got. */
  readonly services: CatalogService[];
  readonly notBuilt: string[];
  readonly tls: TlsSettings;
  /** Resolves with the name of the first service that exits while the stack is up. */
  readonly crashed: Promise<string>;
  address(name: string): string;
  /** Process ids, for benchmarks that read CPU time. */
  processes(): { name: string; pid: number }[];
  /** Stops one service the way Kubernetes would (SIGTERM), e.g. to see how the rest copes. */
  stopService(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** Picks a loopback port that is free now for one of a service's port variables (GRPC_PORT, ADMIN_PORT, HTTP_PORT). */
export type PortPicker = (service: string, variable: string) => Promise<number>;

async function withPorts(service: CatalogService, pick: PortPicker): Promise<CatalogService> {
  return {
    ...service,
    grpcPort: await pick(service.name, 'GRPC_PORT'),
    adminPort: await pick(service.name, 'ADMIN_PORT'),
    ...(service.httpPort ? { httpPort: await pick(service.name, 'HTTP_PORT') } : {}),
  };
}

/**
 * Starts every built service of the catalog in order and waits for each to report SERVING. The ports are
 * the catalog's, or picked ('free' picks with freePort); tests and benchmarks pick, to run beside a developer's stack.
 */
export async function startStack(
  root: string,
  options: StackOptions,
  ports: 'catalog' | 'free' | PortPicker = 'catalog',
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Stack> {
  const catalog = readCatalog(resolve(root, 'services/catalog.json'));
  const pick = ports === 'free' ? freePort : ports === 'catalog' ? undefined : ports;
  const built = catalog
    .filter((service) => existsSync(resolve(root, 'services', service.name, 'dist/main.js')))
    .map((service) => service.name);
  const placed = (name: string) => catalog.find((service) => service.name === name)!;
  // On the catalog's ports, a stack already running would answer this one's health checks.
  if (!pick) await refuseTakenPorts(catalog.filter((service) => built.includes(service.name)));
  const certDir = options.mtls ? certificatesDirectory(options) : undefined;
  if (certDir) generateCertificates(root, certDir, [...built, 'local-stack'], options.quiet);
  const tls: TlsSettings = certDir
    ? {
        mode: 'mtls',
        caFile: resolve(certDir, 'ca.crt'),
        certFile: resolve(certDir, 'local-stack.crt'),
        keyFile: resolve(certDir, 'local-stack.key'),
      }
    : { mode: 'plaintext' };
  // TLS checks the name in the certificate, which says localhost; plaintext avoids the IPv6 detour.
  const host = options.mtls ? 'localhost' : '127.0.0.1';
  const address = (name: string) => `${host}:${placed(name).grpcPort}`;

  const running: RunningChild[] = [];
  let stopping = false;
  const stoppedOnPurpose = new Set<string>();
  let reportCrash: (name: string) => void = () => undefined;
  const crashed = new Promise<string>((resolveCrash) => (reportCrash = resolveCrash));
  const stop = async () => {
    stopping = true;
    for (const service of [...running].reverse()) {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  };

  /** Starts one service and waits until it serves; a ServiceStartError says why it did not. */
  const startService = async (index: number, name: string): Promise<void> => {
    // Picked just before the start, which leaves another process little time to take them.
    if (pick) catalog[catalog.indexOf(placed(name))] = await withPorts(placed(name), pick);
    const service = placed(name);
    const child = await startChild({
      name,
      index,
      entry: resolve(root, 'services', name, 'dist/main.js'),
      env: { ...serviceEnv(service, catalog, options, { ...tls, certDir }, host), ...extraEnv },
      quiet: options.quiet,
      address: address(name),
      grpcPort: service.grpcPort,
      tls,
      api: service.api,
    });
    running.push(child);
    void child.exited.then(() => {
      if (!stopping && !stoppedOnPurpose.has(name)) reportCrash(name);
    });
  };
  // Callees come first in the catalog, so the peers a service calls are serving before it starts.
  for (const [index, name] of built.entries()) {
    try {
      await startOnPickedPorts(
        () => startService(index, name),
        (error) =>
          pick !== undefined &&
          error instanceof ServiceStartError &&
          error.exitCode === PORT_IN_USE_EXIT_CODE,
      );
    } catch (error) {
      await stop();
      throw error;
    }
  }
  const processes = () => running.map((r) => ({ name: r.name, pid: r.child.pid ?? 0 }));
  const stopService = async (name: string) => {
    const service = running.find((r) => r.name === name);
    if (!service) throw new Error(`no running service ${name}`);
    stoppedOnPurpose.add(name);
    service.child.kill('SIGTERM');
    await service.exited;
  };
  return {
    processes,
    stopService,
    services: built.map(placed),
    notBuilt: catalog.filter((s) => !built.includes(s.name)).map((s) => s.name),
    tls,
    crashed,
    address,
    stop,
  };
}

/**
 * The directory named for the certificates (--certs-dir), never one derived from another option:
 * gen-certs.sh replaces a CA certificate it finds there without its key.
 */
function certificatesDirectory(options: StackOptions): string {
  if (!options.certsDir) throw new Error('--mtls needs a directory for its certificates (--certs-dir)');
  return resolve(options.certsDir);
}

/**
 * Runs setup-scripts/gen-certs.sh, which makes the certificates that are missing and renews those that
 * expire soon. What it says is shown (unless quiet), and in full when it fails.
 */
function generateCertificates(root: string, certDir: string, names: string[], quiet = false): void {
  const script = resolve(root, 'setup-scripts/gen-certs.sh');
  const run = spawnSync('bash', [script, '--out', certDir, ...names], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (run.error) throw new Error(`setup-scripts/gen-certs.sh could not run: ${run.error.message}`);
  if (run.status !== 0) {
    const why = run.signal ? `killed by ${run.signal}` : `exit code ${run.status}`;
    throw new Error(`setup-scripts/gen-certs.sh failed (${why}):\n${run.stderr.trim()}`);
  }
  const own = run.stderr.split('\n').filter((line) => line.startsWith('gen-certs.sh: '));
  if (!quiet && own.length > 0) console.log(own.join('\n'));
}
