export * from './stack.js';
export * from './scratch-stack.js';
export { readCatalog, addressVariable, type CatalogService } from './catalog.js';
export { tlsEnv } from './service-env.js';
