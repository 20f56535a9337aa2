export * from './index.js';
export * from './adapters/io/index.js';
