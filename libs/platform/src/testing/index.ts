export * from './free-port.js';
export * from './service-process.js';
export * from './fixture-process.js';
export * from './manual-timer.js';
export * from './eventually.js';
export * from './call-failure.js';
export * from './otlp-collector.js';
export * from './read-ahead.js';
