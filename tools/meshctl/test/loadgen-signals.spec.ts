// `meshctl loadgen` and `node tools/loadgen/dist/main.js`, as processes against the whole platform,
// stopped by Ctrl+C or a Jenkins abort: both report what was sent, revoke the run's keys and exit alike.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fleetDeviceIds, isLoadgenKey, type LoadReport } from '@iot-mesh/loadgen';
import { startScratchStack, UNLIMITED_RATES, type ScratchStack } from '@iot-mesh/local-stack';
import { REPO_ROOT } from '../src/release/validation.js';
import { eventually } from './prometheus-process.js';

const TOKEN = 'meshctl-loadgen-test-operator-token';
const DEVICES = 4;
const ENTRY_POINTS = {
  'node tools/loadgen/dist/main.js': [join(REPO_ROOT, 'tools/loadgen/dist/main.js')],
  'meshctl loadgen': [join(REPO_ROOT, 'tools/meshctl/dist/main.js'), 'loadgen'],
} as const satisfies Record<string, readonly [string, ...string[]]>;
type EntryPoint = keyof typeof ENTRY_POINTS;

describe('loadgen stopped by a signal, from either entry point', () => {
  let scratch: ScratchStack;
  beforeAll(async () => {
    scratch = await startScratchStack(REPO_ROOT, TOKEN, {
      SEND_VERIFICATION_EMAILS: 'false',
      ...UNLIMITED_RATES,
    });
  }, 120_000);
  afterAll(async () => {
    await scratch?.close();
  });

  const operatorGet = async <T>(path: string): Promise<T> =>
    (await (
      await fetch(scratch.httpBaseUrl + path, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as T;

  async function activeKeys(prefix: string): Promise<number> {
    let active = 0;
    for (const deviceId of fleetDeviceIds(prefix, DEVICES)) {
      const { keys } = await operatorGet<{ keys: { state: string; description: string }[] }>(
        `/api/v1/devices/${deviceId}/keys`,
      );
      active += keys.filter((k) => k.state === 'KEY_STATE_ACTIVE' && isLoadgenKey(k)).length;
    }
    return active;
  }

  /** A minute-long gRPC run, sent the signal once the processor has aggregated some of its readings. */
  async function signalledRun(entry: EntryPoint, prefix: string, signal: NodeJS.Signals) {
    const [main, ...command] = ENTRY_POINTS[entry];
    const args = [
      ...command,
      `--target=${scratch.stack.address('edge-gateway')}`,
      `--http=${scratch.httpBaseUrl}`,
      `--devices=${DEVICES}`,
      '--rate=200',
      '--duration=60',
      `--device-prefix=${prefix}`,
      '--json',
    ];
    const child = spawn(process.execPath, [main, ...args], {
      env: { ...process.env, OPERATOR_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const [first] = fleetDeviceIds(prefix, 1);
    await eventually(async () => {
      const { aggregates } = await operatorGet<{ aggregates?: { count: string }[] }>(
        `/api/v1/aggregates?deviceId=${first}&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_HOUR`,
      );
      return (aggregates ?? []).length > 0 || `no reading of ${first} aggregated yet`;
    });
    child.kill(signal);
    return { code: await exited, stdout };
  }

  it.each<[EntryPoint, NodeJS.Signals]>([
    ['node tools/loadgen/dist/main.js', 'SIGTERM'],
    ['meshctl loadgen', 'SIGTERM'],
    ['meshctl loadgen', 'SIGINT'],
  ])('%s on %s stops, prints the report and revokes the keys of the run', async (entry, signal) => {
    const prefix = `sig-${entry.startsWith('meshctl') ? 'meshctl' : 'main'}-${signal.toLowerCase()}`;
    const { code, stdout } = await signalledRun(entry, prefix, signal);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as LoadReport;
    expect(report.stoppedDuring).toBe('measurement');
    expect(report.warnings).toContain('stopped early; rates are over the time actually run');
    expect(report.accepted).toBeGreaterThan(0);
    expect(await activeKeys(prefix)).toBe(0);
  });
});
