import { readTable } from '../adapters/io/index.js';
import { parseCohortFlag } from '../cohort/index.js';
import { type CompareModel, type CompareOptions, type Comparison, comparisonDocument, compareModels, type MetricDelta } from '../compare/index.js';
import { userError } from '../errors/index.js';
import { metricInfo } from '../metrics/index.js';
import { cachedPredict } from '../model/index.js';
import { booleanColumn, numericColumn, type Table } from '../table/index.js';
import { formatOptions, numberOption, type OptionSpecs, parseArgs } from './args.js';
import { list, READ_SPECS, readOptionsFrom, splitAssignment } from './read-options.js';
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
  json: { type: 'boolean', help: 'print the comparison document on stdout (and nothing else)' },
  color: { type: 'boolean', help: 'colour terminal output (default: when stdout is a terminal)' },
};

export const COMPARE_HELP = `Usage: candor compare DATA --label L --pred NAME=COL --pred NAME=COL ... [options]

Model versions side by side on the same rows: every metric overall, per cohort and per sensitive
group, each model's difference to the baseline with a paired bootstrap interval (↑ up, ↓ down,
≈ when the interval contains 0; in colour, green is an improvement and red a regression), the change of the disparities between groups, and backward
compatibility: BTC (of the rows the baseline got right, the share the model also gets right) and
BEC (of the model's errors, the share the baseline also made).

Options:
${formatOptions(SPECS)}

Examples:
  candor compare preds.csv --label y_true --pred v1=y_pred --pred "v2=y_score >= 0.3" --sensitive race
  candor compare test.csv --label y --model v1=old.onnx --model v2=new.onnx --cohort "women=sex = 'Female'" --json`;

/** What the flags of `compare`/`gate` resolve to, before the data is read. */
export interface CompareArgs {
  data: string;
  read: ReturnType<typeof readOptionsFrom>;
  options: CompareOptions;
  /** Models to run on the rows, by name. */
  run: { name: string; spec: string }[];
  model: { features?: string[]; exclude?: string[]; mapping?: string };
  values: Record<string, unknown>;
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
  let { table } = await readTable(args.data, args.read);
  const options = { ...args.options, models: args.options.models.map((m) => ({ ...m })) };
  for (const r of args.run) table = await addModelColumns(table, r, args, options);
  return compareModels(table, options);
}

/** Scores the rows with a model: `__candor_model_NAME_pred` (predicts the positive class) and `_score`. */
async function addModelColumns(table: Table, r: { name: string; spec: string }, args: CompareArgs, options: CompareOptions): Promise<Table> {
  const { loadModel } = await import('../adapters/load-model.js');
  const exclude = args.model.exclude ?? (table.has(options.label) ? [options.label] : []);
  const model = await loadModel(r.spec, { features: args.model.features, exclude, mapping: args.model.mapping });
  const p = await cachedPredict(model, table);
  if (p.task === 'regression' || p.classes.length !== 2) throw userError('unsupported_task', `--model ${r.name}: compare handles binary classifiers for now; this model gives ${p.task === 'regression' ? 'values' : `${p.classes.length} classes`}`);
  const k = options.positive !== undefined && p.classes.includes(options.positive) ? p.classes.indexOf(options.positive) : 1;
  if (options.positive === undefined && table.has(options.label)) options.positive = p.classes[k];
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
  if (c.warnings.length) parts.push(c.warnings.map((w) => style.yellow(`warning: ${w.message}`)).join('\n'));
  return parts.join('\n\n');
}

/** `candor compare`: read, run the models, compare, print. */
export async function runCompare(argv: string[]): Promise<number> {
  const args = resolveCompareArgs(argv, SPECS, 'compare', { bootstrap: 1000 });
  const comparison = await compareFromArgs(args);
  if (args.values.json === true) process.stdout.write(`${JSON.stringify(comparisonDocument(comparison), null, 2)}\n`);
  else {
    const color = typeof args.values.color === 'boolean' ? args.values.color : Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    process.stdout.write(`${renderCompareText(comparison, makeStyle(color))}\n`);
  }
  return 0;
}
