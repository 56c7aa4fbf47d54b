import { runLoad, type LoadReport } from '@iot-mesh/loadgen';
import { scrapeMetric } from '../src/admin-metrics.js';
import { mib, printFigures } from '../src/figures-table.js';
import { startMeshStack, type MeshStack } from '../src/mesh-stack.js';
import { rssMiB, startSampling, type SeriesSummary } from '../src/rss-sampler.js';
import { SERVICE_NAMES } from '../src/service-env.js';

const SOAK_SECONDS = Number(process.env['RELIABILITY_SOAK_SECONDS'] ?? 60);
const RATE_PER_SECOND = 500;
/** Last third's mean RSS at most this much above the middle third's (after warm-up) counts as flat. */
const FLAT_GROWTH = 0.15;

describe(`soak: ${SOAK_SECONDS} s at a steady ${RATE_PER_SECOND} readings/s`, () => {
  let stack: MeshStack;
  let summaries: Record<string, SeriesSummary> = {};

  beforeAll(async () => {
    stack = await startMeshStack();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('fails no call while RSS and event-loop lag are sampled', async () => {
    const gatewayAdmin = `http://127.0.0.1:${stack.instance('edge-gateway').adminPort}`;
    const sampler = startSampling(
      {
        ...Object.fromEntries(
          SERVICE_NAMES.map((name) => [name, () => rssMiB(stack.instance(name).process.child.pid ?? 0)]),
        ),
        // prom-client's default metrics: the gateway's event-loop lag, in seconds.
        'gateway event-loop lag p99': () => scrapeMetric(gatewayAdmin, 'nodejs_eventloop_lag_p99_seconds'),
      },
      2_000,
    );
    let report: LoadReport;
    try {
      report = await runLoad({
        protocol: 'grpc',
        grpcTarget: stack.address('edge-gateway'),
        httpBaseUrl: stack.httpBaseUrl(),
        operatorToken: stack.operatorToken,
        devicePrefix: 'soak',
        devices: 10,
        ratePerSecond: RATE_PER_SECOND,
        batchSize: 10,
        durationSeconds: SOAK_SECONDS,
      });
    } finally {
      await sampler.stop().then((summary) => (summaries = summary));
    }
    const verdict = (s: SeriesSummary) =>
      `${s.growth <= FLAT_GROWTH ? 'flat' : 'GROWING'} (last third ${(s.growth * 100).toFixed(1)} % vs middle third)`;
    const lag = summaries['gateway event-loop lag p99'];
    printFigures(`soak (${SOAK_SECONDS} s):`, [
      [
        'offered / sent / accepted',
        `${report.offeredReadings} / ${report.sentReadings} / ${report.accepted}`,
      ],
      ['achieved readings/s', report.achievedReadingsPerSecond.toFixed(0)],
      [
        'failed calls / rejected / shed',
        `${report.failedCalls} / ${report.rejected} / ${report.shedReadings}`,
      ],
      [
        'latency p50 / p99 / max',
        `${report.latencyMs.p50.toFixed(1)} / ${report.latencyMs.p99.toFixed(1)} / ${report.latencyMs.max.toFixed(1)} ms`,
      ],
      ...SERVICE_NAMES.map((name): [string, string] => {
        const s = summaries[name];
        return [
          `${name} RSS`,
          `first ${mib(s.first)}, last ${mib(s.last)}, max ${mib(s.max)}: ${verdict(s)}`,
        ];
      }),
      [
        'gateway event-loop lag p99',
        `first ${(lag.first * 1000).toFixed(1)} ms, last ${(lag.last * 1000).toFixed(1)} ms, max ${(lag.max * 1000).toFixed(1)} ms (${lag.samples} samples)`,
      ],
    ]);
    expect(report.failedCalls).toBe(0);
    expect(report.rejected).toBe(0);
    expect(report.accepted).toBe(report.sentReadings);
    for (const name of SERVICE_NAMES) expect(summaries[name].samples).toBeGreaterThan(3);
  });
});
