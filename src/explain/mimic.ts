import { userError } from '../errors/index.js';
import { fitGbdt, fitLinear, fitLogistic, fitMultinomial, fitTree, type GbdtModel, type GbdtOptions, type LinearModel, type LogisticModel, type RidgeOptions, type TreeModel, type TreeOptions } from '../learn/index.js';
import type { MultinomialModel } from '../learn/multinomial.js';
import type { LogisticOptions } from '../learn/logistic.js';
import type { Model, Predictions } from '../model/model.js';
import { Random } from '../stats/index.js';
import { categoricalFromCodes, numericColumn, type Table } from '../table/index.js';
import { sampleIndices } from './permutation.js';

/** The built-in learners a surrogate can be. */
export type MimicLearner = 'tree' | 'gbdt' | 'logistic' | 'linear';

type LearnerOptions<T> = Omit<T, 'label' | 'features' | 'task' | 'positive' | 'weight'>;

/** Options of {@link fitMimic}. */
export interface MimicOptions {
  /**
   * The surrogate: `tree` (one CART tree), `gbdt` (gradient boosting), `logistic` (classifiers'
   * labels: logistic or multinomial regression) or `linear` (values and scores). Trees and GBDT are
   * explained exactly by TreeSHAP. Defaults to `gbdt`.
   */
  readonly learner?: MimicLearner;
  /**
   * What the surrogate learns from a classifier: `labels` (its predicted classes: the surrogate is a
   * classifier) or `scores` (binary models: the probability of the positive class, learnt by
   * regression). Defaults to `scores` for binary models that give them (unless the learner is
   * `logistic`), `labels` otherwise.
   * Regression models are always mimicked on their values.
   */
  readonly target?: 'labels' | 'scores';
  /** Columns the surrogate reads. Defaults to the model's inputs. */
  readonly features?: readonly string[];
  /** Share of the rows held out to measure fidelity, in (0, 1). Defaults to 0.2. */
  readonly holdout?: number;
  /** Seed of the holdout split and the learner. Defaults to 0. */
  readonly seed?: number;
  /** Use a random subset of `rows` rows (drawn with `seed`) instead of all rows: the model is called on those only. */
  readonly sample?: { readonly rows: number; readonly seed?: number };
  /** Options of the tree learner. Defaults to max depth 8 and at least 20 rows per leaf. */
  readonly tree?: LearnerOptions<TreeOptions>;
  /** Options of the GBDT learner (its own defaults: 100 trees of up to 31 leaves). */
  readonly gbdt?: LearnerOptions<GbdtOptions>;
  /** Options of the logistic (or multinomial) learner. */
  readonly logistic?: LearnerOptions<LogisticOptions>;
  /** Options of the linear learner (ridge; alpha 0 is least squares). */
  readonly linear?: LearnerOptions<RidgeOptions>;
}

/** How closely the surrogate follows the model on a set of rows. */
export interface MimicFidelity {
  readonly rows: number;
  /**
   * Classifiers: the share of rows where the surrogate's class is the model's (a score surrogate's
   * class is the positive one when its score is at least 0.5). Null for regression models.
   */
  readonly accuracy: number | null;
  /**
   * R² of the surrogate's outputs against the model's: values for regression; for classifiers with
   * scores, the positive-class probability (binary) or every class's probability together
   * (multiclass). Null when either gives no scores, or when the model's outputs do not vary.
   */
  readonly r2: number | null;
}

/** The result of {@link fitMimic}. */
export interface MimicResult {
  readonly method: 'mimic';
  readonly learner: MimicLearner;
  /** What the surrogate learnt: the model's `labels`, `scores` (positive-class probability) or `values`. */
  readonly target: 'labels' | 'scores' | 'values';
  /** The surrogate, a built-in model: for `scores`, a regression model whose output is the probability. */
  readonly surrogate: TreeModel | GbdtModel | LogisticModel | MultinomialModel | LinearModel;
  readonly features: readonly string[];
  readonly seed: number;
  /** The explicit row sample, when one was drawn. */
  readonly sample: { readonly rows: number; readonly seed: number; readonly of: number } | null;
  /** Rows (indices into the given table) the surrogate was trained on, ascending. */
  readonly trainRows: Int32Array;
  /** Rows held out to measure fidelity, ascending. */
  readonly holdoutRows: Int32Array;
  /** Fidelity on the held-out rows. */
  readonly fidelity: MimicFidelity;
  /** Fidelity on the training rows (how well the learner could follow the model at all). */
  readonly trainFidelity: MimicFidelity;
}

const LABEL = '\u0000mimic';
const TREE_DEFAULTS = { maxDepth: 8, minSamplesLeaf: 20 };

/**
 * A global surrogate ("mimic") of a model that is expensive to call or opaque: the model is called
 * once on the rows, a built-in learner is trained on its outputs (predicted classes, positive-class
 * probabilities or values) over most of them, and its fidelity — agreement and R² against the
 * model — is measured on the rest. A tree or GBDT surrogate is then explained exactly by TreeSHAP
 * (`shapTreesFromTree`, `shapTreesFromGbdt`); what it says holds for the model as far as the
 * fidelity does.
 * @example
 * const m = await fitMimic(model, table, { learner: 'gbdt' });
 * m.fidelity; // { rows: 3256, accuracy: 0.97, r2: 0.93 }
 * treeShap(shapTreesFromGbdt(m.surrogate as GbdtModel), table);
 */
export async function fitMimic(model: Model, table: Table, options: MimicOptions = {}): Promise<MimicResult> {
  const { learner = 'gbdt', holdout = 0.2, seed = 0, sample } = options;
  if (!['tree', 'gbdt', 'logistic', 'linear'].includes(learner)) throw userError('invalid_option', `invalid learner: ${JSON.stringify(learner)} (expected tree, gbdt, logistic or linear)`, { option: 'learner' });
  if (!(holdout > 0 && holdout < 1)) throw userError('invalid_option', `invalid holdout: ${holdout} (expected a share between 0 and 1, e.g. 0.2)`, { option: 'holdout' });
  if (!Number.isInteger(seed)) throw userError('invalid_seed', `invalid seed: ${seed} (expected an integer)`, { seed });
  const features = [...(options.features ?? model.inputs.map((i) => i.name))];
  if (features.length === 0) throw userError('invalid_option', 'no features: the surrogate needs at least one column');
  for (const f of features) table.column(f);
  // The target is settled before the (expensive) model call, except whether a binary model gives scores.
  let target = chooseTarget(model, options.target, learner);
  checkLearner(learner, target, model);

  let rows: Int32Array = Int32Array.from({ length: table.rowCount }, (_, i) => i);
  let sampled: MimicResult['sample'] = null;
  if (sample !== undefined) {
    const sampleSeed = sample.seed ?? seed;
    if (!(Number.isInteger(sample.rows) && sample.rows >= 2)) throw userError('invalid_option', `invalid sample rows: ${sample.rows} (expected an integer ≥ 2)`, { option: 'sample' });
    if (sample.rows < table.rowCount) {
      rows = sampleIndices(table.rowCount, sample.rows, new Random(sampleSeed));
      sampled = { rows: sample.rows, seed: sampleSeed, of: table.rowCount };
    }
  }
  const m = rows.length;
  if (m < 2) throw userError('empty_data', `a surrogate needs at least 2 rows (one to train on, one to measure fidelity), got ${m}`);
  const data = table.select([...new Set([...features, ...model.inputs.map((i) => i.name).filter((c) => table.has(c))])]).take(rows);
  const predictions = await model.predict(data);
  if (options.target === undefined && target === 'scores' && predictions.task !== 'regression' && !predictions.scores) {
    target = 'labels';
    checkLearner(learner, target, model);
  }

  // A seeded split: a shuffle, the first round(holdout·m) rows held out (at least one each side).
  const order = Int32Array.from({ length: m }, (_, i) => i);
  const rng = new Random(seed);
  for (let i = m - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nHold = Math.min(m - 1, Math.max(1, Math.round(holdout * m)));
  const hold = order.slice(0, nHold).sort();
  const train = order.slice(nHold).sort();

  const trainTable = data.select(features).take(train).withColumn(targetColumn(predictions, target, train));
  const surrogate = fitSurrogate(learner, target, trainTable, features, predictions, seed, options);
  const score = async (local: Int32Array): Promise<MimicFidelity> => fidelity(predictions, await surrogate.predict(data.take(local)), local);
  return {
    method: 'mimic',
    learner,
    target,
    surrogate,
    features,
    seed,
    sample: sampled,
    trainRows: Int32Array.from(train, (k) => rows[k]),
    holdoutRows: Int32Array.from(hold, (k) => rows[k]),
    fidelity: await score(hold),
    trainFidelity: await score(train),
  };
}

function chooseTarget(model: Model, asked: MimicOptions['target'], learner: MimicLearner): MimicResult['target'] {
  if (asked !== undefined && asked !== 'labels' && asked !== 'scores') throw userError('invalid_option', `invalid target: ${JSON.stringify(asked)} (expected labels or scores)`, { option: 'target' });
  if (model.task === 'regression') return 'values';
  if (asked === 'scores' && model.task === 'multiclass') throw userError('invalid_option', 'target scores is for binary models; a multiclass model is mimicked on its labels', { option: 'target' });
  return asked ?? (model.task === 'binary' && learner !== 'logistic' ? 'scores' : 'labels');
}

function checkLearner(learner: MimicLearner, target: MimicResult['target'], model: Model): void {
  if (learner === 'logistic' && target !== 'labels') {
    throw userError('invalid_option', `learner logistic fits class labels; a ${model.task === 'regression' ? 'regression model' : 'score surrogate'} needs tree, gbdt or linear${model.task === 'binary' ? ' (or target labels)' : ''}`, { option: 'learner' });
  }
  if (learner === 'linear' && target === 'labels') throw userError('invalid_option', 'learner linear fits numbers; mimic class labels with tree, gbdt or logistic (or a binary model\'s scores with target scores)', { option: 'learner' });
}

/** The model's outputs on the training rows as the surrogate's label column. */
function targetColumn(p: Predictions, target: MimicResult['target'], rows: Int32Array) {
  if (p.task === 'regression') return numericColumn(LABEL, Float64Array.from(rows, (i) => p.values[i]));
  if (target === 'scores') {
    if (!p.scores) throw userError('no_scores', 'the model gives class labels only, no probabilities: mimic its labels (target labels)', { option: 'target' });
    const pos = p.scores[1];
    return numericColumn(LABEL, Float64Array.from(rows, (i) => pos[i]));
  }
  return categoricalFromCodes(LABEL, Int32Array.from(rows, (i) => p.labels[i]), p.classes);
}

function fitSurrogate(learner: MimicLearner, target: MimicResult['target'], train: Table, features: string[], p: Predictions, seed: number, o: MimicOptions): MimicResult['surrogate'] {
  const base = { label: LABEL, features };
  if (target !== 'labels' || p.task === 'regression') {
    if (learner === 'tree') return fitTree(train, { ...TREE_DEFAULTS, seed, ...o.tree, ...base, task: 'regression' });
    if (learner === 'gbdt') return fitGbdt(train, { seed, ...o.gbdt, ...base, task: 'regression' });
    return fitLinear(train, { ...o.linear, ...base });
  }
  const label = train.column(LABEL);
  const used = new Set(label.type === 'categorical' ? label.codes : []);
  if (used.size < 2) {
    const only = [...used].map((k) => JSON.stringify(p.classes[k])).join('') || 'nothing';
    throw userError('one_class', `the model predicts ${only} on every training row: a surrogate classifier needs two classes (use more rows or mimic its scores)`);
  }
  // A binary surrogate keeps the model's positive class second.
  const binary = p.task === 'binary';
  const positive = binary ? { positive: p.classes[1] } : {};
  if (learner === 'tree') return fitTree(train, { ...TREE_DEFAULTS, seed, ...o.tree, ...base, ...positive, task: 'classification' });
  if (learner === 'gbdt') return fitGbdt(train, { seed, ...o.gbdt, ...base, ...positive, task: used.size === 2 ? 'binary' : 'multiclass' });
  return used.size === 2 ? fitLogistic(train, { ...o.logistic, ...base, ...positive }) : fitMultinomial(train, { ...o.logistic, ...base });
}

/** Agreement and R² of the surrogate's predictions `s` against the model's `p` on rows `rows` (indices into `p`). */
function fidelity(p: Predictions, s: Predictions, rows: Int32Array): MimicFidelity {
  const n = rows.length;
  if (p.task === 'regression') {
    const values = s.task === 'regression' ? s.values : new Float64Array(n);
    return { rows: n, accuracy: null, r2: rSquared([Float64Array.from(rows, (i) => p.values[i])], [values]) };
  }
  const classes = p.classes;
  // The surrogate's class per row, as the model's class index (-1: a class the model does not have).
  const predicted = new Int32Array(n);
  if (s.task === 'regression') for (let r = 0; r < n; r++) predicted[r] = s.values[r] >= 0.5 ? 1 : 0;
  else {
    const index = s.classes.map((c) => classes.indexOf(c));
    for (let r = 0; r < n; r++) predicted[r] = index[s.labels[r]];
  }
  let agree = 0;
  for (let r = 0; r < n; r++) if (predicted[r] === p.labels[rows[r]]) agree++;
  let r2: number | null = null;
  if (p.scores) {
    if (s.task === 'regression') r2 = rSquared([Float64Array.from(rows, (i) => (p.scores as readonly Float64Array[])[1][i])], [s.values]);
    else if (s.scores) {
      // Binary: the positive class; multiclass: every class the model has (0 where the surrogate lacks it).
      const ks = p.task === 'binary' ? [1] : classes.map((_, k) => k);
      const model = ks.map((k) => Float64Array.from(rows, (i) => (p.scores as readonly Float64Array[])[k][i]));
      const sur = ks.map((k) => {
        const j = s.classes.indexOf(classes[k]);
        return j >= 0 ? (s.scores as readonly Float64Array[])[j] : new Float64Array(n);
      });
      r2 = rSquared(model, sur);
    }
  }
  return { rows: n, accuracy: n > 0 ? agree / n : null, r2 };
}

/** 1 − Σ(y − ŷ)² / Σ(y − ȳ)² over every pair of columns (each column centred on its own mean); null when y does not vary. */
function rSquared(y: readonly Float64Array[], yHat: readonly Float64Array[]): number | null {
  let res = 0;
  let tot = 0;
  for (let k = 0; k < y.length; k++) {
    const a = y[k];
    const b = yHat[k];
    let mean = 0;
    for (let i = 0; i < a.length; i++) mean += (a[i] - mean) / (i + 1);
    for (let i = 0; i < a.length; i++) {
      res += (a[i] - b[i]) ** 2;
      tot += (a[i] - mean) ** 2;
    }
  }
  return tot > 0 ? 1 - res / tot : null;
}
