export * from './repeating-task.js';
export * from './map-concurrently.js';
