export const NOTIFICATION_CONFIG = Symbol('NOTIFICATION_CONFIG');
export const NOTIFICATION_STORE = Symbol('NOTIFICATION_STORE');
export const CLOCK = Symbol('CLOCK');
