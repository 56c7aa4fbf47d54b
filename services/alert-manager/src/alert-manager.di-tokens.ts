export const ALERT_MANAGER_CONFIG = Symbol('ALERT_MANAGER_CONFIG');
export const ALERT_STORE = Symbol('ALERT_STORE');
export const DEVICE_LOOKUP = Symbol('DEVICE_LOOKUP');
export const NOTIFICATION_SENDER = Symbol('NOTIFICATION_SENDER');
export const CLOCK = Symbol('CLOCK');
export const NOTIFICATION_OUTBOX = Symbol('NOTIFICATION_OUTBOX');
