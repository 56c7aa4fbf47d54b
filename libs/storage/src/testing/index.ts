export * from './postgres-harness.js';
