export const INGESTION_CONFIG = Symbol('INGESTION_CONFIG');
export const DEVICE_DIRECTORY = Symbol('DEVICE_DIRECTORY');
export const READING_SINK = Symbol('READING_SINK');
export const CLOCK = Symbol('CLOCK');
