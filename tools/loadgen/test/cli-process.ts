import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export interface CliExit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI (`node dist/main.js`) as a process of its own, as a person or Jenkins runs it. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<CliExit>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  /** Resolves once stderr matches (or the process has ended). */
  const untilStderr = (pattern: RegExp) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!pattern.test(stderr) && child.exitCode === null) return;
        child.stderr.off('data', check);
        resolve();
      };
      child.stderr.on('data', check);
      check();
    });
  return {
    exited,
    /**
     * Sends the signal, as Ctrl+C (SIGINT) or a Jenkins abort (SIGTERM) does; resolves once the CLI
     * says it is stopping.
     */
    stop: (signal: NodeJS.Signals) => {
      child.kill(signal);
      return untilStderr(/^loadgen: stopping/m);
    },
  };
}

/** The CLI run to its end. */
export const runCliProcess = (args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
  startCli(args, env).exited;
