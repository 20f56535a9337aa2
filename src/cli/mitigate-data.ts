import { mkdir } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../adapters/atomic-write.js';
import { type ReadOptions, readTable, writeTableCsv, writeTableParquet } from '../adapters/io/index.js';
import { preflightTracking, recordRunFromCli, TRACK_SPECS } from '../adapters/tracker/record.js';
import { assess } from '../assess/index.js';
import { columnsOf, evaluateColumn, evaluateMask, parseExpression } from '../cohort/index.js';
import { isUserError, userError } from '../errors/index.js';
import { classTarget } from '../learn/target.js';
import { fitGbdt, fitLogistic, toOnnx, type ExportableModel } from '../learn/index.js';
import {
  applyCorrelationRemover,
  type CellCount,
  indicatorCorrelations,
  perCohortModel,
  removeCorrelation,
  resample,
  reweigh,
  smote,
  type ResampleResult,
} from '../mitigate/data/index.js';
import { compareBeforeAfter } from '../mitigate/before-after.js';
import type { MitigationResult } from '../mitigate/schema.js';
import type { Model } from '../model/index.js';
import { booleanColumn, categoricalFromCodes, type Column, numericColumn, type Table } from '../table/index.js';
import { formatOptions, numberOption, parseArgs, type OptionSpecs, type ParsedArgs } from './args.js';
import { Progress } from './progress.js';
import { checkEvalLabel, checkLearnerFeatures, evalReadOptions, evalSpecs, perfectModelWarning, readEvalTable, requireEvalColumns } from './mitigate-inputs.js';
import { list, READ_SPECS, readOptionsFrom } from './read-options.js';
import { renderBeforeAfterText } from './mitigate-postprocess.js';
import { formatTable, makeStyle, type Style } from './text-table.js';

/** The name of the label when it is a condition (evaluated into a column), and of learners' label. */
const LABEL = '__candor_label__';
const WEIGHT = '__candor_weight__';

const COMMON: OptionSpecs = {
  label: { type: 'string', value: 'COL|EXPR', help: "the label column, or a boolean expression (\"income in ('>50K', '>50K.')\")" },
  sensitive: { type: 'string', value: 'A,B,…', help: 'sensitive columns; several mean their intersection' },
  cohort: { type: 'string', value: 'EXPR', help: "change only the rows where this expression is true (e.g. \"age < 30 and region = 'South'\")" },
  out: { type: 'string', value: 'FILE', help: 'where to write the result: .csv or .parquet' },
  seed: { type: 'string', value: 'N', help: 'random seed (default 0)' },
  exclude: { type: 'string', value: 'A,B,…', help: 'columns never used as features (ids, leaks)' },
  'train-learner': { type: 'string', value: 'logistic|gbdt', help: 'also train this learner before and after the mitigation and compare them on --eval' },
  ...evalSpecs('data to compare the learner before and after on (with --train-learner), read and checked before anything is fitted'),
  bootstrap: { type: 'string', value: 'N', help: 'paired bootstrap resamples for the before/after intervals (default 1000; 0 = none)' },
  report: { type: 'string', value: 'DIR', help: 'with --eval: write DIR/insights.json and DIR/report.html with the before/after section' },
  json: { type: 'boolean', help: 'print what was done (and the before/after comparisons) as JSON on stdout, and nothing else' },
  ...READ_SPECS,
  ...TRACK_SPECS,
};

const REWEIGH_SPECS: OptionSpecs = {
  ...COMMON,
  'weight-column': { type: 'string', value: 'NAME', help: 'name of the weight column written (default weight)' },
  'sample-weight': { type: 'string', value: 'COL', help: 'existing sample weights that the new weights multiply' },
  'weights-only': { type: 'boolean', help: 'write only the weight column, one row per input row' },
};

const RESAMPLE_SPECS: OptionSpecs = {
  ...COMMON,
  method: { type: 'string', value: 'over|under|smote|smote-nc', help: 'copy rows, drop rows, or make synthetic rows (default over)' },
  balance: { type: 'string', value: 'labels|groups', help: 'equal classes within each group, or equal group sizes (default labels)' },
  ratio: { type: 'string', value: 'R', help: 'in (0, 1]: oversampling grows each unit to ≥ round(R × largest) rows, undersampling shrinks it to ≤ round(smallest / R) (default 1, equal)' },
  k: { type: 'string', value: 'K', help: 'SMOTE: neighbours per row (default 5)' },
  features: { type: 'string', value: 'A,B,…', help: 'SMOTE: the columns synthetic rows are built from, and the features of --train-learner (default: all but the label, sensitive and --exclude)' },
};

const CORRELATION_SPECS: OptionSpecs = {
  ...COMMON,
  alpha: { type: 'string', value: 'A', help: 'share of the correlation removed, 0..1 (default 1)' },
  features: { type: 'string', value: 'A,B,…', help: 'numeric columns to filter (default: every numeric column but the label, sensitive and --exclude)' },
  'keep-sensitive': { type: 'boolean', help: 'keep the sensitive columns in the output (Fairlearn drops them)' },
};

const COHORT_MODEL_SPECS: OptionSpecs = {
  ...Object.fromEntries(Object.entries(COMMON).filter(([k]) => k !== 'train-learner')),
  learner: { type: 'string', value: 'gbdt|logistic', help: 'the learner of both models (default gbdt)' },
  features: { type: 'string', value: 'A,B,…', help: 'feature columns (default: all but the label, sensitive and --exclude)' },
  out: { type: 'string', value: 'FILE.json', help: 'the manifest; the two ONNX models are written beside it' },
};

/** A verb's own options (those not shared by every data mitigation). */
function only(specs: OptionSpecs): OptionSpecs {
  return Object.fromEntries(Object.entries(specs).filter(([k]) => !(k in COMMON)));
}

export const MITIGATE_DATA_HELP = `Data mitigations: change the training data, then train on it.

Usage:
  candor mitigate reweigh DATA --label L --sensitive A [--cohort EXPR] --out FILE
  candor mitigate resample DATA --label L [--sensitive A] [--method over|under|smote|smote-nc] [--balance labels|groups] --out FILE
  candor mitigate correlation-remover DATA --label L --sensitive A [--alpha 1] --out FILE
  candor mitigate cohort-model DATA --label L --cohort EXPR [--learner gbdt|logistic] --out model.json

reweigh      Kamiran & Calders' reweighing: weight P(g)P(y)/P(g,y) per (group, label) cell, so that
             group and label are independent in the weighted data. Writes DATA with a weight column.
resample     random over- or undersampling, or SMOTE / SMOTE-NC synthetic rows, per (group, label)
             cell: equal classes within each group (--balance labels) or equal groups (--balance groups).
correlation-remover
             Fairlearn's CorrelationRemover: removes from each numeric feature its linear dependence
             on the sensitive columns (one indicator per value); alpha 1 removes it all.
cohort-model trains one model on the cohort and one on the other rows, and writes both as ONNX with a
             JSON manifest that --model reads like any model.

With --cohort, only rows inside the cohort change (and balance is the cohort's). With
--train-learner logistic|gbdt --eval TEST, a learner is trained on the data before and after and
compared on TEST (sensitive columns are not features; after SMOTE, only the SMOTE features, the
columns synthetic rows have). TEST is read and checked first, with its own --eval-skip-rows.

Options of every data mitigation:
${formatOptions(COMMON)}

Options of reweigh:
${formatOptions(only(REWEIGH_SPECS))}

Options of resample:
${formatOptions(only(RESAMPLE_SPECS))}

Options of correlation-remover:
${formatOptions(only(CORRELATION_SPECS))}

Options of cohort-model (with --eval, it is compared with one model for all rows; no --train-learner):
${formatOptions({ ...only(COHORT_MODEL_SPECS), out: COHORT_MODEL_SPECS.out })}

Examples:
  candor mitigate resample adult.data --columns age,…,income --label "income = '>50K'" --sensitive sex \\
    --method smote-nc --cohort "age < 30" --out adult-smote.csv
  candor mitigate reweigh adult.data --columns age,…,income --label "income in ('>50K', '>50K.')" --sensitive sex \\
    --exclude fnlwgt --out weighted.csv --train-learner logistic --eval adult.test --eval-skip-rows 1 --report out/`;

/** Where a verb prints its summary: standard output, or a collector in tests. */
export interface Output {
  write(text: string): unknown;
}

/** The parsed pieces every data-mitigation verb shares. */
interface Common {
  values: ParsedArgs['values'];
  data: string;
  labelSpec: string;
  sensitive: string[];
  cohort: string | undefined;
  out: string;
  seed: number;
  exclude: string[];
  learner: 'logistic' | 'gbdt' | undefined;
  /** Read options of DATA, and of --eval. */
  read: ReadOptions;
  evalRead: ReadOptions;
  style: Style;
  output: Output;
}

function common(argv: string[], specs: OptionSpecs, verb: string, outForm: RegExp, outHelp: string, output: Output): Common {
  const { positionals, values: v } = parseArgs(argv, specs, `mitigate ${verb}`);
  if (positionals.length !== 1) throw userError('invalid_arguments', `expected one data file, found ${positionals.length}${positionals.length ? `: ${positionals.join(' ')}` : ''} (see candor mitigate --help)`);
  const labelSpec = typeof v.label === 'string' ? v.label : undefined;
  if (!labelSpec) throw userError('missing_option', 'no label: pass --label COLUMN (or a condition such as "income = \'>50K\'")');
  const out = typeof v.out === 'string' ? v.out : undefined;
  if (!out) throw userError('missing_option', `no output: pass --out ${outHelp}`);
  if (!outForm.test(out)) throw userError('invalid_option', `--out ${out}: the file must end in ${outHelp}`);
  const learnerText = v['train-learner'] ?? v.learner;
  if (learnerText !== undefined && learnerText !== 'logistic' && learnerText !== 'gbdt') throw userError('invalid_option', `invalid learner: ${JSON.stringify(learnerText)} (expected logistic or gbdt)`);
  if (v['train-learner'] !== undefined && typeof v.eval !== 'string') throw userError('missing_option', '--train-learner compares the learner before and after on held-out data: pass --eval TEST');
  const compares = verb === 'cohort-model' || v['train-learner'] !== undefined;
  if (typeof v.eval === 'string' && !compares) throw userError('missing_option', '--eval is where the learner is compared before and after: add --train-learner logistic|gbdt');
  if (v.report !== undefined && (typeof v.eval !== 'string' || !compares)) throw userError('missing_option', `--report writes the before/after comparison: pass --eval TEST${verb === 'cohort-model' ? '' : ' and --train-learner logistic|gbdt'}`);
  const read = readOptionsFrom(v);
  return {
    values: v,
    data: positionals[0],
    labelSpec,
    sensitive: list(v.sensitive as string | undefined) ?? [],
    cohort: typeof v.cohort === 'string' ? v.cohort : undefined,
    out,
    seed: numberOption(v.seed as string | undefined, 'seed', { integer: true }) ?? 0,
    exclude: list(v.exclude as string | undefined) ?? [],
    learner: learnerText as Common['learner'],
    read,
    evalRead: evalReadOptions(v, read),
    style: makeStyle(output === process.stdout && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR),
    output,
  };
}

/**
 * Reads --eval (when a learner is compared) and checks it against the training rows — the
 * columns the learner and the comparison read, the label's spelling, the learner's features —
 * before anything is fitted.
 */
async function prepareEval(c: Common, raw: Table, features: readonly string[], learner = c.learner): Promise<Table | undefined> {
  const path = typeof c.values.eval === 'string' ? c.values.eval : undefined;
  if (learner) checkLearnerFeatures(raw, features, learner, c.exclude);
  if (!path) return undefined;
  const test = await readEvalTable(path, c.evalRead);
  const labelInputs = raw.has(c.labelSpec) ? [c.labelSpec] : columnsOf(parseExpression(c.labelSpec));
  requireEvalColumns(test, { feature: features, sensitive: c.sensitive, label: labelInputs, '--cohort': c.cohort ? columnsOf(parseExpression(c.cohort)) : [] }, path);
  checkEvalLabel(raw, test, c.labelSpec, { train: c.data, eval: path });
  return test;
}

/**
 * Records the run when asked (--track, --store…) and prints the JSON document (--json) or the text.
 * `document` is what --json prints; `artifacts` the files written.
 */
async function finish(c: Common, argv: readonly string[], verb: string, text: string, document: Record<string, unknown>, artifacts: string[]): Promise<number> {
  const evalPath = typeof c.values.eval === 'string' ? c.values.eval : undefined;
  const full = { schemaVersion: 1, method: verb, data: c.data, out: c.out, ...document };
  await recordRunFromCli(c.values, { kind: 'mitigate', argv: [verb, ...argv], dataPaths: evalPath ? [c.data, evalPath] : [c.data], modelPaths: artifacts, document: full });
  c.output.write(c.values.json === true ? `${JSON.stringify(full, null, 2)}\n` : text);
  return 0;
}

/** The label as a column of `table`: the named column, or a condition evaluated into {@link LABEL}. */
function withLabel(table: Table, spec: string): { table: Table; label: string; inputs: string[] } {
  if (table.has(spec)) return { table, label: spec, inputs: [spec] };
  const column = evaluateColumn(parseExpression(spec), table, LABEL);
  if (column.type !== 'boolean') throw userError('invalid_label', `--label ${JSON.stringify(spec)} is neither a column nor a condition; write a column name or e.g. "income = '>50K'"`);
  return { table: table.withColumn(column), label: LABEL, inputs: columnsOf(parseExpression(spec)) };
}

function dropTemporary(table: Table): Table {
  return table.has(LABEL) ? table.select(table.names().filter((n) => n !== LABEL)) : table;
}

async function writeData(table: Table, out: string): Promise<void> {
  await mkdir(dirname(resolve(out)), { recursive: true });
  if (/\.parquet$/i.test(out)) await writeTableParquet(table, out);
  else await writeTableCsv(table, out);
}

const count = (n: number) => n.toLocaleString('en-US');
const fixed = (x: number | null) => (x === null ? '—' : x.toFixed(4));

function renderCells(cells: readonly CellCount[], style: Style): string {
  return formatTable(
    ['group', 'label', 'rows before', 'rows after', 'change'],
    cells.map((c) => [c.group, c.label, count(c.before), count(c.after), c.after === c.before ? '—' : `${c.after > c.before ? '+' : '−'}${count(Math.abs(c.after - c.before))}`]),
    style,
  );
}

function renderWarnings(warnings: readonly string[]): string {
  return warnings.length ? `\nWarnings:\n${[...new Set(warnings)].map((w) => `  - ${w}`).join('\n')}\n` : '';
}

/** The rows a mitigation changes: `all 32,561 rows`, or `the 5,570 rows inside the cohort age < 25 (of 32,561)`. */
function scopeText(c: Common, rows: number, total: number): string {
  return c.cohort ? `the ${count(rows)} rows inside the cohort ${c.cohort} (of ${count(total)})` : `all ${count(total)} rows`;
}

/** A SMOTE or learner error with the flag that fixes it. */
function withFlagHint<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!isUserError(e)) throw e;
    const hint = { k_too_large: ' (pass --k)', missing_values: ' (choose them with --features, or --exclude COLUMN)', invalid_feature: ' (choose them with --features, or --exclude COLUMN)' }[e.code];
    if (!hint) throw e;
    throw userError(e.code, `${e.message}${hint}`, e.details, e);
  }
}

/** `candor mitigate reweigh`. */
export async function runMitigateReweigh(argv: string[], output: Output = process.stdout): Promise<number> {
  const c = common(argv, REWEIGH_SPECS, 'reweigh', /\.(csv|parquet)$/i, 'weighted.csv or weighted.parquet', output);
  if (c.sensitive.length === 0) throw userError('missing_option', 'reweighing balances labels across sensitive groups: pass --sensitive COLUMN');
  const weightColumn = typeof c.values['weight-column'] === 'string' ? c.values['weight-column'] : 'weight';
  const sampleWeight = typeof c.values['sample-weight'] === 'string' ? c.values['sample-weight'] : undefined;
  await preflightTracking(c.values);
  const { table: raw } = await readTable(c.data, c.read);
  if (raw.has(weightColumn) && weightColumn !== sampleWeight) {
    throw userError('column_exists', `the data already has a column ${JSON.stringify(weightColumn)}; choose another name with --weight-column (or pass --sample-weight ${weightColumn} to multiply it)`, { column: weightColumn });
  }
  const { table, label, inputs } = withLabel(raw, c.labelSpec);
  const features = c.learner ? learnerFeatures(table, inputs, c, [label, weightColumn, ...(sampleWeight ? [sampleWeight] : [])]) : [];
  const test = await prepareEval(c, raw, features);
  const result = reweigh(table, { label, sensitive: c.sensitive, cohort: c.cohort, weight: sampleWeight });
  const weights = numericColumn(weightColumn, result.weights, 'weight');
  const written = c.values['weights-only'] === true ? dropTemporary(table).select([]).withColumn(weights) : dropTemporary(table).withColumn(weights);
  await writeData(written, c.out);

  const shown = result.cells.map((cell) => [
    cell.group,
    cell.label,
    count(cell.rows),
    cell.observed.toFixed(4),
    cell.expected.toFixed(4),
    cell.factor === null ? '—' : cell.factor.toFixed(4),
  ]);
  let text =
    `${c.style.bold(`Reweighed ${scopeText(c, result.scopeRows, raw.rowCount)} by ${c.sensitive.join(' × ')} and the label ${c.labelSpec}`)}\n\n` +
    `${formatTable(['group', 'label', 'rows', 'share before', 'share after', 'weight ×'], shown, c.style)}\n\n` +
    `New weights range from ${result.range.min.toFixed(4)} to ${result.range.max.toFixed(4)}${sampleWeight ? ` (--sample-weight ${sampleWeight} times the factor)` : ''}.` +
    `${c.cohort ? ' Rows outside the cohort keep their weight.' : ''}${result.missingLabel ? ` ${count(result.missingLabel)} rows without a label keep their weight.` : ''}\n` +
    renderWarnings(result.warnings);
  let mitigations: MitigationResult[] = [];
  if (c.learner && test) {
    const before = trainLearner(c.learner, table, label, features, sampleWeight ? rowWeightsOf(table, sampleWeight) : undefined, c.seed);
    const after = trainLearner(c.learner, table, label, features, result.weights, c.seed);
    const compared = await compareModels(before, after, test, test, c, { method: 'reweigh', name: `reweighing by ${c.sensitive.join(' × ')}`, params: { sensitive: c.sensitive, cohort: c.cohort ?? null } });
    text += compared.text;
    mitigations = compared.results;
  }
  text += `\nWrote ${c.values['weights-only'] === true ? 'the weights' : `the data with a ${JSON.stringify(weightColumn)} column`} to ${resolve(c.out)}\n`;
  const document = { weightColumn, sensitive: c.sensitive, cohort: c.cohort ?? null, rows: raw.rowCount, scopeRows: result.scopeRows, missingLabel: result.missingLabel, cells: result.cells, range: result.range, warnings: result.warnings, mitigations };
  return finish(c, argv, 'reweigh', text, document, [c.out]);
}

/** `candor mitigate resample`. */
export async function runMitigateResample(argv: string[], output: Output = process.stdout): Promise<number> {
  const c = common(argv, RESAMPLE_SPECS, 'resample', /\.(csv|parquet)$/i, 'resampled.csv or resampled.parquet', output);
  const v = c.values;
  const method = typeof v.method === 'string' ? v.method : 'over';
  if (!['over', 'under', 'smote', 'smote-nc'].includes(method)) throw userError('invalid_option', `invalid --method ${method} (expected over, under, smote or smote-nc)`);
  const balance = typeof v.balance === 'string' ? v.balance : 'labels';
  if (balance !== 'labels' && balance !== 'groups') throw userError('invalid_option', `invalid --balance ${balance} (expected labels or groups)`);
  if (balance === 'groups' && c.sensitive.length === 0) throw userError('missing_option', '--balance groups equalises the sensitive groups: pass --sensitive COLUMN');
  const ratio = numberOption(v.ratio as string | undefined, 'ratio', { min: Number.MIN_VALUE, max: 1 }) ?? 1;
  const k = numberOption(v.k as string | undefined, 'k', { min: 1, integer: true }) ?? 5;
  if (method !== 'smote' && method !== 'smote-nc' && (v.k !== undefined || v.features !== undefined)) throw userError('invalid_option', `--k and --features are SMOTE options; add --method smote or smote-nc`);
  await preflightTracking(v);
  const { table: raw } = await readTable(c.data, c.read);
  const { table, label, inputs } = withLabel(raw, c.labelSpec);
  const target = { label, sensitive: c.sensitive, cohort: c.cohort, balance, ratio, seed: c.seed } as const;
  const smoting = method === 'smote' || method === 'smote-nc';
  let smoteFeatures: string[] = [];
  if (smoting) {
    const skip = new Set([label, ...inputs, ...c.sensitive, ...c.exclude]);
    for (const e of c.exclude) table.column(e);
    smoteFeatures = list(v.features as string | undefined) ?? table.columns.filter((col) => !skip.has(col.name) && (col.type === 'numeric' || (method === 'smote-nc' && col.type !== 'list'))).map((col) => col.name);
  }
  // Synthetic rows have values only for the SMOTE features: a learner given other columns would
  // find every synthetic (minority-class) row missing them, and learn that.
  const features = c.learner ? (smoting ? smoteFeatures : learnerFeatures(table, inputs, c, [label])) : [];
  const test = await prepareEval(c, raw, features);
  let result: ResampleResult;
  let what: string;
  if (smoting) {
    const copy = inputs.filter((n) => n !== label && !c.sensitive.includes(n));
    const progress = new Progress();
    progress.update(0.1, method);
    const s = withFlagHint(() => smote(table, { ...target, features: smoteFeatures, copy, k, variant: method }));
    progress.done();
    result = s;
    what = `${method === 'smote' ? 'SMOTE' : 'SMOTE-NC'} (k = ${k}; ${s.numericFeatures.length} numeric${s.nominalFeatures.length ? ` and ${s.nominalFeatures.length} nominal` : ''} features, standardised)`;
  } else {
    result = resample(table, { ...target, method: method as 'over' | 'under' });
    what = method === 'over' ? 'random oversampling (copies drawn with replacement)' : 'random undersampling (rows kept without replacement)';
  }
  await writeData(dropTemporary(result.table), c.out);
  const goal = `${balance === 'labels' ? `equal classes within each ${c.sensitive.length ? 'group' : 'scope'}` : 'equal group sizes'}${ratio < 1 ? ` (ratio ${ratio})` : ''}`;
  let text =
    `${c.style.bold(`Resampled ${scopeText(c, result.scopeRows, raw.rowCount)} by ${what}, to ${goal}, seed ${c.seed}`)}\n\n` +
    `${renderCells(result.cells, c.style)}\n\n` +
    `Rows: ${count(raw.rowCount)} before, ${count(result.table.rowCount)} after` +
    `${result.missingLabel ? `; ${count(result.missingLabel)} rows without a label kept as they are` : ''}.\n` +
    renderWarnings(result.warnings);
  let mitigations: MitigationResult[] = [];
  if (c.learner && test) {
    if (smoting) text += c.style.dim(`\nThe learner uses the SMOTE features (${features.join(', ')}): synthetic rows have no other values.\n`);
    const before = trainLearner(c.learner, table, label, features, undefined, c.seed);
    const after = trainLearner(c.learner, result.table, label, features, undefined, c.seed);
    const compared = await compareModels(before, after, test, test, c, { method, name: `${smoting ? method.toUpperCase() : `${method}sampling`} to ${goal}`, params: { method, balance, ratio, sensitive: c.sensitive, cohort: c.cohort ?? null, ...(smoting ? { k, features } : {}) } });
    text += compared.text;
    mitigations = compared.results;
  }
  text += `\nWrote ${count(result.table.rowCount)} rows to ${resolve(c.out)}\n`;
  const document = { sampling: method, balance, ratio, seed: c.seed, sensitive: c.sensitive, cohort: c.cohort ?? null, rows: { before: raw.rowCount, after: result.table.rowCount }, scopeRows: result.scopeRows, missingLabel: result.missingLabel, cells: result.cells, warnings: result.warnings, mitigations };
  return finish(c, argv, 'resample', text, document, [c.out]);
}

/** `candor mitigate correlation-remover`. */
export async function runMitigateCorrelationRemover(argv: string[], output: Output = process.stdout): Promise<number> {
  const c = common(argv, CORRELATION_SPECS, 'correlation-remover', /\.(csv|parquet)$/i, 'filtered.csv or filtered.parquet', output);
  const v = c.values;
  if (c.sensitive.length === 0) throw userError('missing_option', 'the correlation remover needs the sensitive columns: pass --sensitive COLUMN');
  const alpha = numberOption(v.alpha as string | undefined, 'alpha', { min: 0, max: 1 }) ?? 1;
  await preflightTracking(v);
  const { table: raw } = await readTable(c.data, c.read);
  const { table, label, inputs } = withLabel(raw, c.labelSpec);
  const features = c.learner ? learnerFeatures(table, inputs, c, [label]) : [];
  const test = await prepareEval(c, raw, features);
  const exclude = [...new Set([label, ...inputs, ...c.exclude])].filter((n) => !c.sensitive.includes(n));
  const keepSensitive = v['keep-sensitive'] === true;
  const { table: filtered, remover } = removeCorrelation(table, { sensitive: c.sensitive, features: list(v.features as string | undefined), exclude, alpha, cohort: c.cohort, keepSensitive });
  await writeData(dropTemporary(filtered), c.out);
  const scope = c.cohort ? evaluateMask(parseExpression(c.cohort), table).count() : table.rowCount;
  const before = indicatorCorrelations(table, remover);
  const after = indicatorCorrelations(applyCorrelationRemover(table, remover, { keepSensitive: true }), remover);
  const rows = remover.features.map((f, j) => [f, count(remover.rows[j]), fixed(before[j]), fixed(after[j])]);
  const indicators = remover.indicators.map((i) => (i.value === null ? i.column : `${i.column}=${i.value}`));
  let text =
    `${c.style.bold(`Removed ${alpha === 1 ? 'all' : `${Math.round(alpha * 100)}% of`} the linear correlation with ${indicators.join(', ')} from ${scopeText(c, scope, raw.rowCount)}`)}\n\n` +
    `${formatTable(['feature', 'rows fitted', 'max |corr| before', 'after'], rows, c.style)}\n\n` +
    `${keepSensitive ? 'Kept' : 'Dropped'} the sensitive column${c.sensitive.length > 1 ? 's' : ''} ${c.sensitive.join(', ')}; other columns are unchanged.\n`;
  let mitigations: MitigationResult[] = [];
  if (c.learner && test) {
    const before = trainLearner(c.learner, table, label, features, undefined, c.seed);
    const after = trainLearner(c.learner, applyCorrelationRemover(table, remover, { keepSensitive: true }), label, features, undefined, c.seed);
    const compared = await compareModels(before, after, test, applyCorrelationRemover(test, remover, { keepSensitive: true }), c, {
      method: 'correlation_remover',
      name: `correlation remover, alpha ${alpha}`,
      params: { alpha, sensitive: c.sensitive, cohort: c.cohort ?? null, features: remover.features },
    });
    text += compared.text;
    mitigations = compared.results;
  }
  text += `\nWrote ${count(filtered.rowCount)} rows to ${resolve(c.out)}\n`;
  const correlations = remover.features.map((f, j) => ({ feature: f, rows: remover.rows[j], before: before[j], after: after[j] }));
  const document = { alpha, sensitive: c.sensitive, cohort: c.cohort ?? null, keepSensitive, indicators, correlations, mitigations };
  return finish(c, argv, 'correlation-remover', text, document, [c.out]);
}

/** `candor mitigate cohort-model`. */
export async function runMitigateCohortModel(argv: string[], output: Output = process.stdout): Promise<number> {
  const c = common(argv, COHORT_MODEL_SPECS, 'cohort-model', /\.json$/i, 'model.json', output);
  if (!c.cohort) throw userError('missing_option', 'cohort-model trains a model for a cohort: pass --cohort EXPR (e.g. "age < 30")');
  const learner = c.learner ?? 'gbdt';
  await preflightTracking(c.values);
  const { table: raw } = await readTable(c.data, c.read);
  const { table, label, inputs } = withLabel(raw, c.labelSpec);
  const features = list(c.values.features as string | undefined) ?? learnerFeatures(table, inputs, c, [label]);
  for (const f of features) table.column(f);
  const mask = evaluateMask(parseExpression(c.cohort), table);
  const inside = mask.count();
  if (inside === 0) throw userError('empty_cohort', `the cohort ${JSON.stringify(c.cohort)} matches none of the ${count(table.rowCount)} rows; check its values (e.g. the spelling of a category)`, { cohort: c.cohort });
  if (inside === table.rowCount) throw userError('invalid_cohort', `the cohort ${JSON.stringify(c.cohort)} holds every row, so no rows are left for the other model; one model for all is candor train`, { cohort: c.cohort });
  const test = await prepareEval(c, raw, features, learner);
  const progress = new Progress();
  progress.update(0.1, `fitting ${learner} on the cohort`);
  const cohortModel = trainLearner(learner, table.filter(mask), label, features, undefined, c.seed, 'the cohort');
  progress.update(0.5, `fitting ${learner} on the other rows`);
  const restModel = trainLearner(learner, table.filter(mask.not()), label, features, undefined, c.seed, 'the rows outside the cohort');
  progress.done();
  const classes = (m: Model) => m.classes.join(',');
  if (classes(cohortModel) !== classes(restModel)) {
    throw userError('incompatible_models', `the cohort's classes (${cohortModel.classes.join(', ')}) differ from the other rows' (${restModel.classes.join(', ')}); both need every class`);
  }
  const stem = basename(c.out, extname(c.out));
  const dir = dirname(c.out);
  const files = { cohort: join(dir, `${stem}.cohort.onnx`), rest: join(dir, `${stem}.rest.onnx`) };
  await writeFileAtomic(files.cohort, toOnnx(cohortModel, { name: `${learner}-cohort` }));
  await writeFileAtomic(files.rest, toOnnx(restModel, { name: `${learner}-rest` }));
  const manifest = {
    format: 'candor-per-cohort-model',
    version: 1,
    task: cohortModel.task,
    classes: cohortModel.classes,
    parts: [{ cohort: c.cohort, model: relative(dir, files.cohort) }],
    fallback: relative(dir, files.rest),
    algorithm: learner,
    label: c.labelSpec,
    features,
    seed: c.seed,
  };
  await writeFileAtomic(c.out, `${JSON.stringify(manifest, null, 2)}\n`);
  let text =
    `${c.style.bold(`Trained ${learner} on the cohort ${c.cohort} (${count(inside)} rows) and on the other ${count(table.rowCount - inside)} rows, ${features.length} features, seed ${c.seed}`)}\n` +
    'Rows are predicted by the cohort model when the cohort expression is true for them, else by the other model.\n';
  let mitigations: MitigationResult[] = [];
  if (test) {
    const before = trainLearner(learner, table, label, features, undefined, c.seed);
    const combined = perCohortModel([{ cohort: c.cohort, model: cohortModel }], restModel, { name: 'per-cohort' });
    const compared = await compareModels(before, combined, test, test, c, { method: 'per_cohort_model', name: `a ${learner} model for ${c.cohort} and one for the other rows`, params: { cohort: c.cohort } }, learner);
    text += compared.text;
    mitigations = compared.results;
  }
  text += `\nWrote ${resolve(c.out)} with ${resolve(files.cohort)} and ${resolve(files.rest)}\n`;
  const document = { learner, cohort: c.cohort, rows: { cohort: inside, rest: table.rowCount - inside }, features, manifest, files, mitigations };
  return finish(c, argv, 'cohort-model', text, document, [c.out, files.cohort, files.rest]);
}

/** Every column but the label (and the columns it reads), sensitive columns, weights and --exclude. */
function learnerFeatures(table: Table, labelInputs: string[], c: Common, also: string[]): string[] {
  for (const e of c.exclude) table.column(e);
  const skip = new Set([LABEL, ...labelInputs, ...c.sensitive, ...c.exclude, ...also]);
  const features = table.columns.filter((col) => !skip.has(col.name) && col.type !== 'list').map((col) => col.name);
  if (features.length === 0) throw userError('no_features', 'no feature columns left for the learner: check --exclude and --sensitive');
  return features;
}

function rowWeightsOf(table: Table, name: string): Float64Array {
  const col = table.column(name);
  if (col.type !== 'numeric') throw userError('invalid_weight', `invalid weight column: ${JSON.stringify(name)} is ${col.type} (expected numeric)`, { column: name });
  return col.values;
}

/** Fits the built-in learner with optional row weights (gradient boosting takes them as a column). */
function trainLearner(kind: 'logistic' | 'gbdt', table: Table, label: string, features: string[], weights: Float64Array | undefined, seed: number, where = 'the data'): ExportableModel & Model {
  const { classes } = classTarget(table, label);
  if (classes.length < 2) throw userError('invalid_label', `cannot train on ${where}: the label has ${classes.length === 0 ? 'no values' : `one class only (${classes[0]})`}`, { classes });
  if (kind === 'logistic') {
    if (classes.length !== 2) throw userError('invalid_option', `--train-learner logistic needs two classes; the label has ${classes.length}`);
    return fitLogistic(table, { label, features, weight: weights });
  }
  const data = weights ? table.withColumn(numericColumn(WEIGHT, weights)) : table;
  return fitGbdt(data, { label, features, task: classes.length === 2 ? 'binary' : 'multiclass', seed, ...(weights ? { weight: WEIGHT } : {}) });
}

/** What a data mitigation tells the before/after comparison about itself. */
interface Described {
  method: string;
  name: string;
  params: Record<string, unknown>;
}

const BEFORE = '__candor_before__';
const AFTER = '__candor_after__';

/**
 * The learner before and after, compared on the --eval rows by `compareBeforeAfter` (metrics and
 * disparities per group with paired bootstrap intervals, the accuracy cost), over all rows and,
 * with --cohort, inside the cohort; with --report DIR, written into DIR/insights.json and report.html.
 */
async function compareModels(before: Model, after: Model, test: Table, testAfter: Table, c: Common, what: Described, learner = c.learner ?? 'gbdt'): Promise<{ results: MitigationResult[]; text: string }> {
  const bootstrap = numberOption(c.values.bootstrap as string | undefined, 'bootstrap', { min: 0, integer: true }) ?? 1000;
  const [pb, pa] = [await before.predict(test), await after.predict(testAfter)];
  if (pb.task === 'regression' || pa.task === 'regression') throw new Error('data mitigations train classifiers');
  const binary = pb.classes.length === 2;
  const decisions = (p: typeof pb, name: string): Column =>
    binary ? booleanColumn(name, Uint8Array.from(p.labels, (k) => (p.classes[k] === pb.classes[1] ? 1 : 0))) : categoricalFromCodes(name, p.labels, p.classes);
  const table = test.withColumn(decisions(pb, BEFORE)).withColumn(decisions(pa, AFTER));
  const sensitive = c.sensitive.length ? [c.sensitive] : [];
  const options = {
    label: c.labelSpec,
    task: binary ? ('binary' as const) : ('multiclass' as const),
    ...(binary ? { positive: pb.classes[1] } : {}),
    sensitive,
    before: { pred: BEFORE },
    after: { pred: AFTER },
    method: what.method,
    params: { ...what.params, learner, seed: c.seed },
    data: { file: c.values.eval as string, split: 'evaluation' as const },
    bootstrap,
    seed: c.seed,
  };
  const results = [compareBeforeAfter(table, { ...options, name: what.name })];
  if (c.cohort) results.push(compareBeforeAfter(table, { ...options, name: `${what.name} (inside the cohort)`, where: c.cohort }));
  for (const r of results) perfectModelWarning(r);
  const reportDir = typeof c.values.report === 'string' ? c.values.report : undefined;
  if (reportDir) {
    const insights = assess(table, { label: c.labelSpec, pred: AFTER, ...(binary ? { positive: pb.classes[1], task: 'binary' as const } : { task: 'multiclass' as const }), sensitive, bootstrap, seed: c.seed, curves: false });
    insights.source = { ...insights.source, file: c.values.eval as string };
    insights.config = { ...insights.config, pred: `${learner} after ${what.name}` };
    insights.mitigations = results;
    await writeFileAtomic(join(reportDir, 'insights.json'), `${JSON.stringify(insights, null, 2)}\n`);
    const { writeReport } = await import('../adapters/report.js');
    await writeReport(join(reportDir, 'report.html'), { insights, title: `Mitigation — ${what.name}` });
  }
  const compared = what.method === 'per_cohort_model' ? `One ${learner} model for all rows (before) against one for the cohort and one for the other rows (after)` : `${learner} trained on the data before and after`;
  const heading = c.style.bold(`${compared}, evaluated on ${count(test.rowCount)} rows of ${c.values.eval as string}`);
  const written = reportDir ? `\nWrote the before/after section to ${resolve(reportDir, 'insights.json')} and ${resolve(reportDir, 'report.html')}\n` : '';
  const text = `\n${heading}\n\n${results.map((r) => `${r === results[1] ? `${c.style.bold(`Inside the cohort ${c.cohort}`)}\n` : ''}${renderBeforeAfterText(r, c.style)}`).join('\n\n')}\n${written}`;
  return { results, text };
}
