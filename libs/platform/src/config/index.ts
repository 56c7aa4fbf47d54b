export * from './config-error.js';
export * from './load-config.js';
export * from './env-fields.js';
export * from './platform-config.js';
export * from './tls-files.js';
export * from './service-url.js';
