export * from './index.js';
export * from './adapters/io/index.js';
export { httpModel, type HttpModelOptions } from './adapters/http-model.js';
