import { didYouMean, userError } from '../errors/index.js';
import type { Column, ColumnType, Role } from './column.js';
import { Table } from './table.js';

/**
 * What the user already knows about the roles. Every name must be a column; whatever is given here
 * wins over the guesses, and a column named here is not guessed for any other role.
 */
export interface RoleHints {
  /** The ground-truth column. */
  label?: string;
  /** The predicted-label column. */
  prediction?: string;
  /** Score/probability column(s), one per class for multiclass. */
  score?: string | readonly string[];
  /** Sensitive feature columns. */
  sensitive?: readonly string[];
  /** The sample-weight column. */
  weight?: string;
  /** The row-identifier column. */
  id?: string;
  /** Any column's role, e.g. `{ fnlwgt: 'weight', name: 'ignore' }`. */
  roles?: Readonly<Record<string, Role>>;
}

/** A proposed role for one column, and why. */
export interface RoleProposal {
  name: string;
  type: ColumnType;
  role: Role;
  /** `hint` when the user said so, `name` when guessed from the name, `values` from the values, `default` otherwise. */
  source: 'hint' | 'name' | 'values' | 'default';
  /** One line a person can check, e.g. `named like a label`. */
  reason: string;
}

/** Column names (normalized: lower case, runs of non-alphanumerics as `_`) by role, best first. */
const LABEL_NAMES = ['y_true', 'label', 'target', 'two_year_recid', 'income', 'y', 'class', 'outcome', 'ground_truth', 'truth', 'actual', 'true_label', 'is_recid', 'response'];
const PREDICTION_NAMES = ['y_pred', 'prediction', 'pred', 'predicted', 'predicted_label', 'predictions', 'preds', 'y_hat', 'yhat', 'decision'];
const SCORE_NAMES = ['y_score', 'score', 'scores', 'prob', 'proba', 'probability', 'y_prob', 'y_proba', 'pred_proba', 'predicted_proba', 'predicted_probability', 'confidence'];
const SCORE_PATTERN = /^(y_)?(score|prob|proba|probability)_.+$|^.+_(prob|proba|probability)$/;
const SENSITIVE_NAMES = [
  'race',
  'sex',
  'gender',
  'ethnicity',
  'ethnic_group',
  'religion',
  'age_cat',
  'age_group',
  'age_band',
  'age_bucket',
  'age_range',
  'disability',
  'sexual_orientation',
  'national_origin',
  'nationality',
  'pregnancy',
  'veteran',
  'veteran_status',
];
const ID_NAMES = ['id', 'row_index', 'row_id', 'index', 'uuid', 'record_id', 'row', 'idx'];
const WEIGHT_NAMES = ['weight', 'weights', 'sample_weight', 'sample_weights', 'instance_weight', 'w'];

/** Lower case, and any run of characters other than letters and digits as one `_`. */
export function normalizeColumnName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

function rank(names: readonly string[], normalized: string): number {
  const i = names.indexOf(normalized);
  return i < 0 ? Infinity : i;
}

/** Every non-missing value lies in [0, 1] and there is at least one. */
function isProbability(column: Column): boolean {
  if (column.type !== 'numeric') return false;
  let seen = false;
  for (const v of column.values) {
    if (v !== v) continue;
    if (v < 0 || v > 1) return false;
    seen = true;
  }
  return seen;
}

/** Every row has a value, and no value repeats. */
function isUniquePerRow(column: Column, rows: number): boolean {
  if (rows < 2) return false;
  if (column.type === 'categorical') {
    if (column.dictionary.length !== rows) return false;
    const seen = new Uint8Array(rows);
    for (const c of column.codes) {
      if (c < 0 || seen[c]) return false;
      seen[c] = 1;
    }
    return true;
  }
  if (column.type === 'numeric') {
    const seen = new Set<number>();
    for (const v of column.values) {
      if (v !== v || !Number.isInteger(v) || seen.has(v)) return false;
      seen.add(v);
    }
    return true;
  }
  return false;
}

/**
 * Proposes a role for every column of `table`: `label`, `prediction`, `score`, `sensitive`, `id`,
 * `weight` or `feature`. Hints win; then names (normalized, so `Y_True`, `y-true` and `y true`
 * match `y_true`): one label and one prediction at most (the best-ranked name), scores only when
 * every value lies in [0, 1], ids when named so or when a text column is unique per row.
 * Every proposal says why; apply them with {@link applyRoles} after any edits.
 * @example
 * inferRoles(table, { sensitive: ['race'] });
 * // [{ name: 'y_true', role: 'label', source: 'name', reason: 'named like a label' }, …]
 */
export function inferRoles(table: Table, hints: RoleHints = {}): RoleProposal[] {
  const names = table.names();
  const check = (name: string, what: string) => {
    if (!table.has(name)) {
      throw userError('unknown_column', `unknown column in ${what}: ${JSON.stringify(name)}${didYouMean(name, names)}`, { column: name });
    }
  };
  const hinted = new Map<string, Role>();
  const hint = (name: string | undefined, role: Role, what: string) => {
    if (name === undefined) return;
    check(name, what);
    hinted.set(name, role);
  };
  hint(hints.label, 'label', 'the label hint');
  hint(hints.prediction, 'prediction', 'the prediction hint');
  for (const s of typeof hints.score === 'string' ? [hints.score] : (hints.score ?? [])) hint(s, 'score', 'the score hint');
  for (const s of hints.sensitive ?? []) hint(s, 'sensitive', 'the sensitive hint');
  hint(hints.weight, 'weight', 'the weight hint');
  hint(hints.id, 'id', 'the id hint');
  for (const [name, role] of Object.entries(hints.roles ?? {})) hint(name, role, 'the roles hint');

  const taken = new Set(hinted.values());
  const bestBy = (list: readonly string[], role: Role): string | undefined => {
    if (taken.has(role)) return undefined;
    let best: string | undefined;
    let bestRank = Infinity;
    for (const name of names) {
      if (hinted.has(name)) continue;
      const r = rank(list, normalizeColumnName(name));
      if (r < bestRank) {
        best = name;
        bestRank = r;
      }
    }
    return best;
  };
  const label = bestBy(LABEL_NAMES, 'label');
  const prediction = bestBy(PREDICTION_NAMES, 'prediction');

  return table.columns.map((column): RoleProposal => {
    const { name, type } = column;
    const n = normalizeColumnName(name);
    const fromHint = hinted.get(name);
    if (fromHint !== undefined) return { name, type, role: fromHint, source: 'hint', reason: 'given' };
    if (name === label) return { name, type, role: 'label', source: 'name', reason: 'named like a label' };
    if (name === prediction) return { name, type, role: 'prediction', source: 'name', reason: 'named like a prediction' };
    if (LABEL_NAMES.includes(n) && !taken.has('label')) return { name, type, role: 'feature', source: 'name', reason: `named like a label, but ${JSON.stringify(label)} was chosen` };
    if (!taken.has('score') && (SCORE_NAMES.includes(n) || SCORE_PATTERN.test(n))) {
      if (isProbability(column)) return { name, type, role: 'score', source: 'values', reason: 'named like a score, values in [0, 1]' };
      return { name, type, role: 'feature', source: 'values', reason: 'named like a score, but not every value is in [0, 1]' };
    }
    if (SENSITIVE_NAMES.includes(n)) return { name, type, role: 'sensitive', source: 'name', reason: 'named like a sensitive attribute' };
    if (!taken.has('weight') && WEIGHT_NAMES.includes(n) && type === 'numeric') return { name, type, role: 'weight', source: 'name', reason: 'named like a sample weight' };
    if (!taken.has('id') && (ID_NAMES.includes(n) || n.endsWith('_id'))) return { name, type, role: 'id', source: 'name', reason: 'named like an identifier' };
    if (!taken.has('id') && type === 'categorical' && isUniquePerRow(column, table.rowCount)) {
      return { name, type, role: 'id', source: 'values', reason: 'a different text value in every row' };
    }
    return { name, type, role: 'feature', source: 'default', reason: 'no other role fits' };
  });
}

/** The table with each column's role set from `proposals` (data shared, not copied). */
export function applyRoles(table: Table, proposals: readonly Pick<RoleProposal, 'name' | 'role'>[]): Table {
  const roles = new Map<string, Role>();
  for (const p of proposals) {
    table.column(p.name);
    roles.set(p.name, p.role);
  }
  return new Table(
    table.columns.map((c) => {
      const role = roles.get(c.name);
      return role === undefined ? c : { ...c, role };
    }),
    table.rowCount,
  );
}
