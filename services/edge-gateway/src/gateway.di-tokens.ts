export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
export const DOWNSTREAM = Symbol('DOWNSTREAM');
export const RATE_LIMITER = Symbol('RATE_LIMITER');
