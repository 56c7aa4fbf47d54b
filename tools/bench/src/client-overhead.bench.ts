import { DeviceReadings, deviceAgents, LoadRecorder, RestDeviceRequests, runPacer } from '@iot-mesh/loadgen';
import { startChildServer } from './child-server.js';

/** The REST devices of (c): as many, each on at most as many connections. */
const DEVICES = 20;
const CONNECTIONS_PER_DEVICE = 6;

export interface ClientOverhead {
  rate: number;
  /** How long the server waits before each answer. */
  answerDelayMs: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * (i) The load generator's own share of the latency it reports: its REST devices, in this process as in
 * (c), against a bare HTTP server in its own process that answers every request after `answerDelayMs`.
 * Whatever its p50 and p99 exceed that delay by is the client's (its collections, its event loop, the
 * connections) and the machine's, not the platform's.
 */
export async function clientOverhead(
  rate: number,
  answerDelayMs: number,
  seconds: number,
  warmupSeconds: number,
): Promise<ClientOverhead> {
  const server = await startChildServer('bare-http-server.js', [], [String(answerDelayMs)]);
  const baseUrl = `http://127.0.0.1:${server.port}`;
  const agents = deviceAgents({ httpBaseUrl: baseUrl, connectionsPerDevice: CONNECTIONS_PER_DEVICE });
  const run = async (runSeconds: number) => {
    const recorder = new LoadRecorder();
    const devices = Array.from({ length: DEVICES }, (_, index) => ({
      readings: new DeviceReadings('bench', index, `bench-${index}`, 0),
      sender: new RestDeviceRequests(baseUrl, 'imk_bench', true, recorder, 10_000, agents()),
    }));
    try {
      await runPacer({ ticksPerSecond: rate, durationMs: runSeconds * 1000 }, (tick, scheduledAt) => {
        const device = devices[tick % DEVICES];
        device.sender.send(device.readings.nextBatch(1, scheduledAt));
      });
      await Promise.all(devices.map(({ sender }) => sender.drain()));
    } finally {
      await Promise.all(devices.map(({ sender }) => sender.close()));
    }
    if (recorder.accepted !== recorder.sentCalls) {
      throw new Error(
        `(i): ${recorder.sentCalls - recorder.accepted} of ${recorder.sentCalls} requests failed`,
      );
    }
    return recorder.latency;
  };
  try {
    await run(warmupSeconds);
    const latency = await run(seconds);
    const ms = (percentile: number) => latency.getValueAtPercentile(percentile) / 1000;
    return { rate, answerDelayMs, p50Ms: ms(50), p99Ms: ms(99) };
  } finally {
    await server.stop();
  }
}
