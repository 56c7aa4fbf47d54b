import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { localServiceNodeArgs } from '../bootstrap/service-node-args.js';
import { freePort } from './free-port.js';

export interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

export interface ServiceProcess {
  readonly grpcAddress: string;
  readonly adminUrl: string;
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
  /** Resolve as soon as the process is spawned instead of waiting for the "serving" line. */
  noWait?: boolean;
  startTimeoutMs?: number;
  /** Load the tracing preload (default); off only to measure what tracing costs. */
  tracing?: boolean;
}

/**
 * Starts a service as a real process on loopback with fresh ports and the tracing preload, and
 * waits for its "serving" log line. Used by tests that need real gRPC, signals and exit codes.
 */
export async function spawnService(options: SpawnOptions): Promise<ServiceProcess> {
  const grpcPort = options.env?.['GRPC_PORT'] ?? String(await freePort());
  const adminPort = options.env?.['ADMIN_PORT'] ?? String(await freePort());
  const nodeArgs = localServiceNodeArgs(options.tracing !== false);
  const child = spawn(process.execPath, [...nodeArgs, options.entry], {
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      ...options.env,
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: grpcPort,
      ADMIN_PORT: adminPort,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
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
    void exited.then(({ code }) =>
      reject(new Error(`service exited with ${code} before serving:\n${stderr}`)),
    );
  });
  if (!options.noWait) {
    const timeout = options.startTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      serving,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`service did not serve within ${timeout} ms:\n${stderr}`)),
          timeout,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  } else {
    serving.catch(() => undefined);
  }
  return {
    grpcAddress: `127.0.0.1:${grpcPort}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
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
