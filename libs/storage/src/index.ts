export * from './storage-settings.js';
export * from './database.js';
export * from './migrate.js';
export * from './node-sqlite.adapter.js';
export * from './chunked.js';
export * from './sized-query-cache.js';
export * from './open-store-or-exit.js';
export * from './migration-helpers.js';
