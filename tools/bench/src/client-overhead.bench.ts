import {
  fleetDeviceIds,
  latencySummary,
  parseLoadOptions,
  restFleetDriver,
  sendOnSchedule,
  type FleetDevice,
} from '@iot-mesh/loadgen';
import { startChildServer } from './child-server.js';

/** As many REST devices as (c) has. */
const DEVICES = 20;

export interface ClientOverhead {
  rate: number;
  /** How long the server waits before each answer. */
  answerDelayMs: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * (i) The load generator's own share of the latency it reports: its schedule and REST devices (on their
 * default connections), in this process as in (c), against a bare HTTP server in its own process that
 * answers every request after `answerDelayMs`. Whatever its p50 and p99 exceed that delay by is the
 * client's (its collections, its event loop, the connections) and the machine's, not the platform's.
 */
export async function clientOverhead(
  rate: number,
  answerDelayMs: number,
  seconds: number,
  warmupSeconds: number,
): Promise<ClientOverhead> {
  const server = await startChildServer('bare-http-server.js', [], [String(answerDelayMs)]);
  const options = parseLoadOptions({
    httpBaseUrl: `http://127.0.0.1:${server.port}`,
    // Nothing is registered: the server takes any key.
    operatorToken: 'unused',
    protocol: 'rest',
    devices: DEVICES,
    batchSize: 1,
    ratePerSecond: rate,
    durationSeconds: seconds,
  });
  const fleet: FleetDevice[] = fleetDeviceIds('bench', DEVICES).map((deviceId, index) => ({
    index,
    deviceId,
    apiKey: 'imk_bench',
    keyId: '',
  }));
  const driver = restFleetDriver(options);
  try {
    await sendOnSchedule({ ...options, durationSeconds: warmupSeconds }, driver, fleet);
    const { recorder } = await sendOnSchedule(options, driver, fleet);
    if (recorder.accepted !== recorder.offeredReadings) {
      throw new Error(
        `(i): ${recorder.offeredReadings - recorder.accepted} of ${recorder.offeredReadings} readings not accepted`,
      );
    }
    const { p50, p99 } = latencySummary(recorder);
    return { rate, answerDelayMs, p50Ms: p50, p99Ms: p99 };
  } finally {
    driver.close();
    await server.stop();
  }
}
