export * from './index.js';
export * from './adapters/io/index.js';
export { httpModel, type HttpModelOptions } from './adapters/http-model.js';
export { loadOnnxModel, type OnnxMapping, type OnnxModelOptions, type OnnxModel } from './adapters/onnx.js';
export { kernelShapParallel, type KernelShapParallelOptions, type ModelSource } from './adapters/kernel-shap-workers.js';
