import { resolve } from 'node:path';
import { writeFileAtomic } from '../adapters/atomic-write.js';
import { readTable } from '../adapters/io/index.js';
import { assess } from '../assess/index.js';
import { columnsOf, evaluateColumn, parseExpression } from '../cohort/index.js';
import { userError } from '../errors/index.js';
import { fitGbdt, fitLinear, fitLogistic, fitTree, toOnnx } from '../learn/index.js';
import { metricLabel } from '../assess/index.js';
import { cachedPredict, type Model, predictionColumns } from '../model/index.js';
import { Random } from '../stats/index.js';
import { booleanColumn, type Column, type Table, withMeta } from '../table/index.js';
import { formatOptions, numberOption, parseArgs, type OptionSpecs } from './args.js';
import { Progress } from './progress.js';
import { list, READ_SPECS, readOptionsFrom } from './read-options.js';
import { formatTable, makeStyle } from './text-table.js';
import { distinctValues } from '../assess/resolve.js';

/** The decision tree's limits: deep enough to be useful, leaves big enough to generalise. */
const TREE_MAX_DEPTH = 8;
const TREE_MIN_SAMPLES_LEAF = 20;

const SPECS: OptionSpecs = {
  label: { type: 'string', value: 'COL|EXPR', help: "the label column, or a boolean expression (\"income in ('>50K', '>50K.')\")" },
  model: { type: 'string', value: 'gbdt|logistic|linear|tree', help: `the learner (default gbdt; tree: one CART tree, max depth ${TREE_MAX_DEPTH}, at least ${TREE_MIN_SAMPLES_LEAF} rows per leaf)` },
  features: { type: 'string', value: 'A,B,…', help: 'the feature columns (default: every column but the label, its inputs and --exclude)' },
  exclude: { type: 'string', value: 'A,B,…', help: 'columns never used as features (ids, leaks, sensitive attributes you keep out)' },
  test: { type: 'string', value: 'FILE', help: 'evaluate on this file (default: a seeded 20% of DATA held out)' },
  'test-skip-rows': { type: 'string', value: 'N', help: 'lines to skip at the top of the --test file (default: as --skip-rows)' },
  validation: { type: 'string', value: 'P', help: 'share of DATA held out for evaluation when there is no --test (default 0.2)' },
  seed: { type: 'string', value: 'N', help: 'random seed for the split and the learner (default 0)' },
  out: { type: 'string', value: 'FILE.onnx', help: 'write the model as ONNX (one input per column; `candor assess --model` reads it)' },
  ...READ_SPECS,
};

export const TRAIN_HELP = `Usage: candor train DATA --label L [--model gbdt|logistic|linear|tree] [--exclude A,B] [--test FILE] --out model.onnx

Fits a built-in model (histogram gradient boosting, L2 logistic regression, linear regression or a
CART decision tree of depth ≤ ${TREE_MAX_DEPTH} with ≥ ${TREE_MIN_SAMPLES_LEAF} rows per leaf) on DATA, prints its metrics on held-out
rows (or --test), and writes it as an ONNX file.

Options:
${formatOptions(SPECS)}

Example:
  candor train adult.data --columns age,workclass,…,income --label "income in ('>50K', '>50K.')" --exclude fnlwgt --out adult.onnx`;

const LABEL = 'label';

/** The label as a column named `label`: the named column, or a boolean expression evaluated. */
export function labelColumn(table: Table, spec: string): Column {
  if (table.has(spec)) return withMeta(table.column(spec), { name: LABEL });
  const column = evaluateColumn(parseExpression(spec), table, LABEL);
  if (column.type !== 'boolean') throw userError('invalid_label', `--label ${JSON.stringify(spec)} is neither a column nor a condition; write a column name or e.g. "income = '>50K'"`);
  return column;
}

/** Columns the label reads: they must not be features (the label would leak into the model). */
export function labelInputs(table: Table, spec: string): string[] {
  if (table.has(spec)) return [spec];
  return columnsOf(parseExpression(spec));
}

/** `candor train`. */
export async function runTrain(argv: string[]): Promise<number> {
  const { positionals, values: v } = parseArgs(argv, SPECS, 'train');
  if (positionals.length !== 1) throw userError('invalid_arguments', `expected one data file, found ${positionals.length}${positionals.length ? `: ${positionals.join(' ')}` : ''} (see candor train --help)`);
  const labelSpec = typeof v.label === 'string' ? v.label : undefined;
  if (!labelSpec) throw userError('missing_option', 'no label: pass --label COLUMN (or a condition such as "income = \'>50K\'")');
  const kind = typeof v.model === 'string' ? v.model : 'gbdt';
  if (!['gbdt', 'logistic', 'linear', 'tree'].includes(kind)) throw userError('invalid_option', `invalid --model ${kind} (expected gbdt, logistic, linear or tree)`);
  const out = typeof v.out === 'string' ? v.out : undefined;
  if (!out || !/\.onnx$/i.test(out)) throw userError('missing_option', 'pass --out model.onnx: the model is written as ONNX');
  const seed = numberOption(v.seed as string | undefined, 'seed', { integer: true }) ?? 0;
  const validation = numberOption(v.validation as string | undefined, 'validation', { min: 0.01, max: 0.9 }) ?? 0.2;
  const read = readOptionsFrom(v);
  const progress = new Progress();

  const { table: raw } = await readTable(positionals[0], read);
  const exclude = new Set([...(list(v.exclude as string | undefined) ?? []), ...labelInputs(raw, labelSpec)]);
  const features = list(v.features as string | undefined) ?? raw.names().filter((n) => !exclude.has(n));
  for (const f of features) raw.column(f);
  if (features.length === 0) throw userError('no_features', 'no feature columns left: check --features and --exclude');
  const data = raw.select(features).withColumn(labelColumn(raw, labelSpec));

  let train = data;
  let test: Table;
  if (typeof v.test === 'string') {
    const testSkip = numberOption(v['test-skip-rows'] as string | undefined, 'test-skip-rows', { min: 0, integer: true });
    const { table: t } = await readTable(v.test, { ...read, skipRows: testSkip ?? read.skipRows });
    for (const f of features) t.column(f);
    test = t.select(features).withColumn(labelColumn(t, labelSpec));
  } else {
    // A seeded split: each row goes to the held-out set with probability `validation`.
    const random = new Random(seed);
    const held: number[] = [];
    const kept: number[] = [];
    for (let i = 0; i < data.rowCount; i++) (random.next() < validation ? held : kept).push(i);
    train = data.take(kept);
    test = data.take(held);
  }

  const label = train.column(LABEL);
  const values = distinctValues(label, new Uint8Array(train.rowCount).fill(1), 50);
  const regression = label.type === 'numeric' && (values.truncated || values.values.length > 10);
  const classification = !regression;
  if (kind === 'linear' && classification) throw userError('invalid_option', '--model linear is for a numeric label; use logistic or gbdt for classes');
  if (kind === 'logistic' && (regression || values.values.length !== 2)) throw userError('invalid_option', `--model logistic needs two classes; the label has ${values.truncated ? 'many' : values.values.length} values`);
  progress.update(0.1, `fitting ${kind}`);
  const started = Date.now();
  const task = regression ? 'regression' : values.values.length === 2 ? 'binary' : 'multiclass';
  const model =
    kind === 'gbdt'
      ? fitGbdt(train, { label: LABEL, features, task, seed })
      : kind === 'logistic'
        ? fitLogistic(train, { label: LABEL, features })
        : kind === 'tree'
          ? fitTree(train, { label: LABEL, features, task: regression ? 'regression' : 'classification', maxDepth: TREE_MAX_DEPTH, minSamplesLeaf: TREE_MIN_SAMPLES_LEAF, seed })
          : fitLinear(train, { label: LABEL, features });
  const seconds = (Date.now() - started) / 1000;
  progress.done();
  await writeFileAtomic(out, toOnnx(model, { name: kind }));

  const metrics = await evaluate(model, test);
  const style = makeStyle(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  process.stdout.write(
    `${style.bold(`Trained ${kind} (${model.task}) on ${train.rowCount.toLocaleString('en-US')} rows, ${features.length} features, in ${seconds.toFixed(2)} s`)}\n` +
      `Evaluated on ${test.rowCount.toLocaleString('en-US')} ${typeof v.test === 'string' ? `rows of ${v.test}` : `held-out rows (${Math.round(validation * 100)}%, seed ${seed})`}:\n\n` +
      `${formatTable(['metric', 'value'], metrics.map(([m, x]) => [metricLabel(m), x === null ? '—' : x.toFixed(4)]), style)}\n\n` +
      `Wrote ${resolve(out)}\n`,
  );
  return 0;
}

/** The model's metrics on `test`, through the same `assess` as everything else. */
async function evaluate(model: Model, test: Table): Promise<[string, number | null][]> {
  if (test.rowCount === 0) return [];
  const predictions = await cachedPredict(model, test);
  let scored = test;
  for (const c of predictionColumns(predictions, 'model_')) scored = scored.withColumn(c);
  if (predictions.task === 'regression') {
    const ins = assess(scored, { label: LABEL, pred: 'model_prediction', task: 'regression', bootstrap: 0 });
    return ['rmse', 'mae', 'r2'].map((m) => [m, ins.overall[m]]);
  }
  if (predictions.classes.length === 2) {
    const positive = predictions.classes[1];
    const decision = booleanColumn('model_positive', Uint8Array.from(predictions.labels, (c) => (c === 1 ? 1 : 0)));
    scored = scored.withColumn(decision);
    const ins = assess(scored, { label: LABEL, pred: 'model_positive', score: `model_probability_${positive}`, positive, task: 'binary', bootstrap: 0, curves: false });
    return ['accuracy', 'roc_auc', 'log_loss', 'precision', 'recall'].map((m) => [m, ins.overall[m]]);
  }
  const ins = assess(scored, { label: LABEL, pred: 'model_prediction', task: 'multiclass', bootstrap: 0 });
  return ['accuracy', 'f1_macro'].map((m) => [m, ins.overall[m]]);
}
