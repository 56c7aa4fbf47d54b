import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { SignJWT } from 'jose';
import { rest, startGateway } from './gateway-process.js';

// A preload that notes every module the process loads (ES modules and CommonJS alike) and writes the
// list to LOADED_MODULES_FILE as the process exits.
const RECORDER = [
  "import { registerHooks } from 'node:module';",
  "import { writeFileSync } from 'node:fs';",
  'const seen = [];',
  'registerHooks({ load: (url, context, next) => { seen.push(url); return next(url, context); } });',
  "process.on('exit', () => writeFileSync(process.env.LOADED_MODULES_FILE, seen.join('\\n')));",
].join('\n');
const RECORDER_OPTION = `--import=data:text/javascript,${encodeURIComponent(RECORDER)}`;

const JWT_SECRET = 'start-up-modules-test-secret-0123456789';

/** The packages a gateway loaded from start to exit, after `use` ran against it. */
async function packagesLoaded(
  env: Record<string, string>,
  use: (gateway: ServiceProcess) => Promise<unknown>,
): Promise<Set<string>> {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-modules-'));
  try {
    const file = join(dir, 'modules.txt');
    const gateway = await startGateway({ ...env, NODE_OPTIONS: RECORDER_OPTION, LOADED_MODULES_FILE: file });
    try {
      await use(gateway);
    } finally {
      await gateway.stop();
    }
    const urls = readFileSync(file, 'utf8').split('\n');
    // The innermost node_modules: a copy nested in another package counts as its own package.
    return new Set(urls.flatMap((url) => /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the packages a gateway loads', () => {
  it("leave out Fastify's schema compilers, jose and ioredis when no route, JWT or Redis needs them", async () => {
    const loaded = await packagesLoaded({}, async (gateway) => {
      expect((await rest(gateway, 'GET', '/health')).status).toBe(200);
      expect(
        (await rest(gateway, 'GET', '/api/v1/devices', { headers: { authorization: 'Bearer x.y.z' } }))
          .status,
      ).toBe(401);
    });
    expect(loaded).toContain('fastify');
    expect(loaded).toContain('@grpc/grpc-js');
    for (const unused of [
      'ajv',
      '@fastify/ajv-compiler',
      '@fastify/fast-json-stringify-compiler',
      'jose',
      'ioredis',
    ])
      expect(loaded).not.toContain(unused);
  });

  it('take in jose with the first JWT an operator presents', async () => {
    const jwt = await new SignJWT({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 600 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(JWT_SECRET));
    const loaded = await packagesLoaded({ OPERATOR_JWT_SECRET: JWT_SECRET }, async (gateway) => {
      // Accepted: past authentication to the registry, which this test does not run (503).
      const answer = await rest(gateway, 'GET', '/api/v1/devices', {
        headers: { authorization: `Bearer ${jwt}` },
      });
      expect(answer.status).toBe(503);
    });
    expect(loaded).toContain('jose');
    expect(loaded).not.toContain('ajv');
  });
});
