export * from './repo.js';
export * from './compose-file.js';
export * from './dockerfile.js';
export * from './promql.js';
export * from './exported-metrics.js';
export * from './dashboards.js';
