import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack } from '@iot-mesh/local-stack';
import { runLoad, type LoadReport } from '@iot-mesh/loadgen';
import { peakRssMiB } from './process-memory.js';

const OPERATOR_TOKEN = 'bench-operator-token';

export interface GatewayResults {
  restSingle: LoadReport;
  grpcStream: LoadReport;
  /** Peak RSS of every service over both runs, MiB. */
  peakRssMiB: Record<string, number>;
}

/**
 * (c) single readings over REST and (d) 100-reading batches over gRPC streams, both through the
 * gateway to the whole pipeline (embedded SQLite), driven by the load generator at fixed offered rates.
 */
export async function gatewayEndToEnd(
  root: string,
  seconds: number,
  restRate: number,
  streamRate: number,
): Promise<GatewayResults> {
  const dir = mkdtempSync(join(tmpdir(), 'iot-mesh-bench-gw-'));
  const stack = await startStack(
    root,
    {
      dataDir: join(dir, 'data'),
      storage: 'sqlite',
      mtls: false,
      logLevel: 'warn',
      quiet: true,
      operatorToken: OPERATOR_TOKEN,
    },
    'free',
    // The benchmark measures the pipeline, not the limiter.
    {
      RATE_LIMIT_DEVICE_PER_SECOND: '1000000',
      RATE_LIMIT_DEVICE_BURST: '1000000',
      RATE_LIMIT_IP_PER_SECOND: '1000000',
      RATE_LIMIT_IP_BURST: '1000000',
      API_KEY_SCRYPT_COST: '1024',
      // Heap flags for the services under test, e.g. "--max-old-space-size=128", to see RSS against throughput.
      ...(process.env['BENCH_SERVICE_NODE_OPTIONS']
        ? { NODE_OPTIONS: process.env['BENCH_SERVICE_NODE_OPTIONS'] }
        : {}),
    },
  );
  const gateway = stack.services.find((s) => s.httpPort)!;
  const common = {
    httpBaseUrl: `http://127.0.0.1:${gateway.httpPort}`,
    operatorToken: OPERATOR_TOKEN,
    durationSeconds: seconds,
    outOfRangeFraction: 0.01,
  };
  try {
    const restSingle = await runLoad({
      ...common,
      protocol: 'rest',
      devices: 20,
      batchSize: 1,
      ratePerSecond: restRate,
      devicePrefix: 'bench-rest',
    });
    const grpcStream = await runLoad({
      ...common,
      protocol: 'grpc',
      grpcTarget: stack.address('edge-gateway'),
      devices: 20,
      batchSize: 100,
      ratePerSecond: streamRate,
      devicePrefix: 'bench-grpc',
      timeoutSeconds: 60,
    });
    const peak = Object.fromEntries(stack.processes().map((p) => [p.name, peakRssMiB(p.pid)]));
    return { restSingle, grpcStream, peakRssMiB: peak };
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
