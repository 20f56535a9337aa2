export { openStore, RunStore, type IntegrityReport, type NewRun, type OpenStoreOptions, type RunRecord, type RunSummary } from './store.js';
export { extractRunMetrics, groupLabel, groupingLabel, RUN_KINDS, type MetricRow, type RunKind } from './extract.js';
export { changeMark, MARK_SYMBOL, type Change, type DiffRow, type Mark, type MetricSide } from './diff.js';
export { buildTrackerTable, defaultMetrics, type JoinedMetric, type TrackerCell, type TrackerRow, type TrackerTable } from './tracker-table.js';
export { combineFingerprints, fingerprintData, fingerprintModels, hashFile, type ModelSource, type RunInput } from './fingerprint.js';
export { checkRunName, checkTag, parseRunRef, type RunRef } from './names.js';
export { DEFAULT_STORE, modelSources, preflightTracking, recordRunFromCli, storePath, TRACK_SPECS, trackOptionsFrom, type RecordRequest, type TrackOptions } from './record.js';
export { MIGRATIONS, STORE_SCHEMA_VERSION } from './schema.js';
