export * from './tracing.js';
export * from './logger.js';
export * from './metrics-registry.js';
export * from './admin-server.js';
export * from './failure-streak-log.js';
export * from './stream-message-trace.js';
export * from './certificate-expiry.js';
