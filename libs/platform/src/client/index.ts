export * from './retry-service-config.js';
export * from './deadline.interceptor.js';
export * from './client-tracing.interceptor.js';
export * from './grpc-client.factory.js';
export * from './health-check.js';
export * from './call-coalescer.js';
export * from './tls-handshake-failure.js';
