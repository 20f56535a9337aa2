export type { Model, ModelInput, ModelTask, Predictions, PredictOptions } from './model.js';
export { cachedPredict } from './cache.js';
export { predictionColumns } from './columns.js';
export { parseXgboostModel, parseXgboostBooster, predictXgboostMargins, type XgboostBooster, type XgboostModel, type XgboostOptions, type XgboostTree } from './xgboost.js';
export { jsModel, type JsModelOptions, type JsModelRow } from './js-model.js';
export type { RowOutput } from './outputs.js';
