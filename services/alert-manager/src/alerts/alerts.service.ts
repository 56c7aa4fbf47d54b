import { Inject, Injectable } from '@nestjs/common';
import {
  characterCount,
  decodePageToken,
  encodePageToken,
  FailedPreconditionError,
  isBlank,
  NotFoundError,
  requireId,
  resolvePageSize,
  ValidationError,
  type FieldViolation,
  CONTROL_CHARACTERS as CONTROL,
} from '@iot-mesh/platform';
import { z } from 'zod';
import { ALERT_MANAGER_CONFIG, ALERT_STORE, CLOCK } from '../alert-manager.di-tokens.js';
import type { AlertManagerConfig } from '../config.js';
import type { AlertFilter, AlertStore } from '../infrastructure/alert-store.port.js';
import { AlertLocks } from './alert-locks.js';
import { toChangeBatch } from './change-batch.js';
import { retryOnConflict } from './retry-on-conflict.js';
import { AlertState, type Alert, type StoredAlert } from './domain/alert.js';
import { AlertChangeRecorder } from './domain/alert-changes.js';
import { acknowledge } from './domain/alert-state-machine.js';

const cursorSchema = z.object({ t: z.number().int(), id: z.string() });

function acknowledgerViolations(by: string): FieldViolation[] {
  if (isBlank(by))
    return [{ field: 'acknowledged_by', reason: 'FIELD.REQUIRED', description: 'must not be empty' }];
  if (characterCount(by) > 200 || CONTROL.test(by))
    return [
      { field: 'acknowledged_by', reason: 'FIELD.INVALID', description: 'at most 200 printable characters' },
    ];
  return [];
}

/** Use cases of alerts as operators see them: read, list, acknowledge. */
@Injectable()
export class AlertsService {
  constructor(
    @Inject(ALERT_STORE) private readonly store: AlertStore,
    @Inject(ALERT_MANAGER_CONFIG) private readonly config: AlertManagerConfig,
    @Inject(CLOCK) private readonly now: () => number,
    private readonly locks: AlertLocks,
  ) {}

  async get(id: string): Promise<StoredAlert> {
    requireId(id);
    const alert = await this.store.findAlert(id);
    if (!alert) throw new NotFoundError('ALERT.NOT_FOUND', `alert ${id} not found`, { alert_id: id });
    return alert;
  }

  /** Newest first (by start time). */
  async list(
    filter: AlertFilter,
    pageSize: number,
    pageToken: string,
  ): Promise<{ alerts: Alert[]; nextPageToken: string }> {
    const limit = resolvePageSize(pageSize);
    const query = ['ListAlerts', filter];
    const cursor = decodePageToken(pageToken, cursorSchema, query);
    const after = cursor && { startTime: cursor.t, id: cursor.id };
    const page = await this.store.listAlerts(filter, after, limit + 1);
    const alerts = page.slice(0, limit);
    const last = alerts.at(-1);
    const more = page.length > limit && last !== undefined;
    return { alerts, nextPageToken: more ? encodePageToken({ t: last.startTime, id: last.id }, query) : '' };
  }

  async acknowledge(id: string, by: string): Promise<Alert> {
    const violations = acknowledgerViolations(by);
    if (violations.length > 0) throw new ValidationError(violations);
    const { ruleId, deviceId } = await this.get(id);
    return this.locks.run(ruleId, deviceId, () =>
      retryOnConflict(`alert ${id}`, async () => {
        const alert = await this.get(id);
        // A repeat (a client retrying after a timeout) gets the alert as first acknowledged, resolved since
        // or not; only an alert that resolved unacknowledged has nothing left to acknowledge.
        if (alert.acknowledged) return alert;
        if (alert.state === AlertState.ALERT_STATE_RESOLVED) {
          throw new FailedPreconditionError('ALERT.RESOLVED', `alert ${id} is resolved`, { alert_id: id });
        }
        const now = this.now();
        const recorder = new AlertChangeRecorder(now, [alert]);
        const step = acknowledge(alert, by.trim(), now);
        if (step.kind !== 'change') return alert;
        recorder.record(step);
        await this.store.applyChanges(toChangeBatch(recorder.changes, this.config.alertChannels, now));
        return step.alert;
      }),
    );
  }
}
