export * from './growing-lru-cache.js';
