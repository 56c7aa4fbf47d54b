// Follows the README's quick start as a new user would: the commands come out of README.md itself.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { readCatalog, readRepoFile, repoPath } from '../repo.js';

const readme = readRepoFile('README.md');

/** The fenced blocks of the README's "Quick start" section, in order. */
function quickStartBlocks(): string[] {
  const section = readme.split(/^## /m).find((part) => part.startsWith('Quick start\n'));
  if (!section) throw new Error('README.md has no "## Quick start" section');
  return [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map(([, , body = '']) => body);
}
const commandsOf = (block: string) =>
  block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);

/** Whether nothing listens on `port` on the loopback address. */
const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

/** The catalog's ports that something is listening on. */
async function busyCatalogPorts(): Promise<number[]> {
  const ports = readCatalog().flatMap((service) =>
    [service.grpcPort, service.adminPort, service.httpPort ?? []].flat(),
  );
  return (await Promise.all(ports.map(async (port) => ((await portIsFree(port)) ? [] : [port])))).flat();
}

/** Processes whose environment names `text` (a launcher's unique data directory reaches every service). */
function processesNaming(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(text);
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    })
    .map(Number);
}

/** `npm start`'s launcher, run on the catalog's ports with a data directory of its own. */
interface LauncherRun {
  launcher: ChildProcessWithoutNullStreams;
  dataDir: string;
  exited: Promise<number | null>;
  output(): string;
  /** The start-up summary, once printed; fails if the launcher exits first. */
  ready(): Promise<string>;
  /** Kills whatever is left of the run (the launcher, services naming its data directory) and its files. */
  cleanUp(): void;
}

/** The catalog's ports in use, after waiting up to `patienceMs` for them to be free. */
async function catalogPortsStillBusy(patienceMs: number): Promise<number[]> {
  const deadline = Date.now() + patienceMs;
  let busy = await busyCatalogPorts();
  while (busy.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    busy = await busyCatalogPorts();
  }
  return busy;
}

async function startLauncher(logLevel: string): Promise<LauncherRun> {
  // The quick start uses the catalog's fixed ports, so a stack already running here would answer instead.
  // Another project's test may hold one for a moment (a port the kernel picked for it): that one passes.
  expect(
    `ports in use (is npm start already running?): ${(await catalogPortsStillBusy(20_000)).join(', ')}`,
  ).toBe('ports in use (is npm start already running?): ');
  const dataDir = mkdtempSync(join(tmpdir(), 'quickstart-'));
  const launcher = spawn(
    process.execPath,
    [repoPath('tools/local-stack/dist/main.js'), '--data-dir', dataDir],
    {
      cwd: repoPath(),
      env: { ...process.env, LOG_LEVEL: logLevel },
    },
  );
  let stdout = '';
  launcher.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  launcher.stderr.resume();
  const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
  return {
    launcher,
    dataDir,
    exited,
    output: () => stdout,
    ready: () =>
      new Promise<string>((resolve, reject) => {
        const poll = setInterval(() => {
          if (/data: .*; TLS between services: \w+/.test(stdout)) {
            clearInterval(poll);
            resolve(stdout);
          }
        }, 100);
        void exited.then((code) => {
          clearInterval(poll);
          reject(new Error(`local stack exited with ${code} before it was ready:\n${stdout}`));
        });
      }),
    cleanUp: () => {
      launcher.kill('SIGKILL');
      for (const pid of processesNaming(dataDir)) process.kill(pid, 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('README quick start', () => {
  const [setUp = '', promisedOutput = ''] = quickStartBlocks();

  it('is exactly the two set-up commands', () => {
    expect(commandsOf(setUp)).toEqual(['./dev npm start', './dev npm test']);
  });

  it('npm start builds, then runs the local stack launcher', () => {
    // ./dev only prepares the toolchain and execs its arguments; the launcher is what npm start ends with.
    const { scripts } = JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> };
    const start = scripts['start'] ?? '';
    expect(start).toMatch(/^nx run-many -t build && node tools\/local-stack\/dist\/main\.js$/);
  });

  it('starts every service and prints what the README promises, then stops cleanly on Ctrl+C', async () => {
    const run = await startLauncher('warn');
    try {
      const summary = await run.ready();
      // Every line of the README's sample output that is not elided must appear as printed.
      for (const line of promisedOutput.split('\n').filter((line) => line.trim() && !line.includes('...'))) {
        if (line.includes('/path/to/iot-mesh')) continue;
        expect(summary).toContain(line);
      }
      for (const service of readCatalog()) {
        expect(summary).toMatch(
          new RegExp(
            `^  ${service.name} +grpc 127\\.0\\.0\\.1:${service.grpcPort} +metrics http://127\\.0\\.0\\.1:${service.adminPort}/metrics$`,
            'm',
          ),
        );
      }
      expect(summary).toContain(`data: ${run.dataDir}; TLS between services: plaintext`);
      expect(summary).not.toContain('not built');
      const status = await fetch('http://127.0.0.1:8080/status');
      expect(status.ok).toBe(true);
    } finally {
      run.launcher.kill('SIGINT');
      const code = await run.exited;
      run.cleanUp();
      expect(code).toBe(0);
      expect(run.output()).toContain('all services stopped');
    }
  }, 120_000);

  it('stops every service and exits 0 when whoever reads its output goes (npm start | head)', async () => {
    const run = await startLauncher('info');
    try {
      // Read the first lines, then go, as `head` does: the services' start-up lines keep coming, and the
      // launcher's next write fails with EPIPE.
      await once(run.launcher.stdout, 'data');
      run.launcher.stdout.destroy();

      await expect(run.exited).resolves.toBe(0);
      expect(processesNaming(run.dataDir)).toEqual([]);
      expect(await busyCatalogPorts()).toEqual([]);
    } finally {
      run.cleanUp();
    }
  }, 120_000);

  it('leaves no service running when the launcher is killed outright (SIGKILL)', async () => {
    const run = await startLauncher('warn');
    try {
      await run.ready();
      expect(processesNaming(run.dataDir)).toHaveLength(readCatalog().length);

      // No Ctrl+C, no SIGTERM: nothing of the launcher runs again, only the kernel closes its files.
      run.launcher.kill('SIGKILL');
      await run.exited;
      while (processesNaming(run.dataDir).length > 0)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await busyCatalogPorts()).toEqual([]);
    } finally {
      run.cleanUp();
    }
  }, 120_000);
});
