export * from './insights.js';
export { renderReport, reportCsp, type ReportInput, INSIGHTS_ELEMENT_ID, DATA_ELEMENT_ID } from './html.js';
export {
  encodeTable,
  decodeTable,
  embeddableOptions,
  sampleIndices,
  DEFAULT_MAX_EMBEDDED_ROWS,
  type EncodedTable,
  type EncodedColumn,
  type EncodeTableOptions,
  type EmbeddedData,
  type EmbeddedOptions,
} from './embed.js';
export { sha256, cspHash } from './sha256.js';
export { bytesToBase64, base64ToBytes } from './base64.js';
export { explorerOptions, hasGroup, type ExplorerRun } from './explore.js';
