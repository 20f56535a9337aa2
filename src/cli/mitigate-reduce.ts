import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../adapters/atomic-write.js';
import { readTable } from '../adapters/io/index.js';
import { preflightTracking, recordRunFromCli, TRACK_SPECS } from '../adapters/tracker/record.js';
import { userError } from '../errors/index.js';
import { compareBeforeAfter } from '../mitigate/before-after.js';
import { assessExpected } from '../mitigate/expected-assess.js';
import {
  exponentiatedGradient,
  fitUnmitigated,
  gbdtLearner,
  gridSearch,
  linearLearner,
  logisticLearner,
  REDUCTION_CONSTRAINTS,
  reductionToOnnx,
  type ExponentiatedGradientResult,
  type GridSearchResult,
  type Learner,
  type ReductionConstraint,
  type RegressionLoss,
} from '../mitigate/reductions/index.js';
import type { MitigationResult } from '../mitigate/schema.js';
import type { Model } from '../model/index.js';
import { type Table, valueAt, withMeta } from '../table/index.js';
import { formatOptions, numberOption, parseArgs, type OptionSpecs } from './args.js';
import { fmt as fmt3, renderBeforeAfterText } from './mitigate-postprocess.js';
import { Progress } from './progress.js';
import { checkEvalLabel, checkLearnerFeatures, evalReadOptions, evalSpecs, perfectModelWarning, readEvalTable, requireEvalColumns } from './mitigate-inputs.js';
import { list, READ_SPECS, readOptionsFrom, splitAssignment } from './read-options.js';
import { formatTable, makeStyle, type Style } from './text-table.js';
import { labelColumn, labelInputs } from './train.js';

const METHODS = ['exponentiated-gradient', 'grid-search'] as const;
type Method = (typeof METHODS)[number];

const SPECS: OptionSpecs = {
  label: { type: 'string', value: 'COL|EXPR', help: "the label column, or a boolean expression (\"income in ('>50K', '>50K.')\"); numbers for bounded_group_loss" },
  sensitive: { type: 'string', value: 'A[,B]', help: 'sensitive column(s); A,B means their intersection' },
  constraint: { type: 'string', value: 'NAME', help: `${REDUCTION_CONSTRAINTS.join('|')} (default demographic_parity)` },
  method: { type: 'string', value: 'NAME', help: 'exponentiated-gradient (a randomized mixture, default) or grid-search (the best single predictor)' },
  learner: { type: 'string', value: 'NAME', help: 'logistic (default) or gbdt; for bounded_group_loss linear (default) or gbdt' },
  eps: { type: 'string', value: 'E', help: 'largest constraint violation allowed (also sets the multiplier bound 1/eps; default 0.01)' },
  'max-iter': { type: 'string', value: 'N', help: 'exponentiated gradient: iterations (default 50)' },
  eta0: { type: 'string', value: 'X', help: 'exponentiated gradient: initial learning rate (default 2)' },
  nu: { type: 'string', value: 'X', help: 'exponentiated gradient: stop at this duality gap (default: from the first fit\'s error)' },
  'grid-size': { type: 'string', value: 'N', help: 'grid search: multiplier vectors tried (default 10)' },
  'grid-limit': { type: 'string', value: 'X', help: 'grid search: largest multiplier (default 2)' },
  'constraint-weight': { type: 'string', value: 'W', help: 'grid search: weight of the violation against the error when choosing (default 0.5)' },
  'upper-bound': { type: 'string', value: 'U', help: 'bounded_group_loss: the largest mean loss allowed in any group' },
  loss: { type: 'string', value: 'squared|absolute', help: 'bounded_group_loss: the loss (default squared)' },
  positive: { type: 'string', value: 'VALUE', help: 'the label value that counts as positive (default: the last in sorted order; true for a condition)' },
  features: { type: 'string', value: 'A,B,…', help: 'the feature columns (default: every column but the label, its inputs and --exclude; the sensitive ones included)' },
  exclude: { type: 'string', value: 'A,B,…', help: 'columns never used as features (ids, leaks, sensitive attributes you keep out of the model)' },
  sweep: { type: 'string', value: 'eps=A,B,…', help: 'fit once per eps value: one model file each (FILE-eps<value>.onnx) and one before/after entry each, for the trade-off plot' },
  seed: { type: 'string', value: 'N', help: 'seed of the learner (gbdt) and of the bootstrap (default 0)' },
  out: { type: 'string', value: 'FILE.onnx', help: 'write the mitigated model as ONNX (a weighted ensemble, or the best single predictor)' },
  ...evalSpecs('compare before/after on these rows, read and checked before the fit (default: the training rows, which flatters the mitigation)'),
  report: { type: 'string', value: 'DIR', help: 'write DIR/insights.json and DIR/report.html with the before/after section' },
  bootstrap: { type: 'string', value: 'N', help: 'bootstrap resamples for the before/after intervals; 0 = none (default 1000)' },
  confidence: { type: 'string', value: 'P', help: 'confidence level of intervals (default 0.95)' },
  json: { type: 'boolean', help: 'print { reductions, mitigations: [before/after] } as JSON on stdout (and nothing else)' },
  ...READ_SPECS,
  ...TRACK_SPECS,
  color: { type: 'boolean', help: 'colour terminal output (default: when stdout is a terminal)' },
};

export const MITIGATE_REDUCE_HELP = `Usage: candor mitigate reduce TRAIN --label L --sensitive A --constraint C --out model.onnx [options]

Re-trains a built-in learner under a fairness constraint by reduction to weighted learning
(Agarwal et al., 2018; Fairlearn's ExponentiatedGradient and GridSearch): the learner is fitted
again and again on re-labelled, re-weighted rows, answering Lagrange multipliers on the
constraints. exponentiated-gradient returns a randomized mixture of those fits (its ONNX file is
the weighted ensemble: probabilities [1 − p, p] where p is the chance of a positive decision, and
the positive label when p > 0.5); grid-search returns the single fit with the best trade-off
between error and violation. Either file works with the rest of Candor (assess, explain, predict).

Constraints: demographic_parity, equalized_odds, true_positive_rate_parity,
false_positive_rate_parity, error_rate_parity (binary label), bounded_group_loss (numeric label,
with --upper-bound). The before/after compares the unconstrained learner with the mitigated model
on --eval (expected metrics for the mixture).

Options:
${formatOptions(SPECS)}

Examples:
  candor mitigate reduce adult.data --columns age,…,income --label "income in ('>50K', '>50K.')" --exclude fnlwgt \\
    --sensitive sex --constraint equalized_odds --eps 0.01 --out fair.onnx --eval adult.test --eval-skip-rows 1
  candor mitigate reduce train.csv --label y --sensitive race --constraint demographic_parity --sweep eps=0.005,0.01,0.05 --out fair.onnx --report out/`;

const CONSTRAINT_NAMES: Record<ReductionConstraint, string> = {
  demographic_parity: 'demographic parity',
  equalized_odds: 'equalized odds',
  true_positive_rate_parity: 'true positive rate parity',
  false_positive_rate_parity: 'false positive rate parity',
  error_rate_parity: 'error rate parity',
  bounded_group_loss: 'bounded group loss',
};

/** The disparity each constraint targets, for the trade-off plot. */
const DISPARITY: Record<ReductionConstraint, string> = {
  demographic_parity: 'demographic_parity_difference',
  equalized_odds: 'equalized_odds_difference',
  true_positive_rate_parity: 'equal_opportunity_difference',
  false_positive_rate_parity: 'false_positive_rate_difference',
  error_rate_parity: 'accuracy_difference',
  bounded_group_loss: 'demographic_parity_difference',
};

type Result = ExponentiatedGradientResult | GridSearchResult;

/** One fit of the reduction, as JSON. */
interface ReductionSummary {
  method: 'exponentiated_gradient' | 'grid_search';
  constraint: ReductionConstraint;
  learner: string;
  eps: number;
  out: string;
  fitSeconds: number;
  trainingRows: number;
  droppedRows: number;
  training: Result['training'];
  predictors: number;
  /** Exponentiated gradient: the mixture's members (index into all predictors found, weight). */
  mixture: { index: number; weight: number; model: string }[];
  oracleCalls: number;
  learnerFits: number;
  details: Record<string, unknown>;
}

/** The label as a column named after it (a condition: `label`). */
function trainingLabel(table: Table, spec: string): string {
  return table.has(spec) ? spec : 'label';
}

function learnerOf(name: string, regression: boolean): Learner {
  if (regression) {
    if (name === 'linear') return linearLearner();
    if (name === 'gbdt') return gbdtLearner({}, 'regression');
    throw userError('invalid_option', `invalid --learner ${JSON.stringify(name)} for bounded_group_loss (expected linear or gbdt)`, { option: 'learner' });
  }
  if (name === 'logistic') return logisticLearner();
  if (name === 'gbdt') return gbdtLearner();
  throw userError('invalid_option', `invalid --learner ${JSON.stringify(name)} (expected logistic or gbdt)`, { option: 'learner' });
}

/** `model.onnx` → `model-eps0.01.onnx` for one value of a sweep. */
function sweepPath(out: string, eps: number): string {
  const m = /\.onnx$/i.exec(out);
  const base = m ? out.slice(0, m.index) : out;
  return `${base}-eps${eps}${m ? m[0] : '.onnx'}`;
}

/** `candor mitigate reduce`. */
export async function runMitigateReduce(argv: string[]): Promise<number> {
  const { positionals, values: v } = parseArgs(argv, SPECS, 'mitigate reduce');
  if (positionals.length > 1) throw userError('invalid_arguments', `expected one training data file, found ${positionals.length}: ${positionals.join(' ')} (quote expressions that contain spaces)`);
  const data = positionals[0];
  if (!data) throw userError('missing_data', 'no training data: give one, e.g. candor mitigate reduce train.csv --label y --sensitive sex --constraint demographic_parity --out fair.onnx');
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const labelSpec = str('label');
  if (!labelSpec) throw userError('missing_option', 'no label: pass --label COLUMN (or a condition such as "income = \'>50K\'")');
  const sensitive = list(str('sensitive'));
  if (!sensitive?.length) throw userError('missing_option', 'no sensitive feature: pass --sensitive COLUMN (A,B for an intersection)');
  const out = str('out');
  if (!out || !/\.onnx$/i.test(out)) throw userError('missing_option', 'pass --out model.onnx: the mitigated model is written as ONNX');
  const constraint = (str('constraint') ?? 'demographic_parity') as ReductionConstraint;
  if (!REDUCTION_CONSTRAINTS.includes(constraint)) throw userError('invalid_option', `invalid --constraint ${JSON.stringify(constraint)} (expected ${REDUCTION_CONSTRAINTS.join(', ')})`, { option: 'constraint' });
  const method = (str('method') ?? 'exponentiated-gradient') as Method;
  if (!METHODS.includes(method)) throw userError('invalid_option', `invalid --method ${JSON.stringify(method)} (expected ${METHODS.join(' or ')})`, { option: 'method' });
  const regression = constraint === 'bounded_group_loss';
  const learnerName = str('learner') ?? (regression ? 'linear' : 'logistic');
  const seed = numberOption(str('seed'), 'seed', { integer: true }) ?? 0;
  const learner = learnerOf(learnerName, regression);
  const eps = numberOption(str('eps'), 'eps', { min: 1e-9 }) ?? 0.01;
  let epsValues = [eps];
  const sweep = str('sweep');
  if (sweep !== undefined) {
    if (str('eps') !== undefined) throw userError('invalid_option', '--eps and --sweep eps=… both set eps; give one');
    const [name, values] = splitAssignment(sweep, 'sweep', 'eps=A,B,…');
    if (name !== 'eps') throw userError('invalid_option', `invalid --sweep ${JSON.stringify(sweep)}: only eps can be swept (e.g. --sweep eps=0.005,0.01,0.05)`, { option: 'sweep' });
    epsValues = (list(values) ?? []).map((x) => numberOption(x, 'sweep', { min: 1e-9 })!);
    if (epsValues.length === 0) throw userError('invalid_option', '--sweep eps= needs at least one value (e.g. --sweep eps=0.005,0.01,0.05)', { option: 'sweep' });
  }
  const upperBound = numberOption(str('upper-bound'), 'upper-bound', { min: 0 });
  if (regression && upperBound === undefined) throw userError('missing_option', 'bounded_group_loss needs --upper-bound U: the largest mean loss allowed in any group');
  const loss = str('loss') as RegressionLoss | undefined;
  if (loss !== undefined && loss !== 'squared' && loss !== 'absolute') throw userError('invalid_option', `invalid --loss ${JSON.stringify(loss)} (expected squared or absolute)`, { option: 'loss' });
  const bootstrap = numberOption(str('bootstrap'), 'bootstrap', { min: 0, integer: true }) ?? 1000;
  const confidence = numberOption(str('confidence'), 'confidence', { min: 0.5, max: 0.999 }) ?? 0.95;
  const egOptions = {
    maxIter: numberOption(str('max-iter'), 'max-iter', { min: 1, integer: true }),
    eta0: numberOption(str('eta0'), 'eta0', { min: 1e-12 }),
    nu: numberOption(str('nu'), 'nu', { min: 0 }),
  };
  const gsOptions = {
    gridSize: numberOption(str('grid-size'), 'grid-size', { min: 1, max: 100_000, integer: true }),
    gridLimit: numberOption(str('grid-limit'), 'grid-limit', { min: 1e-12 }),
    constraintWeight: numberOption(str('constraint-weight'), 'constraint-weight', { min: 0, max: 1 }),
  };
  const read = readOptionsFrom(v);
  const evalRead = evalReadOptions(v, read);
  await preflightTracking(v);
  const progress = new Progress();

  const { table: raw } = await readTable(data, read);
  const label = trainingLabel(raw, labelSpec);
  const inputs = labelInputs(raw, labelSpec);
  const exclude = new Set([...(list(str('exclude')) ?? []), ...inputs]);
  const features = list(str('features')) ?? raw.names().filter((n) => !exclude.has(n));
  for (const f of features) raw.column(f);
  for (const s of sensitive) raw.column(s);
  if (features.length === 0) throw userError('no_features', 'no feature columns left: check --features and --exclude');
  if (features.includes(label)) throw userError('label_in_features', `the label ${JSON.stringify(label)} is also a feature: rename that column or list --features`, { column: label });
  const columns = [...new Set([...features, ...sensitive])];
  const train = raw.select(columns).withColumn(withMeta(labelColumn(raw, labelSpec), { name: label }));
  const positive = str('positive') ?? (raw.has(labelSpec) ? undefined : 'true');
  const common = { label, positive, sensitive, features, constraint, learner, upperBound, loss, seed };

  checkLearnerFeatures(train, features, learner.name, list(str('exclude')) ?? []);
  const evalPath = str('eval');
  let evaluation = train;
  if (evalPath) {
    evaluation = await readEvalTable(evalPath, evalRead);
    requireEvalColumns(evaluation, { feature: features, sensitive, label: inputs }, evalPath);
    checkEvalLabel(raw, evaluation, labelSpec, { train: data, eval: evalPath }, str('positive'));
  }

  progress.update(0.02, `fitting the unconstrained ${learner.name} model`);
  const before = fitUnmitigated(train, common);
  const beforePrediction = await before.predict(evaluation);
  const summaries: ReductionSummary[] = [];
  const mitigations: MitigationResult[] = [];
  const regressionRows: RegressionComparison[] = [];
  let lastAfter: Float64Array | null = null;
  for (const [k, e] of epsValues.entries()) {
    progress.update(0.05 + (0.9 * k) / epsValues.length, `${method} ${CONSTRAINT_NAMES[constraint]}, eps ${e}`);
    const started = performance.now();
    const result: Result = method === 'exponentiated-gradient' ? exponentiatedGradient(train, { ...common, eps: e, ...egOptions }) : gridSearch(train, { ...common, eps: e, ...gsOptions });
    const fitSeconds = (performance.now() - started) / 1000;
    const path = sweep !== undefined ? sweepPath(out, e) : out;
    await writeFileAtomic(path, reductionToOnnx(result.model, { name: method }));
    summaries.push(summarize(result, learner.name, path, fitSeconds));
    const after = await result.model.predict(evaluation);
    const name = `${method === 'exponentiated-gradient' ? 'exponentiated gradient' : 'grid search'}, ${CONSTRAINT_NAMES[constraint]}, eps ${e}`;
    if (after.task === 'regression' || beforePrediction.task === 'regression') {
      regressionRows.push(compareRegression(evaluation, labelSpec, sensitive, beforePrediction, after, name, loss ?? 'squared'));
      continue;
    }
    // P(positive) of the mixture: a sum of weights, kept inside 0..1 against rounding.
    const afterP = after.scores ? Float64Array.from(after.scores[1], (p) => Math.min(1, Math.max(0, p))) : Float64Array.from(after.labels, (c) => c);
    lastAfter = afterP;
    const compared = compareBeforeAfter(evaluation, {
      label: labelSpec,
      positive: positive ?? before.classes[1],
      task: 'binary',
      sensitive: [sensitive],
      before: { probability: Float64Array.from(beforePrediction.labels, (c) => c) },
      after: { probability: result.method === 'exponentiated_gradient' ? afterP : Float64Array.from(after.labels, (c) => c) },
      name,
      method: result.method,
      params: { constraint, eps: e, learner: learner.name, ...(result.method === 'exponentiated_gradient' ? { maxIter: result.maxIter, eta0: result.eta0, nu: result.nu } : { gridSize: result.gridSize, gridLimit: result.gridLimit, constraintWeight: result.constraintWeight }) },
      data: { file: evalPath ?? data, split: evalPath ? 'evaluation' : 'training', ...(evalPath ? {} : { note: 'evaluated on the training rows the model was fitted on (pass --eval DATA for held-out rows): the after metrics are optimistic' }) },
      disparity: DISPARITY[constraint],
      bootstrap,
      seed,
      confidence,
    });
    perfectModelWarning(compared);
    mitigations.push(compared);
  }
  progress.done();

  const reportDir = str('report');
  if (reportDir && lastAfter && mitigations.length > 0) {
    const last = summaries[summaries.length - 1];
    const which = `mitigated model${epsValues.length > 1 ? `, eps ${last.eps}` : ''}`;
    const insights = assessExpected(evaluation, lastAfter, { label: labelSpec, positive: positive ?? before.classes[1], sensitive: [sensitive], bootstrap, seed, confidence }, method === 'exponentiated-gradient' ? `${which} (expected)` : which);
    insights.source = { ...insights.source, file: evalPath ?? data };
    insights.mitigations = mitigations;
    insights.mitigation = { file: last.out, method: last.method, constraint, task: 'binary', randomized: method === 'exponentiated-gradient', mode: method === 'exponentiated-gradient' ? 'expected' : 'deterministic', seed: null, expected: null };
    await writeFileAtomic(join(reportDir, 'insights.json'), `${JSON.stringify(insights, null, 2)}\n`);
    const { writeReport } = await import('../adapters/report.js');
    const title = epsValues.length > 1 ? `${method === 'exponentiated-gradient' ? 'exponentiated gradient' : 'grid search'}, ${CONSTRAINT_NAMES[constraint]}, eps ${epsValues.join(', ')}` : mitigations[0].name;
    await writeReport(join(reportDir, 'report.html'), { insights, title: `Mitigation — ${title}` });
  }

  const document = { schemaVersion: 1, reductions: summaries, mitigations, ...(regressionRows.length ? { regression: regressionRows, ...regressionBeforeAfter(regressionRows) } : {}) };
  const modelPaths = summaries.length === 1 ? [summaries[0].out] : summaries.map((s, k) => ({ name: mitigations[k]?.name ?? regressionRows[k]?.name ?? s.out, path: s.out }));
  await recordRunFromCli(v, { kind: 'mitigate', argv: ['reduce', ...argv], dataPaths: evalPath ? [data, evalPath] : [data], modelPaths, document });
  if (v.json === true) {
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return 0;
  }
  const color = typeof v.color === 'boolean' ? v.color : Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const style = makeStyle(color);
  const parts: string[] = [];
  summaries.forEach((s, k) => {
    parts.push(renderSummary(s, style));
    if (mitigations[k]) parts.push(renderBeforeAfterText(mitigations[k], style));
    if (regressionRows[k]) parts.push(renderRegression(regressionRows[k], style));
  });
  if (mitigations.length > 1) parts.push(renderTradeoff(mitigations, epsValues, style));
  process.stdout.write(`${parts.join('\n\n')}\n`);
  process.stdout.write(`\nWrote ${summaries.map((s) => resolve(s.out)).join('\n  and ')}${reportDir && mitigations.length ? `\n  and ${resolve(reportDir, 'insights.json')}\n  and ${resolve(reportDir, 'report.html')}` : ''}\n`);
  return 0;
}

function summarize(r: Result, learner: string, out: string, fitSeconds: number): ReductionSummary {
  const mixture: ReductionSummary['mixture'] = [];
  r.predictors.forEach((p, index) => {
    if (p.weight > 0) mixture.push({ index, weight: p.weight, model: p.model });
  });
  const details: Record<string, unknown> =
    r.method === 'exponentiated_gradient'
      ? { bestGap: r.bestGap, bestIteration: r.bestIteration, lastIteration: r.lastIteration, nu: r.nu, eta0: r.eta0, maxIter: r.maxIter, B: r.B }
      : { bestIndex: r.bestIndex, gridSize: r.gridSize, gridLimit: r.gridLimit, constraintWeight: r.constraintWeight };
  return {
    method: r.method,
    constraint: r.constraint,
    learner,
    eps: r.eps,
    out,
    fitSeconds,
    trainingRows: r.trainingRows,
    droppedRows: r.droppedRows,
    training: r.training,
    predictors: r.predictors.length,
    mixture,
    oracleCalls: r.oracleCalls,
    learnerFits: r.learnerFits,
    details,
  };
}

const fmt = (x: number | null | undefined, digits = 4) => fmt3(x, digits);

function renderSummary(s: ReductionSummary, style: Style): string {
  const what = s.method === 'exponentiated_gradient' ? 'Exponentiated gradient' : 'Grid search';
  const lines = [
    style.bold(`${what}, ${CONSTRAINT_NAMES[s.constraint]}, eps ${s.eps}, ${s.learner}: fitted in ${s.fitSeconds.toFixed(2)} s on ${s.trainingRows.toLocaleString('en-US')} rows`),
    `${s.learnerFits} fits (${s.oracleCalls} best-response calls), ${s.predictors} distinct predictor${s.predictors === 1 ? '' : 's'}; ` +
      (s.method === 'exponentiated_gradient'
        ? `the mixture weighs ${s.mixture.length}: ${s.mixture.map((m) => `#${m.index} ${fmt(m.weight, 3)}`).join(', ')} (duality gap ${fmt(s.details.bestGap as number, 6)})`
        : `chose #${s.details.bestIndex as number}`),
    `training: error ${fmt(s.training.error)}, largest constraint violation ${fmt(Math.max(0, s.training.violation))}`,
  ];
  if (s.droppedRows > 0) lines.push(style.dim(`${s.droppedRows} training rows without a label were left out`));
  if (s.training.violation > 1e-6) {
    const constraints = Object.keys(s.training.gamma).length;
    const fix =
      s.method === 'grid_search'
        ? `grid search tried ${s.learnerFits} multiplier vector${s.learnerFits === 1 ? '' : 's'} for ${constraints} constraint${constraints === 1 ? '' : 's'}: a larger --grid-size (e.g. ${Math.max(100, 10 * constraints)}) or --method exponentiated-gradient can meet it`
        : `more iterations (--max-iter) or a larger --eps can meet it`;
    lines.push(style.yellow(`warning: on the training rows the model exceeds the constraint's bound (eps ${s.eps}) by ${fmt(s.training.violation)}; ${fix}`));
  }
  return lines.join('\n');
}

/** The sweep's trade-off: accuracy and the targeted disparity per eps, as the before/after tables print them. */
function renderTradeoff(results: MitigationResult[], eps: number[], style: Style): string {
  const first = results[0].tradeoff;
  const rows = [['before (unmitigated)', fmt3(first?.before.accuracy), fmt3(first?.before.disparity)], ...results.map((r, k) => [`eps ${eps[k]}`, fmt3(r.tradeoff?.after.accuracy), fmt3(r.tradeoff?.after.disparity)])];
  return `${style.bold('Trade-off')} on ${results[0].data.file ?? 'the data'}${results[0].expected ? ' (expected metrics)' : ''}\n${formatTable(['model', 'accuracy', first ? `${first.disparity} (${first.by.join(' × ')})` : 'disparity'], rows, style)}`;
}

/** Regression before/after: mean loss overall and per group (bounded group loss has no rates to compare). */
interface RegressionComparison {
  name: string;
  loss: RegressionLoss;
  /** The sensitive columns the groups are of. */
  by: string[];
  overall: { before: number; after: number; count: number };
  /** `key`: the group's values joined by " | "; `values`: by column. */
  groups: { key: string; values: Record<string, string>; before: number; after: number; count: number }[];
}

/**
 * A single regression comparison as two assessment-shaped documents (`before`, `after`: mean loss
 * overall and per group), which the run tracker files as models "before" and "after". A sweep
 * keeps its comparisons in `regression` only.
 */
function regressionBeforeAfter(rows: readonly RegressionComparison[]): Record<string, unknown> {
  if (rows.length !== 1) return {};
  const r = rows[0];
  const metric = r.loss === 'squared' ? 'mse' : 'mae';
  const side = (k: 'before' | 'after') => ({
    overall: { count: r.overall.count, [metric]: r.overall[k] },
    groups: r.groups.map((g) => ({ by: r.by, key: g.values, count: g.count, metrics: { count: g.count, [metric]: g[k] } })),
  });
  return { before: side('before'), after: side('after') };
}

function compareRegression(table: Table, labelSpec: string, sensitive: string[], before: Awaited<ReturnType<Model['predict']>>, after: Awaited<ReturnType<Model['predict']>>, name: string, loss: RegressionLoss): RegressionComparison {
  if (before.task !== 'regression' || after.task !== 'regression') throw new Error('expected regression predictions');
  const y = table.column(labelSpec);
  if (y.type !== 'numeric') throw userError('invalid_label', `bounded_group_loss needs a numeric label; ${JSON.stringify(labelSpec)} is ${y.type} in the evaluation data`);
  const cols = sensitive.map((s) => table.column(s));
  const sums = new Map<string, [number, number, number]>();
  const keys = new Map<string, Record<string, string>>();
  const total: [number, number, number] = [0, 0, 0];
  const l = (d: number) => (loss === 'squared' ? d * d : Math.abs(d));
  for (let i = 0; i < table.rowCount; i++) {
    const t = y.values[i];
    if (Number.isNaN(t)) continue;
    const values = cols.map((c) => String(valueAt(c, i)));
    const key = values.join(' | ');
    if (!keys.has(key)) keys.set(key, Object.fromEntries(sensitive.map((name, k) => [name, values[k]])));
    const s = sums.get(key) ?? [0, 0, 0];
    const lb = l(before.values[i] - t);
    const la = l(after.values[i] - t);
    s[0] += lb;
    s[1] += la;
    s[2]++;
    total[0] += lb;
    total[1] += la;
    total[2]++;
    sums.set(key, s);
  }
  const groups = [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, s]) => ({ key, values: keys.get(key)!, before: s[0] / s[2], after: s[1] / s[2], count: s[2] }));
  return { name, loss, by: sensitive, overall: { before: total[0] / total[2], after: total[1] / total[2], count: total[2] }, groups };
}

function renderRegression(r: RegressionComparison, style: Style): string {
  const rows = [['overall', r.overall.count.toLocaleString('en-US'), fmt(r.overall.before), fmt(r.overall.after)], ...r.groups.map((g) => [g.key, g.count.toLocaleString('en-US'), fmt(g.before), fmt(g.after)])];
  return `${style.bold(`Before → after: mean ${r.loss} loss`)}\n${formatTable(['scope', 'rows', 'before', 'after'], rows, style)}`;
}
