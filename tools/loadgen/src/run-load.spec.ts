import { startStubGateway } from '../test/stub-gateway.js';
import { EXIT_OK, EXIT_OUTCOME_UNKNOWN, runCli } from './cli.js';
import { fleetDeviceIds } from './fleet.js';
import type { LoadReport } from './report.js';
import { runLoad } from './run-load.js';
import { KEY_DESCRIPTION } from './run-keys.js';

const TOKEN = 'an-operator-token-long-enough';

/** A run against a stub gateway on loopback, from the command line, with the JSON report parsed. */
async function cliRun(url: string, flags: string[]) {
  const out: string[] = [];
  const code = await runCli(
    ['--protocol=rest', `--http=${url}`, `--operator-token=${TOKEN}`, '--json', ...flags],
    { out: (text) => out.push(text), err: () => undefined, env: {} },
  );
  return { code, report: JSON.parse(out.join('\n')) as LoadReport };
}

describe('a run against a gateway over REST', () => {
  it('asks for each key once when its answer is late, and revokes the keys whose answers never came', async () => {
    // The answer takes longer than the client waits, but the key is issued all the same.
    const gateway = await startStubGateway({ keyHashMs: 300 });
    try {
      const run = runLoad({
        httpBaseUrl: gateway.url,
        operatorToken: TOKEN,
        devices: 3,
        devicePrefix: 'lg',
        timeoutSeconds: 0.05,
      });
      await expect(run).rejects.toThrow(/^registering device lg-0000\d failed: POST .* timeout/);

      const requests = gateway.keyRequests();
      expect(requests.size).toBeGreaterThan(0);
      expect([...requests.values()].every((count) => count === 1)).toBe(true);
      const keys = [...gateway.keys.values()].flat();
      expect(keys).toHaveLength(requests.size);
      expect(keys.map((k) => k.state)).toEqual(keys.map(() => 'KEY_STATE_REVOKED'));
    } finally {
      await gateway.close();
    }
  });

  it("revokes every key of its run at the end, found by listing, and no one else's", async () => {
    const gateway = await startStubGateway();
    try {
      gateway.seedKey('lg-00000', 'ops', 'ops laptop');
      gateway.seedKey('lg-00000', 'other', `${KEY_DESCRIPTION} another-run`);
      const report = await runLoad({
        httpBaseUrl: gateway.url,
        operatorToken: TOKEN,
        devices: 2,
        devicePrefix: 'lg',
        ratePerSecond: 40,
        batchSize: 2,
        durationSeconds: 0.25,
      });
      expect(report.accepted).toBe(10);

      const states = (deviceId: string) => gateway.keys.get(deviceId)?.map((k) => `${k.keyId} ${k.state}`);
      const [first, second] = fleetDeviceIds('lg', 2).map((id) => gateway.keys.get(id)!.at(-1)!);
      expect(first.description).toMatch(new RegExp(`^${KEY_DESCRIPTION} \\w+$`));
      expect(second.description).toBe(first.description);
      expect(states('lg-00000')).toEqual([
        'ops KEY_STATE_ACTIVE',
        'other KEY_STATE_ACTIVE',
        `${first.keyId} KEY_STATE_REVOKED`,
      ]);
      expect(states('lg-00001')).toEqual([`${second.keyId} KEY_STATE_REVOKED`]);
    } finally {
      await gateway.close();
    }
  });

  it('counts readings whose calls time out as of unknown outcome, not failed, and exits 3 when none was confirmed', async () => {
    const gateway = await startStubGateway({
      readings: () => ({ status: 200, body: { acceptedCount: 5 }, delayMs: 3_000 }),
    });
    try {
      const { code, report } = await cliRun(gateway.url, [
        '--devices=1',
        '--rate=20',
        '--batch=5',
        '--duration=0.5',
        '--timeout=0.5',
      ]);
      expect(code).toBe(EXIT_OUTCOME_UNKNOWN);
      expect(report).toMatchObject({
        sentReadings: 10,
        accepted: 0,
        failedReadings: 0,
        failedCalls: 0,
        unknownReadings: 10,
        unknownCalls: 2,
        errorsByCode: {},
        unknownByCode: { TIMEOUT: { calls: 2, readings: 10 } },
      });
      expect(report.warnings).toContain(
        'no reading was confirmed: none was accepted, but some got no answer in time and may have been stored',
      );
      expect(report.warnings.join('\n')).not.toContain('nothing got through');
    } finally {
      await gateway.close();
    }
  });

  it('keeps the accepted readings apart from those of unknown outcome when only some calls time out', async () => {
    let calls = 0;
    const gateway = await startStubGateway({
      readings: () => ({ status: 200, body: { acceptedCount: 5 }, delayMs: calls++ % 2 === 0 ? 0 : 3_000 }),
    });
    try {
      const { code, report } = await cliRun(gateway.url, [
        '--devices=1',
        '--rate=20',
        '--batch=5',
        '--duration=1',
        '--timeout=0.5',
      ]);
      expect(code).toBe(EXIT_OK);
      expect(report).toMatchObject({
        sentReadings: 20,
        accepted: 10,
        failedReadings: 0,
        unknownReadings: 10,
      });
      expect(report.warnings).toContain(
        '10 readings (50.0% of those sent) got no answer in time: their outcome is unknown, the gateway may have stored them',
      );
    } finally {
      await gateway.close();
    }
  });

  it('warns when whole messages make it offer more than the target rate', async () => {
    const gateway = await startStubGateway();
    try {
      // 30 readings/s for 0.5 s is 15 readings: two messages of 10.
      const { report } = await cliRun(gateway.url, [
        '--devices=1',
        '--rate=30',
        '--batch=10',
        '--duration=0.5',
      ]);
      expect(report).toMatchObject({ offeredReadings: 20, offeredReadingsPerSecond: 40 });
      expect(report.warnings).toContain(
        'offered 40 readings/s, not the target 30: readings go out in whole messages of 10, and the target over 0.5 s is 15 readings, so 20 were offered; make rate × duration a multiple of the batch size',
      );
    } finally {
      await gateway.close();
    }
  });
});
