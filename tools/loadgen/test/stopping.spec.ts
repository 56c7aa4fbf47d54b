// Ctrl+C or SIGTERM before the measurement starts: the built CLI as a process, stopped at a known point
// of the run (a proxy before the gateway tells when), reports what was sent and revokes its keys.
import { fleetDeviceIds, REGISTRATION_CONCURRENCY } from '../src/fleet.js';
import type { LoadReport } from '../src/report.js';
import { startCli } from './cli-process.js';
import { activeLoadgenKeys, aggregatedReadings } from './fleet-counts.js';
import { startGatewayProxy, type GatewayProxyHooks } from './gateway-proxy.js';
import { OPERATOR_TOKEN, settle, startTestStack, type TestStack } from './test-stack.js';

describe('a run stopped before its measurement', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  /**
   * Runs the CLI over REST through a proxy whose hooks stop it: `stop` sends the signal and resolves
   * once the CLI says it is stopping, so a hook that returns it holds its call until then.
   */
  async function stoppedRun(
    flags: string[],
    hooks: (stop: (signal: NodeJS.Signals) => Promise<void>) => GatewayProxyHooks,
  ) {
    let cli: ReturnType<typeof startCli> | undefined;
    const proxy = await startGatewayProxy(
      t.httpBaseUrl,
      hooks((signal) => cli?.stop(signal) ?? Promise.resolve()),
    );
    try {
      cli = startCli(['--protocol=rest', `--http=${proxy.url}`, '--json', ...flags], { OPERATOR_TOKEN });
      const { code, stdout, stderr } = await cli.exited;
      return { code, stderr, report: JSON.parse(stdout) as LoadReport };
    } finally {
      await proxy.close();
    }
  }

  it('reports the part of the warm-up that ran, with what was accepted, when Ctrl+C comes during it', async () => {
    const devices = fleetDeviceIds('stop-warmup', 4);
    let accepted = 0;
    const { code, stderr, report } = await stoppedRun(
      [
        '--devices=4',
        '--rate=200',
        '--batch=10',
        '--warmup=60',
        '--duration=60',
        '--device-prefix=stop-warmup',
      ],
      (stop) => ({
        onAnswer: ({ path }, status) => {
          // Three batches of the warm-up accepted, then Ctrl+C.
          if (path === '/api/v1/readings/batch' && status === 200 && ++accepted === 3) void stop('SIGINT');
        },
      }),
    );
    expect(code).toBe(0);
    expect(stderr).toContain('warming up for 60 s');
    // One schedule, the warm-up's: the measurement never started.
    expect(stderr.match(/^loadgen: run /gm)).toHaveLength(1);
    expect(report.stoppedDuring).toBe('warm-up');
    expect(report.accepted).toBeGreaterThanOrEqual(30);
    expect(report.accepted).toBe(report.sentReadings);
    expect(report.durationSeconds).toBeLessThan(60);
    // Said as it is, without "nothing got through" (a busy machine may add a warning about lag).
    expect(report.warnings).toContain(
      `stopped during the warm-up, before the measurement started: these figures are the ${report.durationSeconds.toFixed(2)} s of warm-up that ran`,
    );
    expect(report.warnings.filter((w) => /nothing got through|no reading/.test(w))).toEqual([]);
    // The processor holds exactly what the report says was accepted.
    const aggregated = await settle(
      () => aggregatedReadings(t.httpBaseUrl, devices),
      (count) => count === report.accepted,
    );
    expect(aggregated).toBe(report.accepted);
    expect(await activeLoadgenKeys(t.httpBaseUrl, devices)).toBe(0);
  });

  it('registers no further device after SIGTERM during registration, sends nothing and revokes the keys', async () => {
    const devices = fleetDeviceIds('stop-reg', 40);
    let stopping: Promise<void> | undefined;
    const { code, stderr, report } = await stoppedRun(
      ['--devices=40', '--rate=200', '--warmup=5', '--duration=20', '--device-prefix=stop-reg'],
      (stop) => ({
        // The first key request brings SIGTERM, and every key request waits until the CLI is stopping.
        beforeForward: ({ method, path }) => {
          if (method !== 'POST' || !path.endsWith('/keys')) return undefined;
          stopping ??= stop('SIGTERM');
          return stopping;
        },
      }),
    );
    expect(code).toBe(1);
    expect(stderr).not.toMatch(/warming up|^loadgen: run /m);
    expect(report.stoppedDuring).toBe('registration');
    // At most the devices already under way when the signal came.
    expect(report.devices).toBeLessThanOrEqual(REGISTRATION_CONCURRENCY);
    expect(report.offeredReadings).toBe(0);
    expect(report.warnings).toEqual(['stopped during registration, before any reading was sent']);
    expect(await activeLoadgenKeys(t.httpBaseUrl, devices)).toBe(0);
  });
});
