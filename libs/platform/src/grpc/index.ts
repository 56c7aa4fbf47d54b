export * from './tls-settings.js';
export * from './package-definition.js';
export * from './drainable-health.js';
export * from './reflection.js';
export * from './grpc-code-names.js';
export * from './server-metrics.interceptor.js';
export * from './server-tracing.interceptor.js';
