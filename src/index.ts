export * from './errors/index.js';
export * from './table/index.js';
export * from './cohort/index.js';
export * from './stats/index.js';
export * from './metrics/index.js';
export * from './fairness/index.js';
export * from './assess/index.js';
export * from './report/index.js';
