export * from './errors/index.js';
export * from './table/index.js';
