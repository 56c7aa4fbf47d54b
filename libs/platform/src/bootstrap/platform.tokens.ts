/** DI tokens for what the platform hands to every service's Nest module. */
export const PLATFORM_LOGGER = Symbol('PLATFORM_LOGGER');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');
