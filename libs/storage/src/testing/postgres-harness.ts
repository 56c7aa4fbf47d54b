import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startOnPickedPorts } from '@iot-mesh/platform/testing';

export interface TestPostgres {
  /** Connection URL of a fresh database on the throwaway server. */
  createDatabase(name: string): Promise<string>;
  /**
   * Stops the server as an administrator would (its connections are terminated), runs `during`,
   * then starts it again on the same port.
   */
  whileStopped<T>(during: () => Promise<T>): Promise<T>;
  stop(): void;
}

function postgresBinDir(): string {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (fromConfig.status === 0 && existsSync(join(fromConfig.stdout.trim(), 'initdb')))
    return fromConfig.stdout.trim();
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
  if (!found)
    throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found; install the postgresql package');
  return found;
}

/**
 * Starts a real, throwaway PostgreSQL server in a temp dir on a loopback port (trust auth, no
 * fsync). PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'iot-mesh-pg-'));
  chmodSync(dir, 0o777);
  const dataDir = join(dir, 'data');
  const log = join(dir, 'server.log');
  const asRoot = process.getuid?.() === 0;
  const invocation = (command: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), args];
  const run = (command: string, args: string[]) =>
    execFileSync(...invocation(command, args), { stdio: 'pipe' });
  // Stopping and starting again leave the event loop free, so clients see their connections end meanwhile.
  const runWithoutBlocking = (command: string, args: string[]) =>
    promisify(execFile)(...invocation(command, args));

  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const start = (port: number) =>
    runWithoutBlocking('pg_ctl', [
      '-D',
      dataDir,
      '-l',
      log,
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
      '-w',
      'start',
    ]);
  // The port is picked after initdb, which takes seconds, so another process has little time to take it.
  const port = await startOnPickedPorts(
    async () => {
      const picked = await freePort();
      await start(picked);
      return picked;
    },
    () => existsSync(log) && readFileSync(log, 'utf8').includes('Address already in use'),
  );
  const base = `postgres://postgres@127.0.0.1:${port}`;
  return {
    async createDatabase(name) {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: `${base}/postgres` });
      await client.connect();
      await client.query(`CREATE DATABASE "${name.replace(/[^a-z0-9_]/g, '_')}"`);
      await client.end();
      return `${base}/${name.replace(/[^a-z0-9_]/g, '_')}`;
    },
    async whileStopped(during) {
      await runWithoutBlocking('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      try {
        return await during();
      } finally {
        await start(port);
      }
    },
    stop() {
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
