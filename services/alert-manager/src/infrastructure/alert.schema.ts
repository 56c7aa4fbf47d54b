import type { Generated } from 'kysely';

/**
 * Table shapes of the alert manager's database: times in epoch ms, enums as their proto numbers,
 * booleans as 0/1 (SQLite has no boolean type).
 */
export interface AlertDatabase {
  rules: {
    id: string;
    name: string;
    scope_kind: string;
    scope_device_id: string;
    scope_device_type: number;
    sensor_type: number;
    /** '' unless sensor_type is SENSOR_TYPE_CUSTOM (and for custom rules from before it existed). */
    custom_sensor: string;
    operator: number;
    threshold: number;
    threshold_high: number;
    for_duration_ms: number;
    severity: number;
    hysteresis: number;
    enabled: number;
    create_time: number;
    update_time: number;
  };
  alerts: {
    id: string;
    rule_id: string;
    device_id: string;
    sensor_type: number;
    custom_sensor: string;
    state: number;
    severity: number;
    value: number;
    summary: string;
    acknowledged: number;
    acknowledged_by: string;
    acknowledge_time: number | null;
    start_time: number;
    fire_time: number | null;
    resolve_time: number | null;
    update_time: number;
    revision: number;
    /** "<rule id>/<device id>" while pending or firing, null once resolved; unique. */
    open_key: string | null;
  };
  evaluation_cursors: {
    rule_id: string;
    device_id: string;
    reading_time: number;
    reading_id: string;
    /** JSON array of the ids evaluated at reading_time before reading_id. */
    earlier_ids_at_time: string;
  };
  /**
   * The cursor of a watched quantity of a device (sensor type, custom quantity of the rules: '' for
   * all), shared by the rules watching it that have no alert open for the device.
   */
  quantity_cursors: {
    device_id: string;
    sensor_type: number;
    custom_sensor: string;
    reading_time: number;
    reading_id: string;
    earlier_ids_at_time: string;
  };
  alert_events: {
    sequence: Generated<number>;
    alert_id: string;
    rule_id: string;
    device_id: string;
    state: number;
    severity: number;
    type: number;
    event_time: number;
    /** The alert right after the event, as JSON. */
    alert: string;
  };
  notification_outbox: {
    id: Generated<number>;
    idempotency_key: string;
    alert_id: string;
    kind: number;
    channel: string;
    recipient: string;
    subject: string;
    body: string;
    attributes: string;
    attempts: number;
    next_attempt_time: number;
    last_error: string;
    create_time: number;
    /** When the notification service refused the entry for good (never due again); null while pending. */
    failed_time: number | null;
  };
  /** One row (id 1): the highest sequence of an event the retention deleted, 0 before any. */
  pruned_alert_events: {
    id: number;
    through_sequence: number;
  };
  /** Per device, the highest sequence of its events the retention deleted: for device-filtered streams. */
  pruned_device_events: {
    device_id: string;
    through_sequence: number;
  };
  /** Devices the registry said were decommissioned (final); learnt_time is when this service learnt it. */
  decommissioned_devices: {
    device_id: string;
    learnt_time: number;
  };
}
