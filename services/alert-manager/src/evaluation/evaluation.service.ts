import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ValidationError } from '@iot-mesh/platform';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { ALERT_MANAGER_CONFIG, ALERT_STORE, CLOCK, DEVICE_LOOKUP } from '../alert-manager.di-tokens.js';
import { AlertLocks } from '../alerts/alert-locks.js';
import { toChangeBatch } from '../alerts/change-batch.js';
import { retryOnConflict } from '../alerts/retry-on-conflict.js';
import type { Alert } from '../alerts/domain/alert.js';
import type { AlertManagerConfig } from '../config.js';
import { DecommissionedDevices } from '../devices/decommissioned-devices.js';
import type { DeviceLookup } from '../devices/device-lookup.port.js';
import {
  ConcurrentChangeError,
  evaluationKey,
  RuleChangedError,
  type AlertStore,
} from '../infrastructure/alert-store.port.js';
import type { StepContext } from '../alerts/domain/alert-state-machine.js';
import { sameTarget, type Rule } from '../rules/domain/rule.js';
import { EnabledRulesCache } from '../rules/enabled-rules.cache.js';
import { raisesAlarm } from './domain/evaluation-plan.js';
import {
  groupByQuantity,
  planQuantity,
  type QuantityGroup,
  type QuantityPlan,
  type RuleStanding,
} from './domain/quantity-evaluation.js';
import { quantityKey } from './domain/watched-quantity.js';
import { readingsViolations } from './domain/reading.validation.js';
import { devicesNeedingType, groupByRuleAndDevice, type DeviceTypes } from './domain/rule-matching.js';
import { evaluatedReading } from './reading.mapper.js';

const NOTHING_YET: RuleStanding = { cursor: undefined, open: undefined };

/** Runs readings through the rules that watch them and records what changed. */
@Injectable()
export class EvaluationService {
  constructor(
    @Inject(ALERT_STORE) private readonly store: AlertStore,
    @Inject(DEVICE_LOOKUP) private readonly devices: DeviceLookup,
    @Inject(ALERT_MANAGER_CONFIG) private readonly config: AlertManagerConfig,
    @Inject(CLOCK) private readonly now: () => number,
    private readonly locks: AlertLocks,
    private readonly enabledRules: EnabledRulesCache,
    private readonly decommissioned: DecommissionedDevices,
  ) {}

  async evaluate(messages: readonly Reading[]): Promise<{ evaluatedCount: number; changed: Alert[] }> {
    const violations = readingsViolations(messages);
    if (violations.length > 0) throw new ValidationError(violations, 'READINGS.INVALID');
    const arrivedAt = this.now();
    const readings = messages.map((message) => evaluatedReading(message, arrivedAt));
    const rules = await this.enabledRules.forSensorTypes(readings.map((r) => r.sensorType));
    if (rules.length === 0) return { evaluatedCount: readings.length, changed: [] };
    // Every lookup happens before anything is written: a registry outage fails the whole call
    // (UNAVAILABLE, so the caller retries) instead of evaluating half of it.
    const types = await this.lookUpTypes(devicesNeedingType(rules, readings));
    const groups = groupByRuleAndDevice(rules, readings, types);
    if (groups.length === 0) return { evaluatedCount: readings.length, changed: [] };
    const targets = groups.map((g) => ({ ruleId: g.rule.id, deviceId: g.deviceId }));
    const quantities = groupByQuantity(groups);
    const changed = await this.locks.runAll(targets, () => this.evaluateQuantities(quantities));
    return { evaluatedCount: readings.length, changed };
  }

  /**
   * The fast path: every quantity of the request read at once and written in one transaction. When
   * another writer got in between, nothing of it was written and each quantity is evaluated on its
   * own again, with the usual retries.
   */
  private async evaluateQuantities(quantities: QuantityGroup[]): Promise<Alert[]> {
    try {
      return await this.evaluateOnce(quantities);
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError)) throw error;
      // Rules another replica changed since this one cached them: read anew, here and by later calls.
      const changedRules = new Set(error instanceof RuleChangedError ? error.ruleIds : []);
      if (changedRules.size > 0) this.enabledRules.invalidate();
      const one = await Promise.all(quantities.map((group) => this.evaluateQuantity(group, changedRules)));
      return one.flat();
    }
  }

  /**
   * A quantity's rules and device evaluated together, as they share a cursor: each of its rules
   * would otherwise find the shared cursor moved past a reading by another and skip it.
   */
  private evaluateQuantity(group: QuantityGroup, changedRules: ReadonlySet<string>): Promise<Alert[]> {
    let current = group;
    const { deviceId, sensorType, customSensor } = group.quantity;
    return retryOnConflict(`alerts of ${deviceId} (${sensorType} ${customSensor})`, async (retry) => {
      if (retry > 0 || current.rules.some((rule) => changedRules.has(rule.id))) {
        current = { ...current, rules: await this.storedVersions(current.rules) };
      }
      return this.evaluateOnce([current]);
    });
  }

  /**
   * The rules as stored now, without those deleted, disabled or now watching other readings: someone
   * else changed these rules or devices' alerts, or the rules themselves.
   */
  private async storedVersions(rules: readonly Rule[]): Promise<Rule[]> {
    const stored = new Map(
      (await this.store.listEnabledRules([...new Set(rules.map((rule) => rule.sensorType))])).map((rule) => [
        rule.id,
        rule,
      ]),
    );
    return rules.flatMap((rule) => {
      const fresh = stored.get(rule.id);
      return fresh && sameTarget(fresh, rule) ? [fresh] : [];
    });
  }

  /** Reads where the quantities' rules stand, evaluates, and writes it all in one transaction. */
  private async evaluateOnce(quantities: readonly QuantityGroup[]): Promise<Alert[]> {
    const targets = quantities.flatMap(({ quantity, rules }) =>
      rules.map((rule) => ({ ruleId: rule.id, deviceId: quantity.deviceId })),
    );
    const [states, shared] = await Promise.all([
      this.store.findEvaluationStates(targets),
      this.store.findQuantityCursors(quantities.map((group) => group.quantity)),
    ]);
    const now = this.now();
    const planned = quantities.map((group) =>
      planQuantity(
        group,
        (rule) => states.get(evaluationKey(rule.id, group.quantity.deviceId)) ?? NOTHING_YET,
        shared.get(quantityKey(group.quantity)),
        this.stepContext(now),
      ),
    );
    const retired = await this.retiredAmong(planned);
    const moving = planned.filter((p) => p.rules.length > 0 && !retired.has(p.quantity.deviceId));
    if (moving.length === 0) return [];
    await this.store.applyEvaluations(
      moving.flatMap(({ quantity, rules }) =>
        rules.map(({ rule, expectedCursor, cursor, plan }) => ({
          ruleId: rule.id,
          rule,
          deviceId: quantity.deviceId,
          expectedCursor,
          cursor,
          changes: toChangeBatch(plan.changes, this.config.alertChannels, now),
        })),
      ),
      moving.flatMap(({ quantity, shared }) => (shared ? [{ quantity, ...shared }] : [])),
    );
    return moving.flatMap(({ rules }) => rules.flatMap(({ plan }) => plan.changedAlerts));
  }

  /**
   * The decommissioned devices among those the plans would raise an alarm for. Their readings are
   * skipped whole (no alert opens or fires, nothing is announced); the sweep resolves what was open.
   * Only alarming plans are checked, so a reading costs a registry call at most once per alarm.
   */
  private retiredAmong(planned: readonly QuantityPlan[]): Promise<Set<string>> {
    return this.decommissioned.among(
      planned.filter((p) => p.rules.some((r) => raisesAlarm(r.plan))).map((p) => p.quantity.deviceId),
    );
  }

  private stepContext(now: number): StepContext {
    return { now, newAlertId: () => `alert-${randomBytes(8).toString('hex')}` };
  }

  private async lookUpTypes(deviceIds: readonly string[]): Promise<DeviceTypes> {
    const found = await Promise.all(
      deviceIds.map(async (id) => [id, await this.devices.typeOf(id)] as const),
    );
    return new Map(found.filter((entry): entry is readonly [string, number] => entry[1] !== undefined));
  }
}
