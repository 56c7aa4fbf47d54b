export * from './config/index.js';
export * from './errors/index.js';
export * from './grpc/index.js';
export * from './client/index.js';
export * from './observability/index.js';
export * from './bootstrap/index.js';
export * from './api/index.js';
export * from './tasks/index.js';
