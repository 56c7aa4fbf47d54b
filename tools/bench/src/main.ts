// `npm run bench`: the ingestion pipeline and a raw grpc-js hop, same machine, same run, same message.
import { fileURLToPath } from 'node:url';
import { percentileMs, type LoadResult } from './load-loop.js';
import { ingestionPipeline } from './pipeline.bench.js';
import { rawGrpcHop } from './raw-grpc-hop.bench.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 8);
const BATCH = 100;

const row = (name: string, result: LoadResult, readings: number) =>
  [
    name.padEnd(34),
    (readings / result.seconds).toFixed(0).padStart(10),
    (result.calls / result.seconds).toFixed(1).padStart(9),
    ...[50, 90, 99].map((p) => percentileMs(result, p).toFixed(2).padStart(8)),
    (result.latencyMs.maxValue / 1000).toFixed(2).padStart(8),
    String(result.errors).padStart(6),
  ].join(' ');

console.log(
  `benchmark: batches of ${BATCH} readings, ${CONCURRENCY} concurrent callers, ${SECONDS} s each\n`,
);
const raw = await rawGrpcHop(BATCH, CONCURRENCY, SECONDS);
const pipeline = await ingestionPipeline(ROOT, BATCH, CONCURRENCY, SECONDS);

console.log(
  `${'run'.padEnd(34)} ${'readings/s'.padStart(10)} ${'calls/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p90 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'errors'.padStart(6)}`,
);
console.log(row('raw grpc-js hop (floor)', raw, raw.calls * BATCH));
console.log(row('ingestion→processor→alert-manager', pipeline, pipeline.readings));
console.log(
  `\nratio pipeline / raw hop: readings/s ${(pipeline.readings / pipeline.seconds / ((raw.calls * BATCH) / raw.seconds)).toFixed(3)}, p50 latency ${(percentileMs(pipeline, 50) / percentileMs(raw, 50)).toFixed(1)}x`,
);
console.log('server CPU per 1000 readings (ms):');
for (const [name, seconds] of Object.entries(pipeline.cpuByService)) {
  console.log(
    `  ${name.padEnd(18)} ${pipeline.readings > 0 ? ((seconds * 1000 * 1000) / pipeline.readings).toFixed(2) : 'n/a'}`,
  );
}
