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
import type { EvaluatedReading } from './domain/evaluated-reading.js';
import { planEvaluation, raisesAlarm, type EvaluationPlan } from './domain/evaluation-plan.js';
import { readingsViolations } from './domain/reading.validation.js';
import {
  devicesNeedingType,
  groupByRuleAndDevice,
  type DeviceTypes,
  type EvaluationGroup,
} from './domain/rule-matching.js';
import { evaluatedReading } from './reading.mapper.js';

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
    const changed = await this.locks.runAll(targets, () => this.evaluateGroups(groups, targets));
    return { evaluatedCount: readings.length, changed };
  }

  /**
   * The fast path: every group of the request read at once and written in one transaction. When
   * another writer got in between, nothing of it was written and each group is evaluated on its
   * own again, with the usual retries.
   */
  private async evaluateGroups(
    groups: EvaluationGroup[],
    targets: { ruleId: string; deviceId: string }[],
  ): Promise<Alert[]> {
    const states = await this.store.findEvaluationStates(targets);
    const now = this.now();
    const planned = groups.map(({ rule, deviceId, readings }) => {
      const { cursor, open } = states.get(evaluationKey(rule.id, deviceId)) ?? {};
      return {
        rule,
        deviceId,
        cursor,
        plan: planEvaluation({ rule, deviceId, open, cursor, readings }, this.stepContext(now)),
      };
    });
    const retired = await this.retiredAmong(planned);
    const moving = planned.filter((p) => p.plan.cursor !== undefined && !retired.has(p.deviceId));
    if (moving.length === 0) return [];
    try {
      await this.store.applyEvaluations(
        moving.map(({ rule, deviceId, cursor, plan }) => ({
          ruleId: rule.id,
          rule,
          deviceId,
          expectedCursor: cursor,
          cursor: plan.cursor!,
          changes: toChangeBatch(plan.changes, this.config.alertChannels, now),
        })),
      );
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError)) throw error;
      // Rules another replica changed since this one cached them: read anew, here and by later calls.
      const changedRules = new Set(error instanceof RuleChangedError ? error.ruleIds : []);
      if (changedRules.size > 0) this.enabledRules.invalidate();
      const one = await Promise.all(
        groups.map((group) => this.evaluateGroup(group, changedRules.has(group.rule.id))),
      );
      return one.flat();
    }
    return moving.flatMap(({ plan }) => plan.changedAlerts);
  }

  /**
   * The decommissioned devices among those the plans would raise an alarm for. Their readings are
   * skipped whole (no alert opens or fires, nothing is announced); the sweep resolves what was open.
   * Only alarming plans are checked, so a reading costs a registry call at most once per alarm.
   */
  private retiredAmong(planned: readonly { deviceId: string; plan: EvaluationPlan }[]): Promise<Set<string>> {
    return this.decommissioned.among(planned.filter((p) => raisesAlarm(p.plan)).map((p) => p.deviceId));
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

  private evaluateGroup(
    { rule: initialRule, deviceId, readings }: EvaluationGroup,
    ruleChanged: boolean,
  ): Promise<Alert[]> {
    let rule = initialRule;
    return retryOnConflict(`alerts of ${rule.id}/${deviceId}`, async (retry) => {
      if (retry > 0 || ruleChanged) {
        // Someone else changed this rule or device's alerts; the rule itself may be gone too.
        const fresh = await this.store.findRule(rule.id);
        if (!fresh?.enabled || !sameTarget(fresh, rule)) return [];
        rule = fresh;
      }
      return this.evaluateOnce(rule, deviceId, readings);
    });
  }

  private async evaluateOnce(rule: Rule, deviceId: string, readings: EvaluatedReading[]): Promise<Alert[]> {
    const [cursor, open] = await Promise.all([
      this.store.findCursor(rule.id, deviceId),
      this.store.findOpenAlert(rule.id, deviceId),
    ]);
    const now = this.now();
    const plan = planEvaluation({ rule, deviceId, open, cursor, readings }, this.stepContext(now));
    if (plan.cursor === undefined || (await this.retiredAmong([{ deviceId, plan }])).size > 0) return [];
    const changes = toChangeBatch(plan.changes, this.config.alertChannels, now);
    await this.store.applyEvaluation({
      ruleId: rule.id,
      rule,
      deviceId,
      expectedCursor: cursor,
      cursor: plan.cursor,
      changes,
    });
    return plan.changedAlerts;
  }
}
