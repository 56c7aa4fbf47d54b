import { Inject, Injectable } from '@nestjs/common';
import {
  DownstreamUnavailableError,
  isPermanentRefusal,
  METRICS_REGISTRY,
  PLATFORM_LOGGER,
  UnavailableError,
} from '@iot-mesh/platform';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { ProcessorConfig } from '../config.js';
import type {
  PendingEvaluation,
  PendingEvaluationStore,
} from '../infrastructure/pending-evaluation-store.port.js';
import { CLOCK, PENDING_EVALUATIONS, PROCESSOR_CONFIG, READINGS_EVALUATOR } from '../processor.di-tokens.js';
import { DeviceTurns, type DeviceTurn } from './device-turns.js';
import { PendingDevices } from './pending-devices.js';
import type { ReadingsEvaluator } from './readings-evaluator.port.js';
import { RefusedEvaluations } from './refused-evaluations.js';

/**
 * Pending readings per EvaluateReadings call: each delivery of the poller, and the most a call sends
 * ahead of its own.
 */
export const PENDING_BATCH = 500;

/**
 * The readings could be neither evaluated nor queued. With the queue's store failing, that is this
 * service unavailable (its caller may retry at once); with the queue full, the alert manager has not
 * been taking readings for a while, and a retry at every hop would only pile onto it.
 */
const notEvaluated = (why: string, cause: 'store' | 'alert-manager' = 'store') =>
  new (cause === 'store' ? UnavailableError : DownstreamUnavailableError)(
    'ALERT_MANAGER.UNAVAILABLE',
    `readings are stored but could not be evaluated for alerts (${why}); retry the call`,
  );

/**
 * Has counted readings evaluated for alerts at least once and, per device, after the readings queued
 * before them: the alert manager skips a reading older than the newest it evaluated for a rule and
 * device, so a reading evaluated after a newer one would never raise its alert. The calls of a device
 * take their turn in the order they arrived (DeviceTurns). When the alert manager does not take them,
 * the readings are queued (pending_evaluations) and the call still succeeds; the poller delivers the
 * queue oldest first, and a later call of one of their devices, on any replica, sends them ahead of its
 * own. Only when they cannot be queued either does the call fail (UNAVAILABLE, as the caller's retry
 * has them evaluated again). A reading the alert manager refuses for good is set aside by the poller
 * (RefusedEvaluations), so that it holds up neither the queue nor the later calls of its device.
 */
@Injectable()
export class EvaluationHandOver {
  private readonly devices = new PendingDevices();
  private readonly turns = new DeviceTurns();
  private readonly pendingGauge: Gauge;
  private readonly refused: RefusedEvaluations;

  constructor(
    @Inject(PENDING_EVALUATIONS) private readonly pending: PendingEvaluationStore,
    @Inject(READINGS_EVALUATOR) private readonly evaluator: ReadingsEvaluator,
    @Inject(PROCESSOR_CONFIG) private readonly config: ProcessorConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) now: () => number,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.refused = new RefusedEvaluations(pending, evaluator, logger, now, registry);
    this.pendingGauge = new Gauge({
      name: 'data_processor_evaluations_pending',
      help:
        'Readings queued for the alert manager after their evaluation failed, as of the last poll, not ' +
        'counting those it refused for good (every replica sees the one queue: take the max across ' +
        'replicas, not the sum)',
      registers: [registry],
    });
  }

  /** Lines a call up behind the calls of its devices in progress; the call leaves the turn when it ends. */
  lineUp(readings: readonly Reading[]): DeviceTurn {
    return this.turns.take(readings);
  }

  /**
   * Evaluates counted readings, or queues them, once the call's turn comes; throws UnavailableError
   * when neither worked. `queuedInStore`: the devices the call's transaction found readings of in the
   * queue, which another replica may have put there.
   */
  async evaluate(
    readings: readonly Reading[],
    turn: DeviceTurn,
    queuedInStore: ReadonlySet<string>,
  ): Promise<void> {
    // Untaken until the alert manager takes them, however this ends.
    turn.untaken = true;
    // An earlier call of these devices could not hand its readings over: these wait behind them. Trying
    // the alert manager that just failed would only hold this call as long again.
    if (await turn.ready) return this.queue(readings);
    const earlier = await this.pendingOfDevices(readings, queuedInStore);
    // A longer backlog than one call carries: these wait behind it, and the poller delivers it all in order.
    if (earlier.length > PENDING_BATCH) return this.queue(readings);
    try {
      await this.evaluator.evaluate(
        earlier.length === 0 ? readings : [...earlier.map((p) => p.reading), ...readings],
      );
    } catch (error) {
      // Refused for good too: queued behind its device's earlier readings all the same, and the poller
      // sets aside the refused ones. Doing that here would cost the call one alert manager call per
      // reading; failing it would have its retry refused again.
      this.logger.warn(
        { err: error, readings: readings.length, refused: isPermanentRefusal(error) },
        'alert manager did not take the readings',
      );
      return this.queue(readings);
    }
    turn.untaken = false;
    if (earlier.length > 0) await this.removeDelivered(earlier);
  }

  /** Learns which devices have pending readings, queued by any replica; returns how many there are. */
  async refresh(): Promise<number> {
    const mark = this.devices.mark();
    const byDevice = await this.pending.countByDevice();
    this.devices.replace(byDevice.keys(), mark);
    let pending = 0;
    for (const count of byDevice.values()) pending += count;
    this.pendingGauge.set(pending);
    return pending;
  }

  /**
   * Delivers the oldest pending readings, at most PENDING_BATCH, and removes them; when the alert
   * manager refuses them for good, delivers them one by one and sets aside those it refuses. Throws
   * when it does not take them otherwise. Returns whether it took a full batch, so more may wait.
   */
  async deliverOldest(): Promise<boolean> {
    const batch = await this.pending.oldest(PENDING_BATCH);
    if (batch.length === 0) return false;
    const full = batch.length === PENDING_BATCH;
    try {
      await this.evaluator.evaluate(batch.map((p) => p.reading));
    } catch (error) {
      if (!isPermanentRefusal(error)) throw error;
      // One refused reading has the whole call refused: find it rather than stop the queue behind it.
      await this.refused.deliverOneByOne(batch);
      return full;
    }
    await this.pending.remove(batch.map((p) => p.sequence));
    return full;
  }

  /**
   * The pending readings of the devices of `readings`, oldest first, up to one more than PENDING_BATCH.
   * Without a database read when none of those devices has any, as this process knows them or as the
   * call's transaction found them: the usual case.
   */
  private async pendingOfDevices(
    readings: readonly Reading[],
    queuedInStore: ReadonlySet<string>,
  ): Promise<PendingEvaluation[]> {
    if (this.devices.size === 0 && queuedInStore.size === 0) return [];
    const devices = new Set<string>();
    for (const { deviceId } of readings) {
      if (this.devices.has(deviceId) || queuedInStore.has(deviceId)) devices.add(deviceId);
    }
    if (devices.size === 0) return [];
    try {
      return await this.pending.oldestOf([...devices], PENDING_BATCH + 1);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the pending evaluations of the readings’ devices');
      throw notEvaluated('the pending evaluations could not be read');
    }
  }

  private async queue(readings: readonly Reading[]): Promise<void> {
    const { max } = this.config.pendingEvaluations;
    let queued: boolean;
    try {
      queued = await this.pending.add(readings, max);
    } catch (error) {
      this.logger.warn({ err: error, readings: readings.length }, 'could not queue readings for evaluation');
      throw notEvaluated('nor queued');
    }
    if (!queued) {
      this.logger.warn({ readings: readings.length, max }, 'pending evaluations are full');
      throw notEvaluated(`nor queued: ${max} readings already wait for the alert manager`, 'alert-manager');
    }
    this.devices.add(readings.map((r) => r.deviceId));
  }

  private async removeDelivered(delivered: readonly PendingEvaluation[]): Promise<void> {
    try {
      await this.pending.remove(delivered.map((p) => p.sequence));
    } catch (error) {
      // The poller delivers them again, which the alert manager's cursor makes harmless.
      this.logger.warn({ err: error }, 'could not remove delivered pending evaluations');
    }
  }
}
