export { createDashboardApp, LOOPBACK_HOSTS, type DashboardAppOptions } from './app.js';
export { defaultAssetsDir, loadDashboardAssets, type AssetFile, type DashboardAssets } from './assets.js';
export { readJsonBody, BodyError } from './body.js';
export { prepareDashboard, type Dashboard, type DashboardInput, type LiveModelInput } from './dashboard.js';
export { COVER_ROWS, treeExplainerFor, type TreeExplainer, type TreeExplainerResult } from './explainer.js';
export { DEFAULT_EXPORT_ROWS, renderDashboardExport, writeDashboardExport } from './export.js';
export { LiveModel, rowsToTable, rowPredictions, DEFAULT_EXPLAIN_ROWS, KERNEL_BACKGROUND_ROWS, KERNEL_MAX_ROWS, TREE_MAX_ROWS } from './model-service.js';
export { cspHash, exportCsp, generateToken, isLoopback, resolveToken, SERVED_CSP, tokenMatches } from './security.js';
export { DEFAULT_PORT, serveDashboard, startDashboard, untilSignal, type ListenOptions, type RunningDashboard } from './start.js';
