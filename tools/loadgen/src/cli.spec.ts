import {
  EXIT_NOTHING_THROUGH,
  EXIT_OK,
  EXIT_OUTCOME_UNKNOWN,
  EXIT_USAGE,
  runCli,
  type CliIo,
} from './cli.js';
import { parseLoadOptions } from './load-options.js';
import type { LoadReport } from './report.js';

const TOKEN = 'an-operator-token-long-enough';
const ARGS = ['--target', '127.0.0.1:50051', '--http', 'http://127.0.0.1:8080', '--operator-token', TOKEN];

const report = (accepted: number, unknown = 0): LoadReport => ({
  runId: 'run1',
  protocol: 'grpc',
  target: '127.0.0.1:50051',
  devices: 1,
  batchSize: 1,
  durationSeconds: 1,
  elapsedSeconds: 1,
  targetReadingsPerSecond: 10,
  offeredReadings: 10,
  offeredReadingsPerSecond: 10,
  sentReadings: 10,
  sentCalls: 10,
  shedReadings: 0,
  achievedReadingsPerSecond: accepted,
  accepted,
  duplicates: 0,
  rejected: 0,
  rejectionsByReason: {},
  outOfRangeSent: 0,
  failedCalls: 10 - accepted - unknown,
  failedReadings: 10 - accepted - unknown,
  errorsByCode:
    accepted + unknown < 10
      ? {
          UNAUTHENTICATED: {
            calls: 10 - accepted - unknown,
            readings: 10 - accepted - unknown,
            example: 'invalid API key',
          },
        }
      : {},
  unknownCalls: unknown,
  unknownReadings: unknown,
  unknownByCode:
    unknown > 0 ? { TIMEOUT: { calls: unknown, readings: unknown, example: 'aborted due to timeout' } } : {},
  latencyMs: { calls: accepted, p50: 1, p90: 1, p95: 1, p99: 1, max: 1, mean: 1 },
  schedulerMaxLagMs: 0,
  warnings: [],
});

/** The CLI with captured output and a stand-in run that validates like the real one. */
async function cli(
  argv: string[],
  outcome: () => LoadReport = () => report(10),
  env: NodeJS.ProcessEnv = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env,
    run: (options) => {
      parseLoadOptions(options);
      return Promise.resolve(outcome());
    },
  };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('the command line', () => {
  it('prints the usage for --help and exits 0', async () => {
    const { code, out } = await cli(['--help']);
    expect(code).toBe(EXIT_OK);
    expect(out).toContain('Usage: node tools/loadgen/dist/main.js [options]');
    expect(out).toContain('--out-of-range F');
    expect(out).toContain('loadgen creates no rule');
    expect(out).toContain('3 none accepted, but some calls got no answer in time');
    expect(out).toContain('TLS, for gRPC and for every https:// request');
  });

  it('prints the report and exits 0 when readings got through', async () => {
    const { code, out } = await cli(ARGS);
    expect(code).toBe(EXIT_OK);
    expect(out).toContain('outcome           accepted 10  duplicate 0  rejected 0  failed 0  unknown 0');
  });

  it('prints JSON with --json', async () => {
    const { code, out } = await cli([...ARGS, '--json']);
    expect(code).toBe(EXIT_OK);
    expect(JSON.parse(out)).toEqual(report(10));
  });

  it('exits 1 when nothing got through, still printing the report', async () => {
    const { code, out } = await cli(ARGS, () => report(0));
    expect(code).toBe(EXIT_NOTHING_THROUGH);
    expect(out).toContain('UNAUTHENTICATED');
  });

  it('exits 3, not 1, when nothing was accepted but calls timed out: those readings may have been stored', async () => {
    const { code, out } = await cli(ARGS, () => report(0, 4));
    expect(code).toBe(EXIT_OUTCOME_UNKNOWN);
    expect(out).toContain('failed 6  unknown 4');
    expect((await cli(ARGS, () => report(3, 4))).code).toBe(EXIT_OK);
  });

  it('exits 1 with the reason when the run fails before sending', async () => {
    const { code, err } = await cli(ARGS, () => {
      throw new Error('registering device loadgen-00000 failed: HTTP 401');
    });
    expect(code).toBe(EXIT_NOTHING_THROUGH);
    expect(err).toBe('loadgen: registering device loadgen-00000 failed: HTTP 401');
  });

  it('prints the failure as JSON on stdout too with --json, so a consumer always gets JSON', async () => {
    const { code, out, err } = await cli([...ARGS, '--json'], () => {
      throw new Error('registering device loadgen-00000 failed: HTTP 401');
    });
    expect(code).toBe(EXIT_NOTHING_THROUGH);
    expect(JSON.parse(out)).toEqual({
      error: { code: 'RUN_FAILED', message: 'registering device loadgen-00000 failed: HTTP 401' },
    });
    expect(err).toBe('loadgen: registering device loadgen-00000 failed: HTTP 401');

    const refused = await cli([...ARGS, '--json', '--batch', '0']);
    expect(refused.code).toBe(EXIT_USAGE);
    expect(JSON.parse(refused.out)).toEqual({
      error: { code: 'BAD_OPTIONS', message: 'bad options', problems: ['--batch: batch must be at least 1'] },
    });
    const malformed = await cli([...ARGS, '--json', '--rate', 'lots']);
    expect(malformed.code).toBe(EXIT_USAGE);
    expect(JSON.parse(malformed.out)).toEqual({
      error: { code: 'USAGE', message: '--rate needs a number, not "lots"' },
    });
  });

  it.each(['http://127.0.0.1:8080?a=b', 'http://127.0.0.1:8080/#frag', 'http://127.0.0.1:8080/?'])(
    'exits 2 naming --http for a base URL with a query or fragment: %s',
    async (url) => {
      const { code, err } = await cli(['--http', url, '--operator-token', TOKEN]);
      expect(code).toBe(EXIT_USAGE);
      expect(err.split('\n')).toEqual([
        'loadgen: bad options',
        '--http: HTTP base URL must not have a query (?) or fragment (#)',
        'Run with --help for the options.',
      ]);
    },
  );

  it('exits 2 with a clear message for malformed input', async () => {
    const { code, err } = await cli([...ARGS, '--rate', 'lots']);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toBe('loadgen: --rate needs a number, not "lots"\nRun with --help for the options.');
  });

  it('takes a negative number as the value it is, and refuses it as out of range', async () => {
    const { code, err } = await cli([...ARGS, '--rate', '-5', '--warmup', '-.5']);
    expect(code).toBe(EXIT_USAGE);
    expect(err.split('\n')).toEqual([
      'loadgen: bad options',
      '--rate: rate must be greater than 0',
      '--warmup: warm-up must be at least 0',
      'Run with --help for the options.',
    ]);
  });

  it('exits 2 naming a TLS file that cannot be read, before it registers anything', async () => {
    const err: string[] = [];
    const io: CliIo = { out: () => undefined, err: (text) => err.push(text), env: {} };
    const code = await runCli([...ARGS, '--tls-ca', '/nonexistent/ca.pem'], io);
    expect(code).toBe(EXIT_USAGE);
    expect(err.join('\n').split('\n')).toEqual([
      'loadgen: bad options',
      '--tls-ca: cannot read /nonexistent/ca.pem: no such file',
      'Run with --help for the options.',
    ]);
  });

  it('exits 2 naming every flag that is out of range', async () => {
    const { code, err } = await cli(['--target', 'gateway', '--batch', '0'], undefined, {});
    expect(code).toBe(EXIT_USAGE);
    expect(err.split('\n')).toEqual([
      'loadgen: bad options',
      '--target: gRPC target must be host:port',
      '--batch: batch must be at least 1',
      '--operator-token: an operator token is needed to register the devices and issue their keys',
      "--http: the HTTP base URL is needed: devices are registered through the gateway's REST operator API",
      'Run with --help for the options.',
    ]);
  });
});
