import type { PacerStats } from './pacer.js';
import type { OutgoingBatch } from './readings.js';
import { LoadRecorder } from './recorder.js';
import { buildReport, runVerdict, type ReportContext } from './report.js';
import { formatReport, formatReportJson } from './report-format.js';

const batch = (size: number, scheduledAt: number, outOfRange = 0): OutgoingBatch => ({
  id: `b-${scheduledAt}`,
  readings: Array.from({ length: size }, () => ({
    readingId: 'r',
    deviceId: 'd',
    sensorType: 1,
    value: 20,
    unit: 'celsius',
    timestamp: undefined,
    customSensor: '',
  })),
  outOfRange,
  scheduledAt,
});

const pacing: PacerStats = { ticks: 6, windowMs: 2_000, maxLagMs: 3.25, aborted: false };
const context = (overrides: Partial<ReportContext> = {}): ReportContext => ({
  runId: 'run1',
  protocol: 'grpc',
  target: '127.0.0.1:50051',
  devices: 2,
  batchSize: 10,
  targetReadingsPerSecond: 30,
  maxInFlightPerDevice: 32,
  pacing,
  elapsedMs: 2_500,
  ...overrides,
});

/** Six calls of ten readings: four answered (1, 2, 3 and 40 ms after their schedule), one failed, one shed. */
function recordedRun() {
  let now = 0;
  const recorder = new LoadRecorder(() => now);
  const answer = (b: OutgoingBatch, at: number, accepted: number, rejections: string[] = []) => {
    now = at;
    recorder.answered(b, {
      accepted,
      duplicates: 10 - accepted - rejections.length,
      rejections: rejections.map((reason) => ({ reason })),
    });
  };
  const calls = [batch(10, 0, 2), batch(10, 100), batch(10, 200), batch(10, 300, 1), batch(10, 400)];
  recorder.offered(60);
  calls.forEach((b) => recorder.sent(b));
  recorder.shed(10);
  answer(calls[0], 1, 10);
  answer(calls[1], 102, 8, ['READING.OUT_OF_RANGE']);
  answer(calls[2], 203, 9, ['READING.OUT_OF_RANGE']);
  answer(calls[3], 340, 5, ['READING.TIMESTAMP_TOO_OLD']);
  recorder.failed(calls[4], 'RESOURCE_EXHAUSTED', 'rate limit for this device exceeded');
  return recorder;
}

describe('the run report', () => {
  it('accounts for every reading and derives rates from the window and the elapsed time', () => {
    const report = buildReport(recordedRun(), context());
    expect(report).toMatchObject({
      offeredReadings: 60,
      offeredReadingsPerSecond: 30,
      sentReadings: 50,
      sentCalls: 5,
      shedReadings: 10,
      accepted: 32,
      duplicates: 5,
      rejected: 3,
      failedReadings: 10,
      failedCalls: 1,
      outOfRangeSent: 3,
      achievedReadingsPerSecond: 12.8,
      durationSeconds: 2,
      elapsedSeconds: 2.5,
      rejectionsByReason: { 'READING.OUT_OF_RANGE': 2, 'READING.TIMESTAMP_TOO_OLD': 1 },
      errorsByCode: {
        RESOURCE_EXHAUSTED: { calls: 1, readings: 10, example: 'rate limit for this device exceeded' },
      },
    });
    expect(report.accepted + report.duplicates + report.rejected + report.failedReadings).toBe(
      report.sentReadings,
    );
    expect(report.sentReadings + report.shedReadings).toBe(report.offeredReadings);
  });

  it('gives latency percentiles in milliseconds with microsecond precision, never above the maximum', () => {
    const { latencyMs } = buildReport(recordedRun(), context());
    expect(latencyMs).toMatchObject({ calls: 4, p50: 2, p90: 40, p95: 40, p99: 40, max: 40 });
    // HdrHistogram's mean uses each bucket's midpoint: right to three significant digits.
    expect(latencyMs.mean).toBeCloseTo(11.5, 1);
  });

  it('warns when the offered load was not sustained, and when the generator lagged', () => {
    const { warnings } = buildReport(recordedRun(), context({ pacing: { ...pacing, maxLagMs: 250 } }));
    expect(warnings).toEqual([
      'offered load was not sustained: 10 readings (16.7%) were not sent because devices already had 32 calls open; the gateway is slower than the target rate',
      'the load generator fell up to 250 ms behind its own schedule (client CPU or event loop saturated); latencies include that wait',
      'only 32 of 60 offered readings (53.3%) were accepted',
    ]);
  });

  it('says so when nothing got through, and when the run was stopped early', () => {
    const recorder = new LoadRecorder();
    recorder.offered(10);
    recorder.sent(batch(10, 0));
    recorder.failed(batch(10, 0), 'UNAUTHENTICATED', 'invalid API key');
    const report = buildReport(
      recorder,
      context({
        pacing: { ...pacing, aborted: true },
        stoppedDuring: 'measurement',
        notes: ['key k1 of d1 was not revoked'],
      }),
    );
    expect(runVerdict(report)).toBe('nothing-through');
    expect(report.stoppedDuring).toBe('measurement');
    expect(report.latencyMs).toEqual({ calls: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0 });
    expect(report.warnings).toEqual([
      'stopped early; rates are over the time actually run',
      'nothing got through: no reading was accepted',
      'key k1 of d1 was not revoked',
    ]);
  });

  it('reports a warm-up that was stopped by what it sent and how long it ran, not as nothing through', () => {
    const recorder = new LoadRecorder();
    recorder.offered(10);
    recorder.sent(batch(10, 0));
    recorder.answered(batch(10, 0), { accepted: 10, duplicates: 0, rejections: [] });
    const stopped = { ...pacing, windowMs: 4_250, aborted: true };
    const report = buildReport(recorder, context({ pacing: stopped, stoppedDuring: 'warm-up' }));
    expect(runVerdict(report)).toBe('accepted');
    expect(report).toMatchObject({ stoppedDuring: 'warm-up', durationSeconds: 4.25, accepted: 10 });
    expect(report.warnings).toEqual([
      'stopped during the warm-up, before the measurement started: these figures are the 4.25 s of warm-up that ran',
    ]);
  });

  it('does not blame the gateway for a run stopped before it sent anything', () => {
    const nothingRun = { ticks: 0, windowMs: 0, maxLagMs: 0, aborted: true };
    const report = buildReport(
      new LoadRecorder(),
      context({ pacing: nothingRun, stoppedDuring: 'registration' }),
    );
    expect(report.warnings).toEqual(['stopped during registration, before any reading was sent']);
  });

  it('leaves stoppedDuring out of a run that was not stopped', () => {
    expect(buildReport(recordedRun(), context())).not.toHaveProperty('stoppedDuring');
  });
});

describe('report formatting', () => {
  it('prints one fact per line for a console', () => {
    expect(formatReport(buildReport(recordedRun(), context())).split('\n')).toEqual([
      'loadgen run run1: grpc to 127.0.0.1:50051, 2 devices, 10 readings per call',
      'duration          2.00 s sending, 2.50 s with the last answers',
      'readings/s        target 30.0  offered 30.0  achieved 12.8',
      'readings          offered 60  sent 50  shed 10  (3 beyond normal)',
      'outcome           accepted 32  duplicate 5  rejected 3  failed 10  unknown 0',
      'calls             sent 5  answered 4  failed 1  unknown 0',
      'latency ms        p50 2.000  p90 40.000  p95 40.000  p99 40.000  max 40.000  (per answered call, from its scheduled send)',
      'errors by code',
      '  RESOURCE_EXHAUSTED  1 calls, 10 readings  (rate limit for this device exceeded)',
      'unknown outcome by code (no answer in time: may have been stored)',
      '  none',
      'rejections by reason',
      '  READING.OUT_OF_RANGE       2',
      '  READING.TIMESTAMP_TOO_OLD  1',
      'warnings',
      '  offered load was not sustained: 10 readings (16.7%) were not sent because devices already had 32 calls open; the gateway is slower than the target rate',
      '  only 32 of 60 offered readings (53.3%) were accepted',
    ]);
  });

  it('says "none" for empty tallies and leaves out the warnings heading when there are none', () => {
    const recorder = new LoadRecorder(() => 5);
    recorder.offered(10);
    recorder.sent(batch(10, 0));
    recorder.answered(batch(10, 0), { accepted: 10, duplicates: 0, rejections: [] });
    const text = formatReport(
      buildReport(
        recorder,
        context({ targetReadingsPerSecond: 10, pacing: { ...pacing, windowMs: 1_000 }, elapsedMs: 1_000 }),
      ),
    );
    expect(text).toContain(
      'errors by code\n  none\nunknown outcome by code (no answer in time: may have been stored)\n  none\nrejections by reason\n  none',
    );
    expect(text).not.toContain('warnings');
  });

  it('prints calls without an answer in time as of unknown outcome, in the text as in the JSON', () => {
    const recorder = recordedRun();
    recorder.sent(batch(10, 500));
    recorder.unknown(batch(10, 500), 'TIMEOUT', 'The operation was aborted due to timeout');
    const report = buildReport(recorder, context());
    expect(report).toMatchObject({
      sentReadings: 60,
      failedReadings: 10,
      failedCalls: 1,
      unknownReadings: 10,
      unknownCalls: 1,
      unknownByCode: {
        TIMEOUT: { calls: 1, readings: 10, example: 'The operation was aborted due to timeout' },
      },
    });
    expect(
      report.accepted + report.duplicates + report.rejected + report.failedReadings + report.unknownReadings,
    ).toBe(report.sentReadings);
    const lines = formatReport(report).split('\n');
    expect(lines).toContain('outcome           accepted 32  duplicate 5  rejected 3  failed 10  unknown 10');
    expect(lines).toContain('calls             sent 6  answered 4  failed 1  unknown 1');
    expect(
      lines.slice(lines.indexOf('unknown outcome by code (no answer in time: may have been stored)') + 1)[0],
    ).toBe('  TIMEOUT  1 calls, 10 readings  (The operation was aborted due to timeout)');
    expect(report.warnings).toContain(
      '10 readings (16.7% of those sent) got no answer in time: their outcome is unknown, the gateway may have stored them',
    );
    expect(JSON.parse(formatReportJson(report))).toEqual(report);
  });

  it('does not call a run where every call timed out "nothing got through"', () => {
    const recorder = new LoadRecorder();
    recorder.offered(10);
    recorder.sent(batch(10, 0));
    recorder.unknown(batch(10, 0), 'DEADLINE_EXCEEDED', 'no ack within 30 ms');
    const report = buildReport(
      recorder,
      context({ targetReadingsPerSecond: 10, pacing: { ...pacing, windowMs: 1_000 } }),
    );
    expect(runVerdict(report)).toBe('unknown');
    expect(report.warnings).toContain(
      'no reading was confirmed: none was accepted, but some got no answer in time and may have been stored',
    );
    expect(report.warnings.join('\n')).not.toContain('nothing got through');
  });

  it('prints small target rates with the digits they need', () => {
    const recorder = new LoadRecorder();
    recorder.offered(1);
    const report = buildReport(
      recorder,
      context({ targetReadingsPerSecond: 0.001, batchSize: 1, pacing: { ...pacing, windowMs: 1_000_000 } }),
    );
    expect(formatReport(report)).toContain('readings/s        target 0.001  offered 0.001  achieved 0.0');
  });

  it.each([
    // 3 readings/s for 5 s is 15 readings: two messages of 10.
    [
      3,
      10,
      5_000,
      2,
      'offered 4 readings/s, not the target 3: readings go out in whole messages of 10, and the target over 5 s is 15 readings, so 20 were offered; make rate × duration a multiple of the batch size',
    ],
    // 100 readings/s for 0.1 ms is 0.01 readings: still one message.
    [
      100,
      10,
      0.1,
      1,
      'offered 100000 readings/s, not the target 100: readings go out in whole messages of 10, and the target over 0.0001 s is 0.01 readings, so 10 were offered; make rate × duration a multiple of the batch size',
    ],
  ])(
    'warns when whole messages overshoot the target rate (%d/s, batch %d, %d ms)',
    (target, size, windowMs, messages, warning) => {
      const recorder = new LoadRecorder();
      recorder.offered(messages * size);
      const report = buildReport(
        recorder,
        context({ targetReadingsPerSecond: target, batchSize: size, pacing: { ...pacing, windowMs } }),
      );
      expect(report.warnings).toContain(warning);
    },
  );

  it('prints the whole report as JSON that reads back the same', () => {
    const report = buildReport(recordedRun(), context());
    expect(JSON.parse(formatReportJson(report))).toEqual(report);
  });
});
