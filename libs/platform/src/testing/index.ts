export * from './free-port.js';
export * from './service-process.js';
