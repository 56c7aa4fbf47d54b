import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TlsSettings } from '@iot-mesh/platform';
import { spawnService, type ServiceProcess } from '@iot-mesh/platform/testing';
import { REPO_ROOT, serviceEntry } from './repo-paths.js';
import { SERVICE_NAMES, serviceEnv, type EnvSettings, type ServiceName } from './service-env.js';
import { startTcpProxy, type TcpProxy } from '@iot-mesh/platform/testing';

export interface ServiceInstance {
  readonly process: ServiceProcess;
  readonly grpcPort: number;
  readonly adminPort: number;
  readonly httpPort?: number;
}

export interface MeshStackOptions {
  operatorToken?: string;
  /** Env for every service (e.g. shorter deadlines); `envFor` adds per service. */
  env?: Record<string, string>;
  envFor?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Services speak mTLS with certificates from setup-scripts/gen-certs.sh. */
  mtls?: boolean;
  /** Start only these (default: all six); the others' addresses lead nowhere. */
  only?: readonly ServiceName[];
}

/**
 * The platform on loopback with a TCP proxy in front of every service: peers and clients only know
 * the proxies' addresses, so instances can be replaced, killed or frozen underneath, as pods are.
 */
export interface MeshStack {
  readonly operatorToken: string;
  /** How test clients connect: plaintext, or mTLS with the stack's own client certificate. */
  readonly clientTls: TlsSettings;
  readonly certDir: string;
  address(name: ServiceName): string;
  instance(name: ServiceName): ServiceInstance;
  proxy(name: ServiceName): TcpProxy;
  httpBaseUrl(): string;
  /** Everything every instance ever printed (logs and stderr), for leak checks. */
  capturedOutput(): string;
  /** New instance up and in the endpoints, old one out of them, then SIGTERM; its exit code. */
  rollingRestart(name: ServiceName): Promise<number | null>;
  /** kill -9, then a new instance on the same ports with the same data. */
  crashAndRestart(name: ServiceName, beforeRestart?: () => Promise<void>): Promise<void>;
  signal(name: ServiceName, signal: 'SIGSTOP' | 'SIGCONT'): void;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

export async function startMeshStack(options: MeshStackOptions = {}): Promise<MeshStack> {
  const dir = mkdtempSync(join(tmpdir(), 'iot-mesh-reliability-'));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  const certDir = join(dir, 'certs');
  if (options.mtls) {
    execFileSync(
      'bash',
      [resolve(REPO_ROOT, 'setup-scripts/gen-certs.sh'), '--out', certDir, ...SERVICE_NAMES, 'local-stack'],
      { stdio: 'ignore' },
    );
  }
  const names = options.only ?? SERVICE_NAMES;
  const proxies = new Map<ServiceName, TcpProxy>();
  for (const name of SERVICE_NAMES) proxies.set(name, await startTcpProxy());
  const proxyOf = (name: ServiceName) => proxies.get(name)!;
  const settings: EnvSettings = {
    dataDir,
    operatorToken: options.operatorToken ?? 'reliability-operator-token',
    peers: Object.fromEntries(SERVICE_NAMES.map((n) => [n, proxyOf(n).address])),
    ...(options.mtls ? { certDir } : {}),
    extra: options.env ?? {},
  };
  const current = new Map<ServiceName, ServiceInstance>();
  const everyProcess: ServiceProcess[] = [];

  // A new instance gets free ports; a restarted one (`ports`) keeps its old ones, as its proxy expects.
  const launch = async (name: ServiceName, ports?: ServiceInstance): Promise<ServiceInstance> => {
    const gateway = name === 'edge-gateway';
    const process = await spawnService({
      entry: serviceEntry(name),
      env: {
        ...serviceEnv(name, settings),
        ...options.envFor?.[name],
        ...(ports
          ? {
              GRPC_PORT: String(ports.grpcPort),
              ADMIN_PORT: String(ports.adminPort),
              ...(ports.httpPort ? { HTTP_PORT: String(ports.httpPort) } : {}),
            }
          : {}),
      },
      pickPorts: ports ? [] : ['GRPC_PORT', 'ADMIN_PORT', ...(gateway ? ['HTTP_PORT'] : [])],
      startTimeoutMs: START_TIMEOUT_MS,
    });
    everyProcess.push(process);
    const { GRPC_PORT: grpcPort, ADMIN_PORT: adminPort, HTTP_PORT: httpPort } = process.ports;
    return { process, grpcPort, adminPort, ...(gateway ? { httpPort } : {}) };
  };
  const instance = (name: ServiceName) => {
    const found = current.get(name);
    if (!found) throw new Error(`${name} is not running in this stack`);
    return found;
  };
  const stop = async () => {
    for (const name of [...names].reverse()) {
      const running = current.get(name);
      if (running) {
        running.process.child.kill('SIGCONT');
        await running.process.stop('SIGTERM');
      }
    }
    await Promise.all([...proxies.values()].map((p) => p.close()));
    rmSync(dir, { recursive: true, force: true });
  };

  // Proxies exist before any service, so every service can start at once and find its peers later.
  const started = await Promise.allSettled(names.map(async (name) => current.set(name, await launch(name))));
  const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    await stop();
    throw failure.reason;
  }
  for (const [name, running] of current) proxyOf(name).setEndpoints([running.grpcPort]);

  return {
    operatorToken: settings.operatorToken,
    clientTls: options.mtls
      ? {
          mode: 'mtls',
          caFile: join(certDir, 'ca.crt'),
          certFile: join(certDir, 'local-stack.crt'),
          keyFile: join(certDir, 'local-stack.key'),
        }
      : { mode: 'plaintext' },
    certDir,
    address: (name) => proxyOf(name).address,
    instance,
    proxy: proxyOf,
    httpBaseUrl: () => `http://127.0.0.1:${instance('edge-gateway').httpPort}`,
    capturedOutput: () =>
      everyProcess.map((p) => `${p.logs.map((l) => JSON.stringify(l)).join('\n')}\n${p.stderr()}`).join('\n'),
    rollingRestart: async (name) => {
      const old = instance(name);
      const fresh = await launch(name);
      proxyOf(name).setEndpoints([old.grpcPort, fresh.grpcPort]);
      current.set(name, fresh);
      proxyOf(name).setEndpoints([fresh.grpcPort]);
      return (await old.process.stop('SIGTERM')).code;
    },
    crashAndRestart: async (name, beforeRestart) => {
      const old = instance(name);
      await old.process.stop('SIGKILL');
      await beforeRestart?.();
      current.set(name, await launch(name, old));
    },
    signal: (name, signal) => {
      instance(name).process.child.kill(signal);
    },
    stop,
  };
}
