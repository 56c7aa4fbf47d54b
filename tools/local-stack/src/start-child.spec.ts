import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ServiceStartError } from '@iot-mesh/platform/testing';
import { startChild, type ChildStart } from './start-child.js';

describe('starting one service of the stack', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'iot-mesh-start-child-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A process that prints a line and then does what `rest` says; nobody serves on its port. */
  const start = async (name: string, rest: string, timeoutMs: number): Promise<ChildStart> => {
    const entry = join(dir, `${name}.mjs`);
    writeFileSync(entry, `console.log('starting ${name}');\n${rest}\n`);
    const grpcPort = await freePort();
    return {
      name,
      index: 0,
      entry,
      env: {},
      quiet: true,
      address: `127.0.0.1:${grpcPort}`,
      grpcPort,
      tls: { mode: 'plaintext' },
      api: 'test.Api',
      timeoutMs,
    };
  };

  it('gives up on one that never serves, saying what the last health check got', async () => {
    const failure = await startChild(
      await start('silent', 'setInterval(() => undefined, 1000);', 1_000),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServiceStartError);
    expect(failure).toMatchObject({ exitCode: null });
    expect((failure as Error).message).toMatch(
      // Its output is there only if it got that far within the second.
      /^silent did not report SERVING within 1 s; the last health check: 14 UNAVAILABLE: .*ECONNREFUSED.*; its last output:\n/,
    );
  });

  it('fails at once, with its exit code and output, when it exits while starting', async () => {
    const failure = await startChild(await start('broken', 'process.exit(3);', 30_000)).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ exitCode: 3 });
    expect((failure as Error).message).toBe(
      'broken exited with code 3 while starting; its last output:\nstarting broken',
    );
  });
});
