export * from './repeating-task.js';
export * from './map-concurrently.js';
export * from './prune-in-batches.js';
export * from './retention-task.js';
