import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A bench server running in its own process, so that its CPU time can be read apart from the client's. */
export interface ChildServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `script` (compiled next to this file, given `scriptArgs`) under Node with `nodeArgs`, which
 * prints `{"port": N}` as its first line once it listens; fails if it exits before that.
 */
export async function startChildServer(
  script: string,
  nodeArgs: readonly string[] = [],
  scriptArgs: readonly string[] = [],
): Promise<ChildServer> {
  const entry = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const child = spawn(process.execPath, [...nodeArgs, entry, ...scriptArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const [line] = (await Promise.race([
    once(createInterface({ input: child.stdout }), 'line'),
    exited.then(([code]) => {
      throw new Error(`${script} exited (${String(code)}) before printing its port`);
    }),
  ])) as [string];
  const { port } = JSON.parse(line) as { port: number };
  return { port, pid: child.pid ?? 0, stop };
}
