export * from './postgres-harness.js';
export * from './fresh-store.js';
