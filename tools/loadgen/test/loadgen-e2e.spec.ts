import { runCli } from '../src/cli.js';
import { fleetDeviceIds } from '../src/fleet.js';
import type { LoadReport } from '../src/report.js';
import { runLoad } from '../src/run-load.js';
import { activeLoadgenKeys, aggregatedReadings } from './fleet-counts.js';
import { OPERATOR_TOKEN, operatorGet, settle, startTestStack, type TestStack } from './test-stack.js';

const DEVICES = 5;

describe('the load generator against the whole platform', () => {
  let t: TestStack;

  const aggregatedCount = (prefix: string) =>
    aggregatedReadings(t.httpBaseUrl, fleetDeviceIds(prefix, DEVICES));
  const activeKeys = (prefix: string) => activeLoadgenKeys(t.httpBaseUrl, fleetDeviceIds(prefix, DEVICES));

  /** Devices of the fleet with at least one alert that fired. */
  async function devicesWithFiredAlerts(prefix: string): Promise<string[]> {
    const fired: string[] = [];
    for (const deviceId of fleetDeviceIds(prefix, DEVICES)) {
      const { alerts } = await operatorGet<{ alerts: { fireTime?: string }[] }>(
        t.httpBaseUrl,
        `/api/v1/alerts?deviceId=${deviceId}&pageSize=1000`,
      );
      if (alerts.some((alert) => alert.fireTime)) fired.push(deviceId);
    }
    return fired;
  }

  /** Every reading offered is accounted for exactly once, and nothing failed. */
  function expectCleanAccounting(report: LoadReport) {
    expect(report.sentReadings + report.shedReadings).toBe(report.offeredReadings);
    expect(
      report.accepted + report.duplicates + report.rejected + report.failedReadings + report.unknownReadings,
    ).toBe(report.sentReadings);
    expect(report.errorsByCode).toEqual({});
    expect(report.unknownByCode).toEqual({});
    expect(report.rejected).toBe(0);
    expect(report.duplicates).toBe(0);
    expect(report.accepted).toBeGreaterThan(0);
    expect(report.latencyMs.calls).toBe(report.sentCalls);
  }

  beforeAll(async () => {
    t = await startTestStack();
    const rule = await fetch(`${t.httpBaseUrl}/api/v1/rules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'loadgen: too hot',
        scope: { allDevices: true },
        sensorType: 'SENSOR_TYPE_TEMPERATURE',
        operator: 'OPERATOR_GREATER_THAN',
        threshold: 40,
        hysteresis: 1,
        severity: 'SEVERITY_WARNING',
        enabled: true,
      }),
    });
    expect(rule.status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const common = () => ({
    httpBaseUrl: t.httpBaseUrl,
    operatorToken: OPERATOR_TOKEN,
    devices: DEVICES,
    ratePerSecond: 200,
    durationSeconds: 3,
    outOfRangeFraction: 0.05,
  });

  it('publishes over gRPC streams: the accepted count is what the processor aggregated, and alerts fired', async () => {
    const report = await runLoad({
      ...common(),
      protocol: 'grpc',
      grpcTarget: t.grpcTarget,
      batchSize: 10,
      devicePrefix: 'lg-grpc',
    });
    expectCleanAccounting(report);
    expect(report).toMatchObject({ protocol: 'grpc', target: t.grpcTarget, devices: DEVICES, batchSize: 10 });
    expect(report.outOfRangeSent).toBeGreaterThan(0);

    const aggregated = await settle(
      () => aggregatedCount('lg-grpc'),
      (count) => count === report.accepted,
    );
    expect(aggregated).toBe(report.accepted);
    const fired = await settle(
      () => devicesWithFiredAlerts('lg-grpc'),
      (devices) => devices.length === DEVICES,
    );
    expect(fired).toEqual(fleetDeviceIds('lg-grpc', DEVICES));
    expect(await activeKeys('lg-grpc')).toBe(0); // the run cleaned up after itself
  });

  it('publishes single readings over REST with the same accounting, calling back between warm-up and measurement', async () => {
    let atMeasurementStart = -1;
    const report = await runLoad({
      ...common(),
      protocol: 'rest',
      batchSize: 1,
      devicePrefix: 'lg-rest',
      warmupSeconds: 1,
      onMeasurementStart: async () => {
        atMeasurementStart = await aggregatedCount('lg-rest');
      },
    });
    expectCleanAccounting(report);
    expect(report.target).toBe(`${t.httpBaseUrl}/api/v1/readings`);
    expect(report.sentCalls).toBe(report.sentReadings);
    // Every warm-up reading was answered (so counted) before the callback, and none measured yet.
    expect(atMeasurementStart).toBeGreaterThan(50);

    const aggregated = await settle(
      () => aggregatedCount('lg-rest'),
      (count) => count === atMeasurementStart + report.accepted,
    );
    expect(aggregated).toBe(atMeasurementStart + report.accepted);
    const fired = await settle(
      () => devicesWithFiredAlerts('lg-rest'),
      (devices) => devices.length === DEVICES,
    );
    expect(fired).toEqual(fleetDeviceIds('lg-rest', DEVICES));
  });

  it('runs again from the command line over the REST batch endpoint, reusing the registered fleet, after a warm-up it leaves out', async () => {
    const before = await aggregatedCount('lg-grpc');
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      [
        '--protocol=rest',
        `--http=${t.httpBaseUrl}`,
        `--devices=${DEVICES}`,
        '--rate=100',
        '--batch=5',
        '--duration=1',
        '--warmup=1',
        '--device-prefix=lg-grpc',
        '--json',
      ],
      { out: (text) => out.push(text), err: (text) => err.push(text), env: { OPERATOR_TOKEN } },
    );
    expect(code).toBe(0);
    const report = JSON.parse(out.join('\n')) as LoadReport;
    expectCleanAccounting(report);
    expect(report.target).toBe(`${t.httpBaseUrl}/api/v1/readings/batch`);
    expect(err.join('\n')).toContain('registering 5 devices (lg-grpc-*)');
    // The report covers the measured second only; the warm-up's readings are named in a note.
    expect(report.offeredReadings).toBeLessThanOrEqual(100);
    const note = report.warnings.map((w) =>
      /^warmed up for 1 s first \((\d+) readings, not in these figures\)$/.exec(w),
    );
    const warmupReadings = Number(note.find(Boolean)?.[1]);
    expect(warmupReadings).toBeGreaterThan(50);

    const aggregated = await settle(
      () => aggregatedCount('lg-grpc'),
      (count) => count === before + warmupReadings + report.accepted,
    );
    expect(aggregated).toBe(before + warmupReadings + report.accepted);
  });

  it('exits non-zero when nothing gets through, reporting why, and still cleans up its keys', async () => {
    const out: string[] = [];
    const code = await runCli(
      [
        '--target=127.0.0.1:1',
        `--http=${t.httpBaseUrl}`,
        `--devices=${DEVICES}`,
        '--rate=20',
        '--batch=2',
        '--duration=1',
        '--device-prefix=lg-nowhere',
        '--json',
      ],
      { out: (text) => out.push(text), err: () => undefined, env: { OPERATOR_TOKEN } },
    );
    expect(code).toBe(1);
    const report = JSON.parse(out.join('\n')) as LoadReport;
    expect(report.accepted).toBe(0);
    expect(report.failedReadings).toBe(report.sentReadings);
    expect(Object.keys(report.errorsByCode)).toEqual(['UNAVAILABLE']);
    expect(report.warnings).toContain('nothing got through: no reading was accepted');
    expect(await activeKeys('lg-nowhere')).toBe(0);
  });

  it('stops early when aborted and reports what it sent', async () => {
    const stop = new AbortController();
    const report = await runLoad({
      ...common(),
      grpcTarget: t.grpcTarget,
      durationSeconds: 60,
      devicePrefix: 'lg-grpc',
      signal: stop.signal,
      log: (line) => {
        if (line.startsWith('run ')) setTimeout(() => stop.abort(), 500);
      },
    });
    expect(report.durationSeconds).toBeLessThan(60);
    expect(report.warnings).toContain('stopped early; rates are over the time actually run');
    expectCleanAccounting(report);
  });
});
