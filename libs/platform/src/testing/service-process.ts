import { spawn, type ChildProcess } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { localServiceNodeArgs } from '../bootstrap/service-node-args.js';
import { freePort, startOnPickedPorts } from './free-port.js';

/** The service an entry file belongs to: services/<name>/dist/main.js, as the catalog names it. */
export const serviceOfEntry = (entry: string) => basename(dirname(dirname(entry)));

export interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

export interface ServiceProcess {
  readonly grpcAddress: string;
  readonly adminUrl: string;
  /** The port of each port variable the process got (GRPC_PORT, ADMIN_PORT and any picked one). */
  readonly ports: Readonly<Record<string, number>>;
  readonly child: ChildProcess;
  /** Every JSON log line printed so far. */
  readonly logs: LogLine[];
  readonly stderr: () => string;
  /** Resolves with the exit code (or signal) when the process ends. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line matching `predicate`, waiting up to `timeoutMs` for it. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  /** Compiled entry point (a service's dist/main.js). */
  entry: string;
  env?: Record<string, string>;
  /**
   * Port variables that get a free port (default: GRPC_PORT and ADMIN_PORT unless `env` sets them). If
   * the service finds one taken when it binds, they are picked again and the start is tried again.
   */
  pickPorts?: readonly string[];
  /** How a free port is found (default freePort). */
  pickPort?: () => Promise<number>;
  /** Resolve as soon as the process is spawned instead of waiting for the "serving" line. */
  noWait?: boolean;
  startTimeoutMs?: number;
  /** Load the tracing preload (default); off only to measure what tracing costs. */
  tracing?: boolean;
}

/** A start that ended before the "serving" line: the process exited (with `exitCode`) or was too slow. */
export class ServiceStartError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    /** The port variable the service found taken, from its fatal log line (see listenOrExit). */
    readonly takenPort?: string,
  ) {
    super(message);
  }
}

/**
 * Why a start that should fail did: its ServiceStartError (or whatever else it threw). A start that
 * succeeds is stopped again, and undefined comes back for the test's assertion to reject.
 */
export function startFailure(start: Promise<{ stop(): Promise<unknown> }>): Promise<unknown> {
  return start.then(
    async (started) => {
      await started.stop();
      return undefined;
    },
    (error: unknown) => error,
  );
}

/**
 * Starts a service as a real process on loopback with fresh ports and the tracing preload, and
 * waits for its "serving" log line. Used by tests that need real gRPC, signals and exit codes.
 */
export async function spawnService(options: SpawnOptions): Promise<ServiceProcess> {
  const picked = options.pickPorts ?? ['GRPC_PORT', 'ADMIN_PORT'].filter((name) => !options.env?.[name]);
  return startOnPickedPorts(
    async () => {
      const ports: Record<string, string> = {};
      for (const name of picked) ports[name] = String(await (options.pickPort ?? freePort)());
      return spawnOnce(options, { ...options.env, ...ports });
    },
    // Only a port this start picked is worth picking again; one the caller chose stays taken.
    (error) => error instanceof ServiceStartError && picked.includes(error.takenPort ?? ''),
  );
}

async function spawnOnce(options: SpawnOptions, env: Record<string, string>): Promise<ServiceProcess> {
  const grpcPort = env['GRPC_PORT'];
  const adminPort = env['ADMIN_PORT'];
  const nodeArgs = localServiceNodeArgs(serviceOfEntry(options.entry), options.tracing !== false);
  const child = spawn(process.execPath, [...nodeArgs, options.entry], {
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      ...env,
      GRPC_HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  // After 'close' the output is read to its end, the fatal line that names a taken port included.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const serving = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as LogLine;
        logs.push(parsed);
        if (parsed.msg === 'serving') resolve();
      } catch {
        logs.push({ level: 'raw', msg: line });
      }
    });
    void closed.then(() => {
      const code = child.exitCode;
      const taken = logs.find((line) => line.level === 'fatal' && typeof line['setting'] === 'string');
      reject(
        new ServiceStartError(
          `service exited with ${code} before serving:\n${stderr}`,
          code,
          taken?.['setting'] as string | undefined,
        ),
      );
    });
  });
  if (!options.noWait) {
    const timeout = options.startTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      serving,
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new ServiceStartError(`service did not serve within ${timeout} ms:\n${stderr}`, null));
        }, timeout);
      }),
    ]).finally(() => clearTimeout(timer));
  } else {
    serving.catch(() => undefined);
  }
  return {
    grpcAddress: `127.0.0.1:${grpcPort}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    ports: Object.fromEntries(
      Object.entries(env)
        .filter(([name]) => name.endsWith('_PORT'))
        .map(([name, port]) => [name, Number(port)]),
    ),
    child,
    logs,
    stderr: () => stderr,
    exited,
    waitForLog: async (predicate, timeoutMs = 5_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = logs.find(predicate);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no matching log line within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
