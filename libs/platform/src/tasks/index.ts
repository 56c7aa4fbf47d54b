export * from './repeating-task.js';
