import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@iot-mesh/platform';
import { Counter, type Registry } from 'prom-client';
import { ALERT_STORE } from '../alert-manager.di-tokens.js';
import type { AlertStore } from '../infrastructure/alert-store.port.js';
import { AlertEventType } from './domain/alert.js';

/**
 * Counts alert events as they are committed, whatever wrote them: evaluation, an operator's
 * acknowledgement, or a rule deleted, disabled or retargeted.
 */
@Injectable()
export class AlertEventMetrics {
  constructor(@Inject(ALERT_STORE) store: AlertStore, @Inject(METRICS_REGISTRY) registry: Registry) {
    const events = new Counter({
      name: 'alert_manager_alert_events_total',
      help: 'Alert events committed (fired, resolved, acknowledged, ...), by event type',
      labelNames: ['type'],
      registers: [registry],
    });
    store.onCommit((notice) => {
      for (const type of notice.eventTypes) events.inc({ type: AlertEventType[type] });
    });
  }
}
