import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TlsSettings } from '@iot-mesh/platform';
import { freePort } from '@iot-mesh/platform/testing';
import { readCatalog, type CatalogService } from './catalog.js';
import { runService, type RunningChild } from './service-runner.js';
import { serviceEnv } from './service-env.js';
import type { StackOptions } from './stack-options.js';
import { waitUntilServing } from './wait-until-serving.js';

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

/** The catalog's ports, or (for tests and benchmarks beside a developer's stack) free ones. */
async function withPorts(catalog: CatalogService[], ports: 'catalog' | 'free'): Promise<CatalogService[]> {
  if (ports === 'catalog') return catalog;
  const placed: CatalogService[] = [];
  for (const service of catalog) {
    placed.push({
      ...service,
      grpcPort: await freePort(),
      adminPort: await freePort(),
      ...(service.httpPort ? { httpPort: await freePort() } : {}),
    });
  }
  return placed;
}

/** Starts every built service of the catalog in order and waits for each to report SERVING. */
export async function startStack(
  root: string,
  options: StackOptions,
  ports: 'catalog' | 'free' = 'catalog',
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Stack> {
  const catalog = await withPorts(readCatalog(resolve(root, 'services/catalog.json')), ports);
  const built = catalog.filter((service) =>
    existsSync(resolve(root, 'services', service.name, 'dist/main.js')),
  );
  const certDir = resolve(options.dataDir, '../certs');
  if (options.mtls) {
    const names = [...built.map((s) => s.name), 'local-stack'];
    execFileSync('bash', [resolve(root, 'setup-scripts/gen-certs.sh'), '--out', certDir, ...names], {
      stdio: 'ignore',
    });
  }
  const tls: TlsSettings = options.mtls
    ? {
        mode: 'mtls',
        caFile: resolve(certDir, 'ca.crt'),
        certFile: resolve(certDir, 'local-stack.crt'),
        keyFile: resolve(certDir, 'local-stack.key'),
      }
    : { mode: 'plaintext' };
  // TLS checks the name in the certificate, which says localhost; plaintext avoids the IPv6 detour.
  const host = options.mtls ? 'localhost' : '127.0.0.1';
  const address = (name: string) => `${host}:${catalog.find((s) => s.name === name)?.grpcPort ?? 0}`;

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

  for (const [index, service] of built.entries()) {
    const env = { ...serviceEnv(service, catalog, options, { ...tls, certDir }, host), ...extraEnv };
    const child = runService(
      service.name,
      index,
      resolve(root, 'services', service.name, 'dist/main.js'),
      env,
      options.quiet,
    );
    running.push(child);
    void child.exited.then(() => {
      if (!stopping && !stoppedOnPurpose.has(service.name)) reportCrash(service.name);
    });
    // A service that exits while starting fails the start at once, with what it printed.
    const started = await Promise.race([
      waitUntilServing(address(service.name), tls, 30_000),
      child.exited.then(() => false),
    ]);
    if (!started) {
      await stop();
      throw new Error(
        `${service.name} did not report SERVING within 30 s; its last output:\n${child.lastLines.join('\n')}`,
      );
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
    services: built,
    notBuilt: catalog.filter((s) => !built.includes(s)).map((s) => s.name),
    tls,
    crashed,
    address,
    stop,
  };
}
