export * from './platform.tokens.js';
export * from './platform.module.js';
export * from './graceful-shutdown.js';
export * from './listen-or-exit.js';
export * from './bootstrap-grpc-service.js';
export * from './grpc-transport.options.js';
export * from './nest-pino.logger.js';
export * from './service-node-args.js';
