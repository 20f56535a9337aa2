import { basename, join, resolve } from 'node:path';
import { readTable } from '../adapters/io/index.js';
import { modelPositive, resolveColumn } from '../assess/resolve.js';
import { parseCohortFlag } from '../cohort/index.js';
import { type CompareModel, type CompareOptions, type Comparison, comparedRows, comparisonDocument, compareModels, type MetricDelta, type RegressionAnalysis } from '../compare/index.js';
import { userError } from '../errors/index.js';
import { metricInfo } from '../metrics/index.js';
import { cachedPredict } from '../model/index.js';
import { applyRoles, booleanColumn, inferRoles, numericColumn, type Table } from '../table/index.js';
import { formatOptions, numberOption, type OptionSpecs, parseArgs, type ParsedArgs } from './args.js';
import { list, READ_SPECS, readOptionsFrom, splitAssignment } from './read-options.js';
import { preflightTracking, recordRunFromCli, TRACK_SPECS } from '../adapters/tracker/record.js';
import { formatTable, makeStyle, type Style } from './text-table.js';

/** The flags `compare` and `gate` share. */
export const COMPARE_SPECS: OptionSpecs = {
  label: { type: 'string', value: 'COL|EXPR', help: "label column, or a boolean expression (\"income = '>50K'\")" },
  pred: { type: 'string', multiple: true, value: 'NAME=COL|EXPR', help: 'a model by its predictions: a column or a boolean expression ("v2=y_score >= 0.3")' },
  score: { type: 'string', multiple: true, value: 'NAME=COL', help: "a --pred model's score column, for ROC AUC and the other score metrics" },
  model: { type: 'string', multiple: true, value: 'NAME=FILE|URL', help: 'a model to run on the rows (.onnx, XGBoost .json, http(s)://)' },
  features: { type: 'string', value: 'A,B,…', help: 'with --model: the columns fed to a model taking one feature tensor, in order' },
  exclude: { type: 'string', value: 'A,B,…', help: 'with --model: columns never fed to it (default: the label)' },
  mapping: { type: 'string', value: 'FILE.json', help: 'with an ONNX --model: input/output names and classes the model does not declare' },
  baseline: { type: 'string', value: 'NAME', help: 'the model the others are compared with (default: the first)' },
  positive: { type: 'string', value: 'VALUE', help: 'the label value that counts as positive' },
  sensitive: { type: 'string', multiple: true, value: 'A[,B]', help: 'sensitive feature(s); A,B means their intersection; repeat for separate groupings' },
  cohort: { type: 'string', multiple: true, value: 'NAME=EXPR', help: 'a named cohort, e.g. "seniors=age > 60"' },
  where: { type: 'string', value: 'EXPR', help: 'compare only the rows where EXPR is true' },
  bootstrap: { type: 'string', value: 'N', help: 'paired bootstrap resamples for the intervals of the differences; 0 = none (default 1000)' },
  seed: { type: 'string', value: 'N', help: 'random seed (default 0)' },
  confidence: { type: 'string', value: 'P', help: 'confidence level of the intervals (default 0.95)' },
  'max-groups': { type: 'string', value: 'N', help: 'refuse sensitive columns with more distinct values (default 1000)' },
  ...READ_SPECS,
};

const SPECS: OptionSpecs = {
  ...COMPARE_SPECS,
  ...TRACK_SPECS,
  regressions: { type: 'boolean', help: "describe each model's new errors (rows the baseline got right that it gets wrong) with an error tree over the feature columns (default: on when the data has feature columns)" },
  'regression-features': { type: 'string', value: 'A,B,…', help: 'columns that tree may split on (default: all but the label, predictions, scores and ids)' },
  out: { type: 'string', value: 'DIR', help: 'write DIR/insights.json and DIR/report.html: the first candidate assessed, with a comparison section' },
  json: { type: 'boolean', help: 'print the comparison document on stdout (and nothing else)' },
  color: { type: 'boolean', help: 'colour terminal output (default: when stdout is a terminal)' },
};

export const COMPARE_HELP = `Usage: candor compare DATA --label L --pred NAME=COL --pred NAME=COL ... [options]

Model versions side by side on the same rows: every metric overall, per cohort and per sensitive
group, each model's difference to the baseline with a paired bootstrap interval (↑ up, ↓ down,
≈ when the interval contains 0; in colour, green is an improvement and red a regression), the change of the disparities between groups, and backward
compatibility: BTC (of the rows the baseline got right, the share the model also gets right) and
BEC (of the model's errors, the share the baseline also made). Score metrics (ROC AUC, average
precision, log loss, Brier score) get intervals when the baseline and the model both have --score.

Where the regressions are: on the rows the baseline got right, an error tree over the other columns
predicts which ones the model now gets wrong (its "new errors"); the cohorts where that happens
most often are listed with their regression rate (1 − BTC there) against the overall one. On by
default when the data has feature columns (it costs one small tree per model, and answers the
question a comparison is for); --no-regressions skips it.

Options:
${formatOptions(SPECS)}

Examples:
  candor compare preds.csv --label y_true --pred v1=y_pred --pred "v2=y_score >= 0.3" --sensitive race
  candor compare test.csv --label y --model v1=old.onnx --model v2=new.onnx --cohort "women=sex = 'Female'" --json
  candor compare preds.csv --label y --pred v1=a --score v1=sa --pred v2=b --score v2=sb --out report/`;

/** What the flags of `compare`/`gate` resolve to, before the data is read. */
export interface CompareArgs {
  data: string;
  read: ReturnType<typeof readOptionsFrom>;
  options: CompareOptions;
  /** Models to run on the rows, by name. */
  run: { name: string; spec: string }[];
  model: { features?: string[]; exclude?: string[]; mapping?: string };
  values: ParsedArgs['values'];
}

/** Parses the flags `compare` and `gate` share. */
export function resolveCompareArgs(argv: string[], specs: OptionSpecs, command: string, defaults: { bootstrap: number }): CompareArgs {
  const { positionals, values: v } = parseArgs(argv, specs, command);
  if (positionals.length !== 1) throw userError('invalid_arguments', positionals.length ? `expected one data file, found ${positionals.length}: ${positionals.join(' ')} (quote expressions that contain spaces)` : `no data file: give one, e.g. candor ${command} preds.csv --label y --pred v1=a --pred v2=b`);
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const label = str('label');
  if (!label) throw userError('missing_option', 'no label: pass --label COLUMN (or a boolean expression)');
  const names: string[] = [];
  const models: CompareModel[] = [];
  const run: CompareArgs['run'] = [];
  const add = (name: string) => {
    if (names.includes(name)) throw userError('invalid_option', `model name used twice: ${JSON.stringify(name)}`);
    names.push(name);
  };
  for (const p of (v.pred as string[] | undefined) ?? []) {
    const [name, pred] = splitAssignment(p, 'pred', 'NAME=COLUMN or NAME=EXPRESSION, e.g. v1=y_pred');
    add(name);
    models.push({ name, pred });
  }
  for (const m of (v.model as string[] | undefined) ?? []) {
    const [name, spec] = splitAssignment(m, 'model', 'NAME=FILE or NAME=URL, e.g. v2=model.onnx');
    add(name);
    run.push({ name, spec });
    models.push({ name, pred: `__candor_model_${name}_pred` });
  }
  for (const sc of (v.score as string[] | undefined) ?? []) {
    const [name, score] = splitAssignment(sc, 'score', 'NAME=COLUMN');
    const m = models.find((x) => x.name === name);
    if (!m) throw userError('invalid_option', `--score ${sc}: no model named ${JSON.stringify(name)} (models are ${names.join(', ') || 'none'})`);
    m.score = score;
  }
  if (models.length === 0) throw userError('missing_option', 'no models: pass --pred NAME=COL (or --model NAME=FILE) once per model');
  const options: CompareOptions = {
    label,
    models,
    baseline: str('baseline'),
    positive: str('positive'),
    sensitive: ((v.sensitive as string[] | undefined) ?? []).map((s) => list(s)!),
    cohorts: ((v.cohort as string[] | undefined) ?? []).map(parseCohortFlag),
    where: str('where'),
    bootstrap: numberOption(str('bootstrap'), 'bootstrap', { min: 0, integer: true }) ?? defaults.bootstrap,
    seed: numberOption(str('seed'), 'seed', { integer: true }),
    confidence: numberOption(str('confidence'), 'confidence', { min: 0.5, max: 0.999 }),
    maxGroups: numberOption(str('max-groups'), 'max-groups', { min: 1, integer: true }),
  };
  if (options.baseline !== undefined && !names.includes(options.baseline)) throw userError('invalid_option', `unknown --baseline ${JSON.stringify(options.baseline)} (models are ${names.join(', ')})`);
  return { data: positionals[0], read: readOptionsFrom(v), options, run, model: { features: list(str('features')), exclude: list(str('exclude')), mapping: str('mapping') }, values: v };
}

/** Reads the data, runs the `--model` models on it and compares. */
export async function compareFromArgs(args: CompareArgs): Promise<Comparison> {
  return (await compareData(args)).comparison;
}

/** {@link compareFromArgs}, with the table it compared (model columns added) and the options it used. */
async function compareData(args: CompareArgs): Promise<{ comparison: Comparison; table: Table; options: CompareOptions; rowsRead: number }> {
  const read = await readTable(args.data, args.read);
  let table = read.table;
  const options = { ...args.options, models: args.options.models.map((m) => ({ ...m })) };
  for (const r of args.run) table = await addModelColumns(table, r, args, options);
  // Identifiers and scores are never default features of the regression tree: take the roles their names and values suggest.
  if (options.regressions && !(typeof options.regressions === 'object' && options.regressions.features)) {
    table = applyRoles(table, inferRoles(table).filter((p) => p.source !== 'default' && (p.role === 'id' || p.role === 'score')));
  }
  return { comparison: compareModels(table, options), table, options, rowsRead: read.report.rowsRead };
}

/** Scores the rows with a model: `__candor_model_NAME_pred` (predicts the positive class) and `_score`. */
async function addModelColumns(table: Table, r: { name: string; spec: string }, args: CompareArgs, options: CompareOptions): Promise<Table> {
  const { loadModel } = await import('../adapters/load-model.js');
  const exclude = args.model.exclude ?? (table.has(options.label) ? [options.label] : []);
  const model = await loadModel(r.spec, { features: args.model.features, exclude, mapping: args.model.mapping });
  const p = await cachedPredict(model, table);
  if (p.task === 'regression' || p.classes.length !== 2) throw userError('unsupported_task', `--model ${r.name}: compare handles binary classifiers for now; this model gives ${p.task === 'regression' ? 'values' : `${p.classes.length} classes`}`);
  // The label's positive value names the model's class, except a condition's (or boolean column's) true side, which names none.
  const labelColumn = resolveColumn(table, options.label, 'label');
  const k = modelPositive(p.classes, labelColumn, options.positive).index;
  if (options.positive === undefined && labelColumn.type !== 'boolean' && table.has(options.label)) options.positive = p.classes[k];
  let out = table.withColumn(booleanColumn(`__candor_model_${r.name}_pred`, Uint8Array.from(p.labels, (c) => (c < 0 ? 255 : c === k ? 1 : 0))));
  if (p.scores) {
    out = out.withColumn(numericColumn(`__candor_model_${r.name}_score`, p.scores[k]));
    const m = options.models.find((x) => x.name === r.name)!;
    m.score ??= `__candor_model_${r.name}_score`;
  }
  return out;
}

/** The metrics shown in the text tables (every metric is in --json). */
const SHOWN = ['accuracy', 'balanced_accuracy', 'precision', 'recall', 'false_positive_rate', 'false_negative_rate', 'selection_rate', 'f1', 'roc_auc'];
const MARK = { up: '↑', down: '↓', same: '≈' } as const;

const num = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(3));
const signed = (v: number | null) => (v === null ? '—' : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}`);

/** A delta as `+0.012 ↑ [+0.004, +0.020]`, green when the change is an improvement, red when it is a regression. */
export function formatDelta(d: MetricDelta | undefined, style: Style, higherIsBetter: boolean | null = null): string {
  if (!d || d.value === null) return '—';
  const mark = d.mark ? ` ${MARK[d.mark]}` : '';
  const text = `${signed(d.value)}${mark}${d.interval ? ` [${signed(d.interval[0])}, ${signed(d.interval[1])}]` : ''}`;
  if (higherIsBetter === null || d.mark === null || d.mark === 'same') return text;
  return (d.mark === 'up') === higherIsBetter ? style.green(text) : style.red(text);
}

/** The comparison as text: one table per scope, then disparities and backward compatibility. */
export function renderCompareText(c: Comparison, style: Style): string {
  const candidates = c.models.map((m) => m.name).filter((n) => n !== c.baseline);
  const header = ['metric', ...c.models.map((m) => (m.name === c.baseline ? `${m.name} (baseline)` : m.name)), ...candidates.map((n) => `Δ ${n}`)];
  const block = (title: string, s: Comparison['overall']) => {
    const rows = SHOWN.filter((id) => id in (s.metrics[c.baseline] ?? {})).map((id) => [id, ...c.models.map((m) => num(s.metrics[m.name]?.[id])), ...candidates.map((n) => formatDelta(s.deltas[n]?.[id], style, metricInfo(id)?.higherIsBetter ?? null))]);
    return `${style.bold(title)} (${s.count.toLocaleString('en-US')} rows)\n${rows.length ? formatTable(header, rows, style) : '  no rows'}`;
  };
  const parts = [
    `${c.models.length} models on ${c.rows.toLocaleString('en-US')} rows; baseline ${c.baseline}; ${c.config.bootstrap > 0 ? `${Math.round(c.config.confidence * 100)}% paired bootstrap intervals (${c.config.bootstrap} resamples, seed ${c.config.seed}); ↑/↓ the interval excludes 0, ≈ it contains 0` : 'no intervals (--bootstrap 0)'}`,
    block('All rows', c.overall),
    ...c.cohorts.map((x) => block(`Cohort ${x.name}: ${x.expression}`, x)),
    ...c.groups.map((g) => block(`${g.by.join(' × ')} = ${g.by.map((b) => g.key[b]).join(' | ')}`, g)),
  ];
  const disparities = c.disparities.filter((d) => SHOWN.includes(d.metric));
  if (disparities.length && candidates.length) {
    const rows = disparities.map((d) => [d.by.join(' × '), d.metric, ...c.models.map((m) => num(d.values[m.name]?.ratio)), ...candidates.map((n) => formatDelta(d.deltas[n]?.ratio, style, true))]);
    parts.push(`${style.bold('Disparities: ratio between groups (min / max)')}\n${formatTable(['by', 'metric', ...c.models.map((m) => m.name), ...candidates.map((n) => `Δ ${n}`)], rows, style)}`);
  }
  if (c.compatibility.length) {
    const rows = c.compatibility.map((x) => [x.cohort ?? (x.group ? Object.values(x.group).join(' | ') : 'all rows'), `${x.model} vs ${x.baseline}`, num(x.btc), num(x.bec), String(x.newErrors), String(x.count)]);
    parts.push(`${style.bold('Backward compatibility')} (BTC: of the rows the baseline got right, the share the model also gets right; BEC: of the model's errors, the share the baseline also made)\n${formatTable(['rows', 'models', 'BTC', 'BEC', 'new errors', 'n'], rows, style)}`);
  }
  if (c.regressions?.length) parts.push(renderRegressionsText(c.regressions, style));
  if (c.warnings.length) parts.push(c.warnings.map((w) => style.yellow(`warning: ${w.message}`)).join('\n'));
  return parts.join('\n\n');
}

/** The new-errors analyses as text: per candidate, the overall regression rate and the top cohorts. */
export function renderRegressionsText(regressions: readonly RegressionAnalysis[], style: Style): string {
  const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
  return regressions
    .map((r) => {
      const head = `${style.bold(`Where ${r.model} breaks what ${r.baseline} got right`)} (new errors: ${r.newErrors.toLocaleString('en-US')} of the ${r.rows.toLocaleString('en-US')} rows ${r.baseline} got right, ${pct(r.regressionRate)}; error tree over ${r.features.length ? r.features.join(', ') : 'no features'})`;
      if (r.cohorts.length === 0) {
        const why = r.features.length === 0 ? 'no feature columns to split on' : r.newErrors === 0 ? 'there are none' : `no cohort of at least ${r.minRows} rows stands out`;
        return `${head}\n  ${why}${r.warnings.length ? `\n${r.warnings.map((w) => style.yellow(`  warning: ${w.message}`)).join('\n')}` : ''}`;
      }
      const rows = r.cohorts.map((c, k) => [String(k + 1), c.rows.toLocaleString('en-US'), c.newErrors.toLocaleString('en-US'), `${pct(c.regressionRate)}${c.ci ? ` [${pct(c.ci[0])}, ${pct(c.ci[1])}]` : ''}`, c.lift === null ? '—' : `${c.lift.toFixed(2)}×`, pct(c.coverage), c.expression]);
      const note = style.dim(`  regression rate: of the cohort's rows ${r.baseline} got right, the share ${r.model} gets wrong (1 − BTC there), ${Math.round(r.confidence * 100)}% Wilson interval; lift: against the overall ${pct(r.regressionRate)}; share: of all new errors`);
      return `${head}\n${note}\n${formatTable(['#', `${r.baseline} right`, 'new errors', 'regression rate', 'lift', 'share', 'cohort'], rows, style)}`;
    })
    .join('\n\n');
}

/** Writes `insights.json` and `report.html` into `dir`: the first candidate assessed on the compared rows, with the comparison attached. */
async function writeCompareOutputs(dir: string, data: string, table: Table, options: CompareOptions, comparison: Comparison, rowsRead: number): Promise<void> {
  const [{ assess }, { writeFileAtomic }, { loadReportClient }, { encodeTable }, { renderReport }, { REPORT_MAX_ROWS }] = await Promise.all([
    import('../assess/index.js'),
    import('../adapters/atomic-write.js'),
    import('../adapters/report.js'),
    import('../report/embed.js'),
    import('../report/html.js'),
    import('../adapters/outputs.js'),
  ]);
  const paired = comparedRows(table, options);
  const indices: number[] = [];
  for (let i = 0; i < paired.length; i++) if (paired[i]) indices.push(i);
  const rows = table.take(indices);
  const model = options.models.find((m) => m.name !== comparison.baseline) ?? options.models[0];
  const assessOptions = { label: options.label, pred: model.pred, score: model.score, positive: options.positive, where: options.where, sensitive: options.sensitive, cohorts: options.cohorts, bootstrap: options.bootstrap, seed: options.seed, confidence: options.confidence, maxGroups: options.maxGroups };
  const insights = assess(rows, assessOptions);
  insights.config = { ...insights.config, model: model.name };
  insights.source = { ...insights.source, file: data, rowsRead };
  insights.comparison = comparisonDocument(comparison);
  await writeFileAtomic(join(dir, 'insights.json'), `${JSON.stringify(insights, null, 2)}\n`);
  const html = renderReport({ insights, data: encodeTable(rows, { maxRows: REPORT_MAX_ROWS, seed: options.seed ?? 0, options: assessOptions }), clientScript: await loadReportClient(), title: `Model comparison — ${basename(data)}` });
  await writeFileAtomic(join(dir, 'report.html'), html);
}

/** `candor compare`: read, run the models, compare, print. */
export async function runCompare(argv: string[]): Promise<number> {
  const args = resolveCompareArgs(argv, SPECS, 'compare', { bootstrap: 1000 });
  const v = args.values;
  const features = list(typeof v['regression-features'] === 'string' ? v['regression-features'] : undefined);
  if (v.regressions === false && features) throw userError('invalid_option', '--regression-features names the columns of the regression tree, which --no-regressions turns off: give one or the other');
  // Asked for (a flag or its features): reported even when it finds nothing; by default, only when there are features.
  const asked = v.regressions === true || features !== undefined;
  if (v.regressions !== false) args.options.regressions = features ? { features } : true;
  await preflightTracking(v);
  const { comparison, table, options, rowsRead } = await compareData(args);
  if (!asked && comparison.regressions?.every((r) => r.features.length === 0)) delete comparison.regressions;
  const out = typeof v.out === 'string' ? v.out : undefined;
  if (out) await writeCompareOutputs(out, args.data, table, options, comparison, rowsRead);
  const document = comparisonDocument(comparison);
  const modelPaths = args.run.map((m) => ({ name: m.name, path: m.spec }));
  await recordRunFromCli(v, { kind: 'compare', argv, dataPaths: [args.data], modelPaths, document });
  if (v.json === true) process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  else {
    const color = typeof v.color === 'boolean' ? v.color : Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    const style = makeStyle(color);
    process.stdout.write(`${renderCompareText(comparison, style)}\n`);
    if (out) process.stdout.write(`\nWrote ${resolve(out, 'insights.json')}\n  and ${resolve(out, 'report.html')}\n`);
  }
  return 0;
}
