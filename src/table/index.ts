export * from './column.js';
export { Bitset } from './bitset.js';
export { Table, type Field } from './table.js';
export {
  CsvParser,
  parseCsv,
  formatLoadIssue,
  isNumberText,
  DEFAULT_MISSING,
  type CsvOptions,
  type DeclaredType,
  type ColumnLoadInfo,
  type LoadIssue,
  type LoadIssueCode,
  type LoadReport,
  type LoadResult,
} from './csv.js';
export { inferRoles, applyRoles, normalizeColumnName, type RoleHints, type RoleProposal } from './infer-roles.js';
