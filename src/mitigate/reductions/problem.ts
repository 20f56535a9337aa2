import { userError } from '../../errors/index.js';
import { binaryTarget, numericTarget } from '../../learn/target.js';
import type { Model, ModelInput } from '../../model/index.js';
import { MISSING_BOOL, type Table, valueAt } from '../../table/index.js';
import { Lagrangian } from './lagrangian.js';
import type { BoundLearner, Learner } from './learner.js';
import { linearLearner, logisticLearner } from './learners.js';
import { boundedGroupLoss, classificationMoments, type GroupIndex, type Moments, REDUCTION_CONSTRAINTS, type ReductionConstraint, type RegressionLoss } from './moments.js';

/** Options both reductions share. */
export interface ReductionOptions {
  /** The label column: two classes, or numbers for `bounded_group_loss`. */
  readonly label: string;
  /** Binary: the positive class. Defaults to the last class in sorted order. */
  readonly positive?: string;
  /** The sensitive feature column(s); several make intersectional groups (`Female | Black`). */
  readonly sensitive: string | readonly string[];
  /** Feature columns. Defaults to every column except the label (sensitive columns included). */
  readonly features?: readonly string[];
  readonly constraint: ReductionConstraint;
  /** The best-response learner. Defaults to {@link logisticLearner} (binary) or {@link linearLearner} (regression). */
  readonly learner?: Learner;
  /**
   * Parity constraints: the largest difference allowed (Fairlearn's `difference_bound`). Also sets
   * the multipliers' bound B = 1/eps (Fairlearn's `eps`). Defaults to 0.01.
   */
  readonly eps?: number;
  /** `bounded_group_loss`: the largest mean loss allowed in any group. Required there. */
  readonly upperBound?: number;
  /** `bounded_group_loss`: the loss. Defaults to `squared`. */
  readonly loss?: RegressionLoss;
  /** Seed passed to learners that draw random numbers (gradient boosting's validation split). Defaults to 0. */
  readonly seed?: number;
}

/** A reduction's training problem: the rows, targets, groups, moments and the bound learner. */
export interface Problem {
  readonly task: 'binary' | 'regression';
  readonly table: Table;
  readonly features: readonly string[];
  /** Binary: `[negative, positive]`. */
  readonly classes: readonly string[];
  readonly target: Float64Array;
  readonly groups: GroupIndex;
  readonly moments: Moments;
  readonly lagrangian: Lagrangian;
  readonly learner: Learner;
  /** The learner bound to the training rows. */
  readonly bound: BoundLearner;
  readonly eps: number;
  readonly B: number;
  readonly seed: number;
  /** Training rows left out because their label was missing. */
  readonly droppedRows: number;
}

/** Each row's sensitive group (the values of the sensitive columns joined by ` | `), sorted. */
export function sensitiveGroups(table: Table, sensitive: readonly string[]): GroupIndex {
  const columns = sensitive.map((s) => table.column(s));
  const n = table.rowCount;
  const keys = new Array<string>(n);
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const parts: string[] = [];
    for (const c of columns) {
      const v = valueAt(c, i);
      if (v === null) {
        missing++;
        break;
      }
      parts.push(Array.isArray(v) ? v.join(',') : String(v));
    }
    keys[i] = parts.join(' | ');
  }
  if (missing > 0) {
    throw userError('missing_sensitive', `${missing} training row${missing === 1 ? ' has' : 's have'} no value for the sensitive feature ${sensitive.map((s) => JSON.stringify(s)).join(' × ')}: fill them in (e.g. with "unknown") or drop those rows`, { column: sensitive.join(','), rows: missing });
  }
  const groups = [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(groups.map((g, k) => [g, k]));
  const group = Int32Array.from(keys, (k) => index.get(k)!);
  return { groups, group };
}

/** Validates the options and builds the training problem. */
export function prepareProblem(table: Table, options: ReductionOptions): Problem {
  const { label, positive, constraint, eps = 0.01, loss = 'squared', seed = 0 } = options;
  if (!REDUCTION_CONSTRAINTS.includes(constraint)) {
    throw userError('invalid_option', `invalid constraint: ${JSON.stringify(constraint)} (expected ${REDUCTION_CONSTRAINTS.join(', ')})`, { option: 'constraint' });
  }
  if (!(eps > 0) || !Number.isFinite(eps)) throw userError('invalid_option', `invalid eps: ${eps} (expected a number > 0)`, { option: 'eps' });
  if (!Number.isInteger(seed)) throw userError('invalid_option', `invalid seed: ${seed} (expected an integer)`, { option: 'seed' });
  const sensitive = typeof options.sensitive === 'string' ? [options.sensitive] : [...options.sensitive];
  if (sensitive.length === 0) throw userError('missing_option', 'no sensitive feature: pass sensitive: "column"', { option: 'sensitive' });
  table.column(label);
  for (const s of sensitive) table.column(s);
  const features = options.features ? [...options.features] : table.names().filter((n) => n !== label);
  if (features.length === 0) throw userError('no_features', 'no feature columns to train on', {});
  if (features.includes(label)) throw userError('label_in_features', `the label ${JSON.stringify(label)} is also a feature`, { column: label });
  for (const f of features) table.column(f);
  const task = constraint === 'bounded_group_loss' ? 'regression' : 'binary';
  const learner = options.learner ?? (task === 'binary' ? logisticLearner() : linearLearner());
  if (learner.task !== task) {
    throw userError('invalid_option', `the ${learner.name} learner fits ${learner.task === 'binary' ? 'binary classifiers' : 'regressors'}, but ${constraint} needs ${task === 'binary' ? 'a binary classifier' : 'a regressor'}`, { option: 'learner' });
  }

  let classes: readonly string[] = [];
  let raw: Float64Array;
  const keep: number[] = [];
  if (task === 'binary') {
    const t = binaryTarget(table, label, positive);
    classes = t.classes;
    raw = new Float64Array(t.y.length);
    for (let i = 0; i < t.y.length; i++) {
      if (t.y[i] === MISSING_BOOL) continue;
      raw[i] = t.y[i];
      keep.push(i);
    }
  } else {
    raw = numericTarget(table, label);
    for (let i = 0; i < raw.length; i++) if (Number.isFinite(raw[i])) keep.push(i);
  }
  if (keep.length === 0) throw userError('empty_training_set', `no training rows have a value for the label ${JSON.stringify(label)}`, { column: label });
  const droppedRows = table.rowCount - keep.length;
  const rows = droppedRows > 0 ? table.take(keep) : table;
  const target = droppedRows > 0 ? Float64Array.from(keep, (i) => raw[i]) : raw;
  const groups = sensitiveGroups(rows, sensitive);

  let moments: Moments;
  if (task === 'binary') moments = classificationMoments(constraint as Exclude<ReductionConstraint, 'bounded_group_loss'>, Uint8Array.from(target), groups, eps);
  else {
    if (options.upperBound === undefined) throw userError('missing_option', 'bounded_group_loss needs upperBound: the largest mean loss allowed in any group', { option: 'upperBound' });
    moments = boundedGroupLoss(target, groups, options.upperBound, loss);
  }
  const inputs: ModelInput[] = features.map((f) => ({ name: f, type: rows.column(f).type === 'categorical' ? 'categorical' : 'numeric' }));
  const bound = learner.bind({ table: rows, features, classes, seed });
  const B = 1 / eps;
  const lagrangian = new Lagrangian(moments, bound, target, B, classes, inputs);
  return { task, table: rows, features, classes, target, groups, moments, lagrangian, learner, bound, eps, B, seed, droppedRows };
}

/**
 * The unmitigated baseline of a reduction: its learner fitted once on the same training rows with
 * every weight 1 — the "before" a mitigation is compared with.
 */
export function fitUnmitigated(table: Table, options: ReductionOptions): Model {
  const problem = prepareProblem(table, options);
  return problem.bound.fit(problem.target, new Float64Array(problem.target.length).fill(1)).model;
}
