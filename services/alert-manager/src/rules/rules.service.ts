import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  decodePageToken,
  encodePageToken,
  NotFoundError,
  requireId,
  resolvePageSize,
  ValidationError,
  requireUpdateMask,
  withMaskedChanges,
} from '@iot-mesh/platform';
import { z } from 'zod';
import { ALERT_MANAGER_CONFIG, ALERT_STORE, CLOCK } from '../alert-manager.di-tokens.js';
import { changeOpenAlerts } from '../alerts/change-open-alerts.js';
import { retryOnConflict } from '../alerts/retry-on-conflict.js';
import { closeForRuleChange, reviseForRuleChange, type Step } from '../alerts/domain/alert-state-machine.js';
import type { Alert } from '../alerts/domain/alert.js';
import type { AlertManagerConfig } from '../config.js';
import type { AlertStore, ChangeOpenAlerts, RuleFilter } from '../infrastructure/alert-store.port.js';
import {
  sameTarget,
  UPDATABLE_PATHS,
  type Rule,
  type RuleFields,
  type UpdatablePath,
} from './domain/rule.js';
import { ruleFieldViolations } from './domain/rule.validation.js';
import { EnabledRulesCache } from './enabled-rules.cache.js';

const cursorSchema = z.object({ after: z.string() });

/** Validated fields → the scope is known to be set. */
function validated(fields: RuleFields): Omit<Rule, 'id' | 'createTime' | 'updateTime'> {
  const violations = ruleFieldViolations(fields);
  if (violations.length > 0 || fields.scope === undefined)
    throw new ValidationError(violations, 'RULE.INVALID');
  return { ...fields, scope: fields.scope };
}

/** The rule field each path of an update mask names. */
const RULE_FIELD_OF: Readonly<Record<UpdatablePath, keyof RuleFields>> = {
  name: 'name',
  scope: 'scope',
  operator: 'operator',
  threshold: 'threshold',
  threshold_high: 'thresholdHigh',
  for_duration: 'forDurationMs',
  severity: 'severity',
  hysteresis: 'hysteresis',
  enabled: 'enabled',
  sensor_type: 'sensorType',
  custom_sensor: 'customSensor',
};

/** Use cases of threshold rules: create, read, list, change, delete. */
@Injectable()
export class RulesService {
  constructor(
    @Inject(ALERT_STORE) private readonly store: AlertStore,
    @Inject(ALERT_MANAGER_CONFIG) private readonly config: AlertManagerConfig,
    @Inject(CLOCK) private readonly now: () => number,
    private readonly enabledRules: EnabledRulesCache,
  ) {}

  async create(fields: RuleFields): Promise<Rule> {
    const now = this.now();
    const rule: Rule = {
      ...validated(fields),
      id: `rule-${randomBytes(8).toString('hex')}`,
      createTime: now,
      updateTime: now,
    };
    try {
      await this.store.insertRule(rule);
    } finally {
      this.enabledRules.invalidate();
    }
    return rule;
  }

  async get(id: string): Promise<Rule> {
    requireId(id);
    const rule = await this.store.findRule(id);
    if (!rule) throw new NotFoundError('RULE.NOT_FOUND', `rule ${id} not found`, { rule_id: id });
    return rule;
  }

  async list(
    filter: RuleFilter,
    pageSize: number,
    pageToken: string,
  ): Promise<{ rules: Rule[]; nextPageToken: string }> {
    const limit = resolvePageSize(pageSize);
    // Without a custom quantity the identity is the one tokens had before there was one.
    const { sensorType, customSensor } = filter;
    const query = ['ListRules', sensorType, ...(customSensor === undefined ? [] : [customSensor])];
    const cursor = decodePageToken(pageToken, cursorSchema, query);
    const page = await this.store.listRules(filter, cursor?.after, limit + 1);
    const rules = page.slice(0, limit);
    return {
      rules,
      nextPageToken: page.length > limit ? encodePageToken({ after: rules.at(-1)!.id }, query) : '',
    };
  }

  async update(id: string, changes: RuleFields, paths: readonly string[]): Promise<Rule> {
    const fieldsToChange = requireUpdateMask(paths, UPDATABLE_PATHS);
    requireId(id);
    // Applied to the rule as stored while the store holds it, so no concurrent change is overwritten.
    const updated = await retryOnConflict(`rule ${id}`, () =>
      this.store
        .changeRule(id, (current) => {
          const updated: Rule = {
            ...current,
            ...validated(
              withMaskedChanges<RuleFields, UpdatablePath>(current, changes, fieldsToChange, RULE_FIELD_OF),
            ),
            updateTime: this.now(),
          };
          // Alerts of a rule that stops watching their device would stay open forever: close them. Those
          // of a rule that still watches it are judged again by their last value, so an alert that the new
          // threshold no longer holds resolves now rather than at a reading that may be long in coming.
          const retargeted = !updated.enabled || !sameTarget(current, updated);
          const changeOpen = this.changeOpenAlerts(
            retargeted ? closeForRuleChange : (alert, now) => reviseForRuleChange(updated, alert, now),
          );
          return { rule: updated, changeOpen };
        })
        .finally(() => this.enabledRules.invalidate()),
    );
    if (!updated) throw new NotFoundError('RULE.NOT_FOUND', `rule ${id} not found`, { rule_id: id });
    return updated;
  }

  async delete(id: string): Promise<void> {
    requireId(id);
    const found = await retryOnConflict(`rule ${id}`, () =>
      this.store
        .deleteRule(id, this.changeOpenAlerts(closeForRuleChange))
        .finally(() => this.enabledRules.invalidate()),
    );
    if (!found) throw new NotFoundError('RULE.NOT_FOUND', `rule ${id} not found`, { rule_id: id });
  }

  private changeOpenAlerts(step: (alert: Alert, now: number) => Step): ChangeOpenAlerts {
    return changeOpenAlerts(step, this.config.alertChannels, this.now);
  }
}
