export * from './stack.js';
export * from './scratch-stack.js';
