import type { PacerStats } from './pacer.js';
import type { LoadRecorder } from './recorder.js';

/** Where Ctrl+C (or the run's signal) stopped a run: the figures are the measurement's, or the warm-up's. */
export type StopPhase = 'registration' | 'warm-up' | 'measurement';

/** What the warnings look at besides the recorder. */
export interface WarningContext {
  batchSize: number;
  targetReadingsPerSecond: number;
  maxInFlightPerDevice: number;
  pacing: PacerStats;
  /** Problems outside the measurement (e.g. keys that could not be revoked afterwards). */
  notes?: readonly string[];
  /** Set when the run was stopped early. */
  stoppedDuring?: StopPhase | undefined;
}

// A generator that falls this far behind its own schedule is measuring itself, not the server.
const LAG_WARNING_MS = 100;
const ACCEPTED_WARNING_SHARE = 0.95;
/** How far the offered rate may stray from the target before the report says so. */
const OFFERED_RATE_TOLERANCE = 0.01;

const percent = (part: number, whole: number) => (whole > 0 ? ((100 * part) / whole).toFixed(1) : '0');
/** A number as people write it: up to six significant digits, no trailing zeros. */
export const readable = (n: number) => String(Number(n.toPrecision(6)));

/** What the reader of a run's figures should know before trusting them. */
export function warningsFor(recorder: LoadRecorder, context: WarningContext): string[] {
  const warnings: string[] = [];
  if (recorder.shedReadings > 0) {
    warnings.push(
      `offered load was not sustained: ${recorder.shedReadings} readings (${percent(recorder.shedReadings, recorder.offeredReadings)}%) were not sent because devices already had ${context.maxInFlightPerDevice} calls open; the gateway is slower than the target rate`,
    );
  }
  if (context.pacing.maxLagMs > LAG_WARNING_MS) {
    warnings.push(
      `the load generator fell up to ${Math.round(context.pacing.maxLagMs)} ms behind its own schedule (client CPU or event loop saturated); latencies include that wait`,
    );
  }
  // Judged by counts, not rates: the last answers arriving after the window are latency, not loss.
  const { accepted, offeredReadings, unknownReadings } = recorder;
  if (accepted > 0 && accepted < offeredReadings * ACCEPTED_WARNING_SHARE) {
    warnings.push(
      `only ${accepted} of ${offeredReadings} offered readings (${percent(accepted, offeredReadings)}%) were accepted`,
    );
  }
  if (unknownReadings > 0) {
    warnings.push(
      `${unknownReadings} readings (${percent(unknownReadings, recorder.sentReadings)}% of those sent) got no answer in time: their outcome is unknown, the gateway may have stored them`,
    );
  }
  // Rounded to the millisecond first, as the report's durationSeconds is, so the two never disagree.
  if (context.stoppedDuring)
    warnings.push(STOPPED[context.stoppedDuring](Math.round(context.pacing.windowMs) / 1000));
  else warnings.push(...offeredRateWarning(recorder, context));
  // Stopped before anything was sent, nothing could get through: that says nothing of the gateway.
  if (accepted === 0 && context.stoppedDuring !== 'registration') {
    warnings.push(
      unknownReadings > 0
        ? 'no reading was confirmed: none was accepted, but some got no answer in time and may have been stored'
        : 'nothing got through: no reading was accepted',
    );
  }
  return [...warnings, ...(context.notes ?? [])];
}

const STOPPED: Readonly<Record<StopPhase, (seconds: number) => string>> = {
  registration: () => 'stopped during registration, before any reading was sent',
  'warm-up': (seconds) =>
    `stopped during the warm-up, before the measurement started: these figures are the ${seconds.toFixed(2)} s of warm-up that ran`,
  measurement: () => 'stopped early; rates are over the time actually run',
};

/**
 * Messages go out whole, so a target that is not a whole number of messages over the window is
 * overshot (rounded up to the next message): say so rather than report a rate that was not asked for.
 */
function offeredRateWarning(recorder: LoadRecorder, context: WarningContext): string[] {
  const seconds = context.pacing.windowMs / 1000;
  const target = context.targetReadingsPerSecond;
  const offered = seconds > 0 ? recorder.offeredReadings / seconds : 0;
  if (Math.abs(offered - target) <= target * OFFERED_RATE_TOLERANCE) return [];
  return [
    `offered ${readable(offered)} readings/s, not the target ${readable(target)}: readings go out in whole messages of ${context.batchSize}, and the target over ${readable(seconds)} s is ${readable(target * seconds)} readings, so ${recorder.offeredReadings} were offered; make rate × duration a multiple of the batch size`,
  ];
}
