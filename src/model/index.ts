export type { Model, ModelInput, ModelTask, Predictions, PredictOptions } from './model.js';
