import { spawnSync } from 'node:child_process';

/** A script's statement loading the built lean-startup preload, as the services load it. */
export const IMPORT_BUILT_PRELOAD = `await import(${JSON.stringify(
  new URL('../../dist/bootstrap/lean-startup.preload.js', import.meta.url).href,
)});`;

/**
 * Runs `script` (an ES module) in a fresh Node process, since the preload changes Node for the whole
 * process, and returns what it printed last on stderr, as JSON. Fails with its stderr if it failed.
 */
export function probeInFreshNode<Seen>(script: string): Seen {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (child.status !== 0 || child.stderr.includes('Error:'))
    throw new Error(`the probe failed:\n${child.stderr}`);
  return JSON.parse(child.stderr.trim().split('\n').pop() ?? '{}') as Seen;
}
