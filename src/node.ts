export * from './index.js';
export * from './adapters/io/index.js';
export { httpModel, type HttpModelOptions } from './adapters/http-model.js';
export { loadOnnxModel, type OnnxMapping, type OnnxModelOptions, type OnnxModel } from './adapters/onnx.js';
