export * from './tls-settings.js';
export * from './package-definition.js';
export * from './drainable-health.js';
export * from './reflection.js';
export * from './grpc-code-names.js';
export * from './server-call-metrics.js';
export * from './server-call-span.js';
export * from './server-observability.interceptor.js';
