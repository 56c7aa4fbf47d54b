// Follows the README's quick start as a new user would: the commands come out of README.md itself.
import { spawn } from 'node:child_process';
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

/** The quick start uses the catalog's fixed ports, so a stack already running here would answer instead. */
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
    const busy = await busyCatalogPorts();
    expect(`ports in use (is npm start already running?): ${busy.join(', ')}`).toBe(
      'ports in use (is npm start already running?): ',
    );
    const dataDir = mkdtempSync(join(tmpdir(), 'quickstart-'));
    const stack = spawn(
      process.execPath,
      [repoPath('tools/local-stack/dist/main.js'), '--data-dir', dataDir],
      {
        cwd: repoPath(),
        env: { ...process.env, LOG_LEVEL: 'warn' },
      },
    );
    let stdout = '';
    stack.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    stack.stderr.resume();
    const exited = new Promise<number | null>((resolve) => stack.once('exit', (code) => resolve(code)));
    try {
      const summary = await new Promise<string>((resolve, reject) => {
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
      });
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
      expect(summary).toContain(`data: ${dataDir}; TLS between services: plaintext`);
      expect(summary).not.toContain('not built');
      const status = await fetch('http://127.0.0.1:8080/status');
      expect(status.ok).toBe(true);
    } finally {
      stack.kill('SIGINT');
      const code = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      expect(code).toBe(0);
      expect(stdout).toContain('all services stopped');
    }
  }, 120_000);

  it('stops every service and exits 0 when whoever reads its output goes (npm start | head)', async () => {
    expect(`ports in use (is npm start already running?): ${(await busyCatalogPorts()).join(', ')}`).toBe(
      'ports in use (is npm start already running?): ',
    );
    const dataDir = mkdtempSync(join(tmpdir(), 'quickstart-head-'));
    const stack = spawn(
      process.execPath,
      [repoPath('tools/local-stack/dist/main.js'), '--data-dir', dataDir],
      { cwd: repoPath(), env: { ...process.env, LOG_LEVEL: 'info' } },
    );
    stack.stderr.resume();
    const exited = new Promise<number | null>((resolve) => stack.once('exit', (code) => resolve(code)));
    try {
      // Read the first lines, then go, as `head` does: the services' start-up lines keep coming, and the
      // launcher's next write fails with EPIPE.
      await once(stack.stdout, 'data');
      stack.stdout.destroy();

      await expect(exited).resolves.toBe(0);
      expect(processesNaming(dataDir)).toEqual([]);
      expect(await busyCatalogPorts()).toEqual([]);
    } finally {
      stack.kill('SIGKILL');
      for (const pid of processesNaming(dataDir)) process.kill(pid, 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
