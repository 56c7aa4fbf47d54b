import type { FleetDriver } from './driver.js';
import { fleetDeviceIds, REGISTRATION_CONCURRENCY, registerFleet, type FleetDevice } from './fleet.js';
import { grpcFleetDriver } from './grpc-driver.js';
import { operatorAgent } from './http-agents.js';
import {
  LoadOptionsError,
  parseLoadOptions,
  type LoadOptions,
  type LoadOptionsInput,
} from './load-options.js';
import { operatorApi } from './operator-api.js';
import { runPacer, type PacerStats } from './pacer.js';
import { DeviceReadings, newRunId } from './readings.js';
import { LoadRecorder } from './recorder.js';
import { buildReport, type LoadReport } from './report.js';
import { readable } from './report-warnings.js';
import { restFleetDriver } from './rest-driver.js';
import { RunKeys } from './run-keys.js';
import { unreadableTlsFiles } from './tls-files.js';

interface Measurement {
  runId: string;
  recorder: LoadRecorder;
  pacing: PacerStats;
  elapsedMs: number;
}

const driverFor = (options: LoadOptions): FleetDriver =>
  options.protocol === 'grpc' ? grpcFleetDriver(options) : restFleetDriver(options);

/**
 * Sends on the open-loop schedule for the duration, then waits for every answer. Also the bench's (i),
 * with a driver and fleet of its own.
 */
export async function sendOnSchedule(
  options: LoadOptions,
  driver: FleetDriver,
  fleet: readonly FleetDevice[],
): Promise<Measurement> {
  const runId = newRunId();
  const recorder = new LoadRecorder();
  const senders = fleet.map((device) => driver.sender(device, recorder));
  const sources = fleet.map(
    (device) => new DeviceReadings(runId, device.index, device.deviceId, options.outOfRangeFraction),
  );
  options.log?.(
    `run ${runId}: ${options.ratePerSecond} readings/s over ${options.protocol} to ${driver.target} for ${options.durationSeconds} s`,
  );
  const started = performance.now();
  const pacing = await runPacer(
    {
      ticksPerSecond: options.ratePerSecond / options.batchSize,
      durationMs: options.durationSeconds * 1000,
      ...(options.signal ? { signal: options.signal } : {}),
    },
    (tick, scheduledAt) => {
      // Round robin: each device gets rate / devices, its messages evenly spaced.
      const device = tick % senders.length;
      recorder.offered(options.batchSize);
      if (senders[device].inFlight >= options.maxInFlightPerDevice) recorder.shed(options.batchSize);
      else senders[device].send(sources[device].nextBatch(options.batchSize, scheduledAt));
    },
  );
  options.log?.('waiting for the last answers');
  await Promise.all(senders.map((sender) => sender.drain()));
  await Promise.all(senders.map((sender) => sender.close()));
  return { runId, recorder, pacing, elapsedMs: performance.now() - started };
}

/** What the warm-up did: its calls are not in the report's figures, but its failures should not go unseen. */
function warmupNote({ pacing, recorder }: Measurement): string {
  const trouble = [
    ...(recorder.failedCalls > 0 ? [`${recorder.failedCalls} failed`] : []),
    ...(recorder.unknownCalls > 0 ? [`${recorder.unknownCalls} got no answer in time`] : []),
  ];
  const calls = trouble.length > 0 ? `, of its ${recorder.sentCalls} calls ${trouble.join(' and ')}` : '';
  return `warmed up for ${readable(pacing.windowMs / 1000)} s first (${recorder.sentReadings} readings, not in these figures${calls})`;
}

/** A run stopped during registration: nothing was sent. */
const nothingSent = (): Measurement => ({
  runId: newRunId(),
  recorder: new LoadRecorder(),
  pacing: { ticks: 0, windowMs: 0, maxLagMs: 0, aborted: true },
  elapsedMs: 0,
});

/** What a run's report covers: the measurement or, stopped before it started, what was sent before. */
function reported(warmup: Measurement | undefined, measurement: Measurement | undefined) {
  if (measurement)
    return {
      figures: measurement,
      stoppedDuring: measurement.pacing.aborted ? 'measurement' : undefined,
    } as const;
  return warmup
    ? ({ figures: warmup, stoppedDuring: 'warm-up' } as const)
    : ({ figures: nothingSent(), stoppedDuring: 'registration' } as const);
}

/**
 * One load run: register the fleet and issue its keys, optionally warm up with the same load,
 * send on an open-loop schedule for the duration, wait for the last answers, revoke the run's keys,
 * report. Throws LoadOptionsError for bad options and an Error when the fleet cannot be registered
 * (the keys issued so far are revoked first, and what could not be is logged); whatever happens
 * while sending is counted in the report instead. The signal ends whichever phase is running and
 * skips the later ones: the report then covers what was sent before (see LoadReport.stoppedDuring).
 */
export async function runLoad(input: LoadOptionsInput): Promise<LoadReport> {
  const options = parseLoadOptions(input);
  const unreadable = unreadableTlsFiles(options.tls);
  if (unreadable.length > 0) throw new LoadOptionsError(unreadable);
  const agent = operatorAgent(options);
  const api = operatorApi(options.httpBaseUrl, options.operatorToken, options.timeoutSeconds * 1000, agent);
  // Made first, so that TLS files it cannot use stop the run before any device is touched.
  const driver = driverFor(options);
  const keys = new RunKeys(api, options.log ? { log: options.log } : {});
  const stopped = () => options.signal?.aborted === true;
  let fleet: FleetDevice[];
  let warmup: Measurement | undefined;
  let measurement: Measurement | undefined;
  try {
    options.log?.(
      `registering ${options.devices} devices (${options.devicePrefix}-*) at ${options.httpBaseUrl}, keys "${keys.description}"`,
    );
    fleet = await registerFleet(api, keys, fleetDeviceIds(options.devicePrefix, options.devices), {
      signal: options.signal,
    });
    if (options.warmupSeconds > 0 && !stopped()) {
      options.log?.(`warming up for ${options.warmupSeconds} s (not reported)`);
      warmup = await sendOnSchedule({ ...options, durationSeconds: options.warmupSeconds }, driver, fleet);
    }
    if (!stopped()) {
      await options.onMeasurementStart?.();
      measurement = await sendOnSchedule(options, driver, fleet);
    }
  } catch (error) {
    driver.close();
    for (const problem of await keys.revokeAll(REGISTRATION_CONCURRENCY)) options.log?.(problem);
    agent.destroy();
    throw error;
  }
  driver.close();
  const notes = await keys.revokeAll(REGISTRATION_CONCURRENCY);
  agent.destroy();
  const { figures, stoppedDuring } = reported(warmup, measurement);
  if (warmup && measurement) notes.unshift(warmupNote(warmup));
  return buildReport(figures.recorder, {
    runId: figures.runId,
    protocol: options.protocol,
    target: driver.target,
    devices: fleet.length,
    batchSize: options.batchSize,
    targetReadingsPerSecond: options.ratePerSecond,
    maxInFlightPerDevice: options.maxInFlightPerDevice,
    pacing: figures.pacing,
    elapsedMs: figures.elapsedMs,
    notes,
    stoppedDuring,
  });
}
