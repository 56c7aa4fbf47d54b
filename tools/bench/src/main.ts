// `npm run bench`: (a) raw grpc-js unary hop (and (a') under the services' V8 settings), (b) one iot-mesh service hop, (c) REST single readings (with
// (c0), the same at a light rate, for the latency floor) and (d) gRPC streaming batches through the
// gateway end to end — same machine, same run — and (g), how long this machine keeps a process waiting
// for a core once all are busy, (h), what it costs a process to be woken for each request, and (i), what
// the load generator adds to the latency it reports.
// Figures, no verdicts.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { LoadReport } from '@iot-mesh/loadgen';
import { gatewayEndToEnd } from './gateway.bench.js';
import type { HopLatency } from './hop-latency.js';
import { roundRatios } from './interleaved-rounds.js';
import { percentileMs, type LoadResult } from './load-loop.js';
import { clientOverhead } from './client-overhead.bench.js';
import { ingestionPipeline } from './pipeline.bench.js';
import { rawGrpcHop } from './raw-grpc-hop.bench.js';
import { schedulerGaps } from './scheduler-gaps.bench.js';
import { unaryHops } from './unary-hop.bench.js';
import { wakeCost } from './wake-cost.bench.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 3);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
// (a), (b) and (b') are driven in turn: BENCH_SECONDS in all for each, in this many rounds.
const HOP_ROUNDS = Number(process.env['BENCH_HOP_ROUNDS'] ?? 5);
const HOP_WARMUP_SECONDS = 2;
const REST_RATE = Number(process.env['BENCH_REST_RATE'] ?? 1000);
const REST_LIGHT_RATE = Number(process.env['BENCH_REST_LIGHT_RATE'] ?? 50);
// (i): how long its server waits before each answer, about (c)'s median.
const CLIENT_ANSWER_DELAY_MS = 15;
// (c') from cold: past the ~10,000th request, where V8 moves the request path to its optimizing compiler.
const REST_COLD_SECONDS = Number(process.env['BENCH_REST_COLD_SECONDS'] ?? 15);
// (c'') after (c): the services' RSS at the target's rate levels off within two minutes.
const REST_LONG_SECONDS = Number(process.env['BENCH_REST_LONG_SECONDS'] ?? 120);
// Above the 50,000/s target, so that (d) shows what the pipeline carries rather than what was offered.
const STREAM_RATE = Number(process.env['BENCH_STREAM_RATE'] ?? 60_000);

const pad = (value: string | number, width: number) => String(value).padStart(width);
const header = [
  'run'.padEnd(44),
  pad('per s', 10),
  pad('p50 ms', 8),
  pad('p95 ms', 8),
  pad('p99 ms', 8),
  pad('errors', 7),
].join(' ');
const hopRow = (name: string, r: LoadResult, cpuUs: number) =>
  [
    name.padEnd(44),
    pad((r.calls / r.seconds).toFixed(0), 10),
    ...[50, 95, 99].map((p) => pad(percentileMs(r, p).toFixed(2), 8)),
    pad(r.errors, 7),
    ` server CPU ${cpuUs.toFixed(0)} µs/call`,
  ].join(' ');
const loadRow = (name: string, r: LoadReport) =>
  [
    name.padEnd(44),
    pad(r.achievedReadingsPerSecond.toFixed(0), 10),
    pad(r.latencyMs.p50.toFixed(2), 8),
    pad(r.latencyMs.p95.toFixed(2), 8),
    pad(r.latencyMs.p99.toFixed(2), 8),
    // Calls without a clear answer (timeouts) are errors here too.
    pad(r.failedCalls + r.unknownCalls, 7),
    ` offered ${r.offeredReadingsPerSecond.toFixed(0)}/s, shed ${r.shedReadings}`,
  ].join(' ');

console.log(
  `benchmark on ${process.env['HOSTNAME'] ?? 'this machine'}: ${SECONDS} s per run, unary concurrency ${CONCURRENCY}; (c0), (c) and (d) after ${WARMUP_SECONDS} s of warm-up at their rate, (c) after (c')'s ${REST_COLD_SECONDS} s at its rate, (c'') ${REST_LONG_SECONDS} s after (c)\n`,
);
const idleGaps = await schedulerGaps(0, SECONDS);
const busyGaps = await schedulerGaps(availableParallelism(), SECONDS);
const waking = await wakeCost(REST_LIGHT_RATE, REST_RATE, SECONDS);
const client = await clientOverhead(REST_RATE, CLIENT_ANSWER_DELAY_MS, SECONDS, WARMUP_SECONDS);
const {
  raw,
  rawServiceV8,
  platform: hop,
  platformUntraced: hopUntraced,
} = await unaryHops(CONCURRENCY, SECONDS, HOP_ROUNDS, HOP_WARMUP_SECONDS);
const gateway = await gatewayEndToEnd(ROOT, {
  seconds: SECONDS,
  warmupSeconds: WARMUP_SECONDS,
  restLightRate: REST_LIGHT_RATE,
  restRate: REST_RATE,
  restColdSeconds: REST_COLD_SECONDS,
  restLongSeconds: REST_LONG_SECONDS,
  streamRate: STREAM_RATE,
});
// The internal pipeline on its own, next to the same 100-reading message over a raw hop.
const rawBatch = await rawGrpcHop(100, 8, SECONDS);
const pipeline = await ingestionPipeline(ROOT, 100, 8, SECONDS);

console.log(header);
console.log(hopRow('(a) raw grpc-js unary hop', raw, raw.serverCpuUsPerCall));
console.log(
  hopRow("(a') the same under the services' V8 settings", rawServiceV8, rawServiceV8.serverCpuUsPerCall),
);
console.log(hopRow('(b) iot-mesh service unary hop', hop, hop.serverCpuUsPerCall));
console.log(hopRow("(b') the same without the tracing preload", hopUntraced, hopUntraced.serverCpuUsPerCall));
console.log(loadRow(`(c0) REST single reading via gateway @${REST_LIGHT_RATE}/s`, gateway.restLight));
console.log(loadRow(`(c') the same @${REST_RATE}/s, its first ${REST_COLD_SECONDS} s`, gateway.restCold));
console.log(loadRow(`(c) REST single reading via gateway @${REST_RATE}/s`, gateway.restSingle));
console.log(loadRow(`(c'') the same for ${REST_LONG_SECONDS} s more`, gateway.restLong));
console.log(loadRow(`(d) gRPC stream, batches of 100 @${STREAM_RATE}/s`, gateway.grpcStream));
const rawPerSecond = raw.calls / raw.seconds;
console.log(
  hopRow('(e) raw grpc-js hop, 100-reading messages', rawBatch, 0).replace(
    / server CPU.*/,
    ` = ${((rawBatch.calls * 100) / rawBatch.seconds).toFixed(0)} readings/s`,
  ),
);
console.log(
  [
    '(f) ingestion→processor→alert-manager, 100/call'.padEnd(44),
    pad((pipeline.readings / pipeline.seconds).toFixed(0), 10),
    ...[50, 95, 99].map((p) => pad(percentileMs(pipeline, p).toFixed(2), 8)),
    pad(pipeline.errors, 7),
    ' readings/s',
  ].join(' '),
);
console.log(
  `(g) a 2 ms timer's longest gap: ${idleGaps.longestGapMs.toFixed(1)} ms on its own; ${busyGaps.longestGapMs.toFixed(1)} ms with ${busyGaps.spinners} processes spinning (one per core), ${busyGaps.gapsOver20Ms} gap${busyGaps.gapsOver20Ms === 1 ? '' : 's'} over 20 ms in ${busyGaps.seconds} s`,
);
console.log(
  `(h) a bare node:http server's CPU per request: ${waking.lightCpuUsPerRequest.toFixed(0)} µs at ${waking.lightRate}/s, ${waking.busyCpuUsPerRequest.toFixed(0)} µs at ${waking.busyRate}/s (${(waking.lightCpuUsPerRequest / waking.busyCpuUsPerRequest).toFixed(1)}×): what being woken for each request costs here`,
);
console.log(
  `(i) the load generator's REST devices against a server answering after ${client.answerDelayMs} ms, ${client.rate}/s: p50 ${client.p50Ms.toFixed(1)} ms, p99 ${client.p99Ms.toFixed(1)} ms (${(client.p99Ms - client.answerDelayMs).toFixed(1)} ms over the delay: the client's and the machine's share of a p99)`,
);
const ratioLine = (name: string, side: typeof hop, base = raw) => {
  const { median, min, max } = roundRatios(side, base);
  return `${name} calls/s ${median.toFixed(3)} (median of ${HOP_ROUNDS} rounds, ${min.toFixed(3)}–${max.toFixed(3)})`;
};
console.log(
  `\n${ratioLine('b/a', hop)}; b/a server CPU per call ${(raw.serverCpuUsPerCall / hop.serverCpuUsPerCall).toFixed(3)}; ${ratioLine("b'/a", hopUntraced)}`,
);
// The services' heap settings (kept for the RSS target) slow even a bare grpc-js server: a'/a is their
// share of b/a, b/a' the platform's own.
console.log(`${ratioLine("a'/a", rawServiceV8)}; ${ratioLine("b/a'", hop, rawServiceV8)}`);
console.log(
  `d/a end-to-end readings/s over raw hop calls/s ${(gateway.grpcStream.achievedReadingsPerSecond / rawPerSecond).toFixed(3)}`,
);
console.log(
  `f/e readings/s ${(pipeline.readings / pipeline.seconds / ((rawBatch.calls * 100) / rawBatch.seconds)).toFixed(3)}`,
);
const hopRows = (run: string, hops: HopLatency[]) => {
  console.log(`hops during ${run}, as each server timed them (estimated from its histogram buckets):`);
  for (const hop of hops)
    console.log(
      `  ${hop.name.padEnd(22)} ${pad(hop.callsPerSecond.toFixed(0), 6)} calls/s  p50 ${hop.p50Ms.toFixed(1)} ms  p99 ${hop.p99Ms.toFixed(1)} ms`,
    );
};
hopRows('(c)', gateway.hops.rest);
hopRows('(d)', gateway.hops.stream);
console.log('server CPU per 1000 readings in (f), ms:');
for (const [name, cpu] of Object.entries(pipeline.cpuByService)) {
  if (pipeline.readings > 0)
    console.log(`  ${name.padEnd(18)} ${((cpu * 1e6) / pipeline.readings).toFixed(1)}`);
}
console.log(
  "peak RSS (MiB): from (c') to (c'') (the target is under 150 MB = 143 MiB there), during (d), over (c0) to (d):",
);
const { overall, rest, stream } = gateway.peakRssMiB;
for (const name of Object.keys(overall))
  console.log(
    `  ${name.padEnd(18)} ${pad((rest[name] ?? 0).toFixed(1), 7)} ${pad((stream[name] ?? 0).toFixed(1), 7)} ${pad(overall[name].toFixed(1), 7)}`,
  );
