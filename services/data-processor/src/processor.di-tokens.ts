export const PROCESSOR_CONFIG = Symbol('PROCESSOR_CONFIG');
export const PROCESSOR_STORE = Symbol('PROCESSOR_STORE');
export const READINGS_EVALUATOR = Symbol('READINGS_EVALUATOR');
export const CLOCK = Symbol('CLOCK');
export const PENDING_EVALUATIONS = Symbol('PENDING_EVALUATIONS');
