import { readFile } from 'node:fs/promises';
import { preflightTracking, recordRunFromCli, TRACK_SPECS } from '../adapters/tracker/record.js';
import { dirname, resolve } from 'node:path';
import { assess } from '../assess/index.js';
import type { AssessOptions } from '../assess/index.js';
import { modelPositive, resolveColumn } from '../assess/resolve.js';
import { columnsOf, evaluateMask, parseCohortFlag, parseExpression, type Cohort } from '../cohort/index.js';
import { isUserError, userError } from '../errors/index.js';
import { formatFromPath, readTable } from '../adapters/io/index.js';
import { booleanColumn, categoricalFromCodes, inferRoles, numericColumn, type Table } from '../table/index.js';
import { cachedPredict, type Model } from '../model/index.js';
import { assessPushdown, pushdownBlocker } from '../adapters/pushdown.js';
import { existsSync, statSync } from 'node:fs';
import type { Insights } from '../report/insights.js';
import { formatOptions, numberOption, parseArgs, type OptionSpecs } from './args.js';
import { READ_SPECS, readOptionsFrom, splitAssignment, list } from './read-options.js';
import type { AssessConfig } from './config.js';
import { Progress } from './progress.js';
import { renderAssessText } from './render-assess.js';
import { EXPLAIN_SPECS, explainRequestFrom } from './assess-explain.js';
import { makeStyle } from './text-table.js';

const SPECS: OptionSpecs = {
  label: { type: 'string', value: 'COL|EXPR', help: "label column, or a boolean expression (\"income = '>50K'\")" },
  pred: { type: 'string', value: 'COL|EXPR', help: 'predicted label column, or a boolean expression ("decile_score >= 5")' },
  score: { type: 'string', value: 'COL[,COL]', help: 'score/probability column (one per class for multiclass)' },
  threshold: { type: 'string', value: 'T', help: 'prediction = score >= T when --pred is absent (default 0.5)' },
  sensitive: { type: 'string', multiple: true, value: 'A[,B]', help: 'sensitive feature(s); A,B means their intersection; repeat for separate analyses' },
  reference: { type: 'string', multiple: true, value: 'A=VALUE', help: 'reference group for disparities (default: the largest group)' },
  cohort: { type: 'string', multiple: true, value: 'NAME=EXPR', help: 'a named cohort to report, e.g. "seniors=age > 60"' },
  where: { type: 'string', value: 'EXPR', help: 'assess only the rows where EXPR is true' },
  weight: { type: 'string', value: 'COL', help: 'sample-weight column' },
  task: { type: 'string', value: 'binary|multiclass|regression', help: 'the task (inferred by default)' },
  positive: { type: 'string', value: 'VALUE', help: 'the label value that counts as positive (binary)' },
  bootstrap: { type: 'string', value: 'N', help: 'bootstrap resamples for confidence intervals; 0 = Wilson intervals (default 1000)' },
  seed: { type: 'string', value: 'N', help: 'random seed (default 0)' },
  confidence: { type: 'string', value: 'P', help: 'confidence level of intervals (default 0.95)' },
  'zero-division': { type: 'string', value: 'null|0', help: 'a 0/0 rate is null with a reason (default) or 0, as scikit-learn/Fairlearn do for the metrics they define' },
  'min-group-size': { type: 'string', value: 'N', help: 'flag groups with fewer rows (default 30)' },
  'max-groups': { type: 'string', value: 'N', help: 'refuse sensitive columns with more distinct values (default 1000)' },
  band: { type: 'string', value: 'LO,HI', help: 'pass band for ratios to the reference group (default 0.8,1.25)' },
  config: { type: 'string', value: 'FILE', help: 'YAML or JSON file holding any of these options' },
  out: { type: 'string', value: 'DIR', help: 'write insights.json and report.html into DIR' },
  json: { type: 'boolean', help: 'print the insights document on stdout (and nothing else)' },
  model: { type: 'string', value: 'FILE|URL', help: 'score the rows on the fly with this model (.onnx, XGBoost .json, http(s)://) instead of --pred/--score' },
  features: { type: 'string', value: 'A,B,…', help: 'with --model: the columns fed to a model taking one feature tensor, in order' },
  exclude: { type: 'string', value: 'A,B,…', help: 'with --model: columns never fed to it (default: the label and label-like names)' },
  mapping: { type: 'string', value: 'FILE.json', help: 'with an ONNX --model: input/output names and classes the model does not declare' },
  ...READ_SPECS,
  curves: { type: 'boolean', help: 'threshold, ROC, PR and calibration curves when there is a score (default on)' },
  errors: { type: 'boolean', help: 'add the error analysis (error tree and worst cohorts, as candor errors) to the output' },
  ...EXPLAIN_SPECS,
  mitigation: { type: 'string', value: 'FILE.json', help: 'apply a mitigation (candor mitigate postprocess) to its score column; a randomised rule reports its expected (probability-weighted) metrics' },
  randomize: { type: 'boolean', help: 'with --mitigation: assess one randomised draw (seeded with --seed) instead, the expected metrics beside it' },
  color: { type: 'boolean', help: 'colour terminal output (default: when stdout is a terminal)' },
  ...TRACK_SPECS,
};

export const ASSESS_HELP = `Usage: candor assess DATA --label L (--pred P | --score S [--threshold T]) [options]

Metrics overall, per sensitive group (and their intersections) and per named cohort, with fairness
disparities, reference-group ratios and confidence intervals. DATA is a CSV/TSV, Parquet, JSON,
NDJSON or Arrow file.

Options:
${formatOptions(SPECS)}

Examples:
  candor assess compas.csv --label two_year_recid --pred "decile_score >= 5" --sensitive race --reference race=Caucasian
  candor assess preds.csv --label y_true --score y_score --sensitive sex --sensitive sex,race --out report/
  candor assess loans.csv --label repaid --model model.onnx --errors --explain --cohort "seniors=age > 60" --out report/`;


async function loadConfig(path: string): Promise<AssessConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw userError('file_not_found', `config file not found: ${path} (looked in ${resolve(path)})`);
  }
  let raw: unknown;
  try {
    raw = /\.json$/i.test(path) ? JSON.parse(text) : (await import('yaml')).default.parse(text);
  } catch (e) {
    throw userError('invalid_config', `${path}: not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  const { parseAssessConfig } = await import('./config.js');
  const config = parseAssessConfig(raw, path);
  if (config.data) config.data = resolve(dirname(path), config.data);
  if (config.model && !/^https?:\/\//i.test(config.model)) config.model = resolve(dirname(path), config.model);
  return config;
}

/**
 * The error for a missing --label or --pred, with the columns whose names suggest the role
 * (schema inference proposes; the user decides).
 */
async function missingTargets(data: string, what: 'label' | 'prediction') {
  const base = what === 'label' ? 'no label: pass --label COLUMN (or a boolean expression such as "income = \'>50K\'")' : 'no prediction: pass --pred COLUMN|EXPRESSION or --score COLUMN (with --threshold, default 0.5)';
  let proposals: string[] = [];
  try {
    const { table } = await readTable(data, {});
    const roles = what === 'label' ? ['label'] : ['prediction', 'score'];
    proposals = inferRoles(table)
      .filter((p) => roles.includes(p.role) && p.source !== 'default')
      .map((p) => `${p.role === 'score' ? '--score' : what === 'label' ? '--label' : '--pred'} ${p.name} (${p.reason})`);
  } catch {
    // The data's own problem is reported once the flags are complete.
  }
  return userError('missing_option', proposals.length ? `${base}; candidates: ${proposals.slice(0, 3).join(', ')}` : base);
}

/** The options of `candor assess` (other verbs that take the same flags, such as `serve`, pick from them). */
export const ASSESS_SPECS: Readonly<OptionSpecs> = SPECS;

/**
 * Flags and config merged into the data path, read options, assess options and outputs. Another
 * verb taking the same flags passes its name and option specs; its own flags come back in `values`.
 */
export async function resolveAssessArgs(argv: string[], command: { name: string; specs: OptionSpecs } = { name: 'assess', specs: SPECS }) {
  const { positionals, values: v } = parseArgs(argv, command.specs, command.name);
  const config: AssessConfig = typeof v.config === 'string' ? await loadConfig(v.config) : {};
  if (positionals.length > 1) throw userError('invalid_arguments', `expected one data file, found ${positionals.length}: ${positionals.join(' ')} (quote expressions that contain spaces)`);
  const data = positionals[0] ?? config.data;
  if (!data) throw userError('missing_data', 'no data file: give one, e.g. candor assess data.csv --label y --pred y_hat (see candor assess --help)');
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const label = str('label') ?? config.label;
  if (!label) throw await missingTargets(data, 'label');

  const read = readOptionsFrom(v, config.read);

  const sensitive = ((v.sensitive as string[] | undefined) ?? config.sensitive ?? []).map((s) => (Array.isArray(s) ? s : list(s)!));
  const reference: Record<string, string> = {};
  const refs = (v.reference as string[] | undefined) ?? (Array.isArray(config.reference) ? config.reference : Object.entries(config.reference ?? {}).map(([k, val]) => `${k}=${val}`));
  for (const r of refs) {
    const [by, value] = splitAssignment(r, 'reference', 'COLUMN=VALUE (or A,B=VALUE_A | VALUE_B for an intersection)');
    reference[list(by)!.join(',')] = value;
  }
  const cohorts: Cohort[] = [];
  const cohortFlags = (v.cohort as string[] | undefined) ?? (Array.isArray(config.cohorts) ? config.cohorts : Object.entries(config.cohorts ?? {}).map(([k, e]) => `${k}=${e}`));
  for (const c of cohortFlags) cohorts.push(parseCohortFlag(c));

  const zd = str('zero-division') ?? (config.zeroDivision === undefined ? undefined : String(config.zeroDivision));
  if (zd !== undefined && zd !== '0' && zd !== 'null') throw userError('invalid_option', `invalid --zero-division ${JSON.stringify(zd)} (expected null or 0)`);
  const bandText = str('band');
  let band = config.band;
  if (bandText !== undefined) {
    const parts = bandText.split(',').map((x) => numberOption(x, 'band'));
    if (parts.length !== 2 || !(parts[0]! > 0 && parts[0]! < parts[1]!)) throw userError('invalid_option', `invalid --band ${bandText} (expected LO,HI with 0 < LO < HI, e.g. 0.8,1.25)`);
    band = [parts[0]!, parts[1]!];
  }
  const task = str('task') ?? config.task;
  if (task !== undefined && task !== 'binary' && task !== 'multiclass' && task !== 'regression') throw userError('invalid_option', `invalid --task ${task} (expected binary, multiclass or regression)`);
  const score = list(str('score') ?? config.score);
  const options: AssessOptions = {
    label,
    pred: str('pred') ?? config.pred,
    score: score === undefined ? undefined : score.length === 1 ? score[0] : score,
    threshold: numberOption(str('threshold'), 'threshold') ?? config.threshold,
    task,
    positive: str('positive') ?? config.positive,
    sensitive,
    reference,
    cohorts,
    where: str('where') ?? config.where,
    weight: str('weight') ?? config.weight,
    bootstrap: numberOption(str('bootstrap'), 'bootstrap', { min: 0, integer: true }) ?? config.bootstrap,
    seed: numberOption(str('seed'), 'seed', { integer: true }) ?? config.seed,
    confidence: numberOption(str('confidence'), 'confidence', { min: 0.5, max: 0.999 }) ?? config.confidence,
    zeroDivision: zd === '0' ? 0 : zd === 'null' ? 'null' : undefined,
    minGroupSize: numberOption(str('min-group-size'), 'min-group-size', { min: 0, integer: true }) ?? config.minGroupSize,
    maxGroups: numberOption(str('max-groups'), 'max-groups', { min: 1, integer: true }) ?? config.maxGroups,
    band,
    curves: typeof v.curves === 'boolean' ? v.curves : undefined,
  };
  const modelSpec = str('model') ?? config.model;
  const model = modelSpec ? { spec: modelSpec, features: list(str('features') ?? config.features), exclude: list(str('exclude') ?? config.exclude), mapping: str('mapping') } : null;
  const mitigation = str('mitigation');
  if (v.randomize === true && !mitigation) throw userError('invalid_option', '--randomize needs --mitigation FILE.json (it draws the randomised decisions of a mitigation)');
  if (mitigation && v.errors === true) throw userError('invalid_option', '--errors does not combine with --mitigation; write the mitigated decisions with candor predict --mitigation, then run candor errors on them');
  if (mitigation && v.explain === true) throw userError('invalid_option', '--explain does not combine with --mitigation; explain the model with candor assess --model M --explain, without --mitigation');
  const explain = explainRequestFrom(v, model !== null);
  if (options.pred === undefined && options.score === undefined && !model && !mitigation) throw await missingTargets(data, 'prediction');
  return { data, read, options, model, errors: v.errors === true, explain, out: str('out') ?? config.out, json: v.json === true, color: typeof v.color === 'boolean' ? v.color : undefined, mitigation, randomize: v.randomize === true, values: v };
}

/**
 * The columns an assessment reads: those named by the label, prediction, scores, weight,
 * sensitive features, `where` and cohorts (a spec that is not an expression is a column name).
 */
function neededColumns(options: AssessOptions): string[] {
  const out = new Set<string>();
  const add = (spec: string | undefined) => {
    if (spec === undefined) return;
    let names: string[];
    try {
      names = columnsOf(parseExpression(spec));
    } catch {
      names = [spec];
    }
    for (const n of names) out.add(n);
  };
  [options.label, options.pred, options.weight, options.where, ...[options.score ?? []].flat()].forEach(add);
  for (const c of options.cohorts ?? []) add(c.expression);
  for (const s of (options.sensitive ?? []).flat()) out.add(s);
  return [...out];
}

/**
 * Scores the table with a model and points the assessment at its outputs: for a binary model a
 * boolean `model_prediction` (the model predicts the positive class) and `model_score` (its
 * probability); otherwise the predicted label or value. `live` is the loaded model (the dashboard
 * server keeps it for what-if predictions and explanations).
 */
export async function scoreWithModel(table: Table, spec: { spec: string; features?: string[]; exclude?: string[]; mapping?: string }, options: AssessOptions): Promise<{ table: Table; options: AssessOptions; model: string; live: Model }> {
  const { loadModel } = await import('../adapters/load-model.js');
  const { LABEL_LIKE } = await import('./predict.js');
  const labelColumns = neededColumns({ label: options.label });
  const exclude = spec.exclude ?? [...new Set([...labelColumns, ...table.names().filter((n) => LABEL_LIKE.test(n))])];
  const model = await loadModel(spec.spec, { features: spec.features, exclude, mapping: spec.mapping });
  const predictions = await cachedPredict(model, table);
  const name = `${model.name} (${model.task})`;
  for (const name of ['model_prediction', 'model_score']) {
    if (table.has(name)) throw userError('column_exists', `the data already has a column ${JSON.stringify(name)}; rename it to assess with --model`);
  }
  const out = { ...options };
  if (predictions.task === 'regression') {
    out.pred ??= 'model_prediction';
    return { table: table.withColumn(numericColumn('model_prediction', predictions.values, 'prediction')), options: out, model: name, live: model };
  }
  const { classes, labels, scores } = predictions;
  if (classes.length !== 2) {
    out.pred ??= 'model_prediction';
    return { table: table.withColumn(categoricalFromCodes('model_prediction', labels, classes, 'prediction')), options: out, model: name, live: model };
  }
  // The model's positive class is the label's positive value when it names one of the classes; a condition's true side names none.
  const labelColumn = resolveColumn(table, options.label, 'label');
  const k = modelPositive(classes, labelColumn, options.positive).index;
  if (options.positive === undefined && labelColumn.type !== 'boolean' && table.has(options.label)) out.positive = classes[k];
  let result = table.withColumn(booleanColumn('model_prediction', Uint8Array.from(labels, (c) => (c < 0 ? 255 : c === k ? 1 : 0)), 'prediction'));
  out.pred ??= 'model_prediction';
  if (scores) {
    result = result.withColumn(numericColumn('model_score', scores[k], 'score'));
    out.score ??= 'model_score';
  }
  return { table: result, options: out, model: name, live: model };
}

/** `candor assess`: read, assess, print and write outputs. */
export async function runAssess(argv: string[]): Promise<number> {
  const args = await resolveAssessArgs(argv);
  await preflightTracking(args.values);
  const progress = new Progress();
  progress.update(0, 'reading');
  let insights: Insights | null = null;
  // Large columnar files: let DuckDB aggregate the rows into cells instead of loading them (the
  // results are identical; the in-memory path below is taken whenever this one cannot be).
  const format = formatFromPath(args.data);
  if (!args.out && !args.model && !args.errors && !args.mitigation && existsSync(args.data) && statSync(args.data).isFile() && pushdownBlocker(format, args.options, args.read.types) === null) {
    const pushed = await assessPushdown(args.data, format as 'parquet' | 'json', args.options);
    if (pushed) insights = { ...pushed.insights, source: { ...pushed.insights.source, file: args.data, rowsRead: pushed.insights.rows } };
  }
  if (!insights) {
    // Without a report to embed the rows in, read only the columns the assessment uses.
    const select = args.out || args.model || args.errors || args.mitigation ? undefined : neededColumns(args.options);
    const read = (columns: string[] | undefined) => readTable(args.data, { ...args.read, select: columns, onProgress: (f) => progress.update(f * 0.5, 'reading') });
    // A name that is not a column (a typo, a malformed expression) is reported by assess, which
    // knows whether it was meant as a column or an expression: read everything and let it say.
    const { table, report: load } = await read(select).catch((e: unknown) => {
      if (select && isUserError(e) && e.code === 'unknown_column') return read(undefined);
      throw e;
    });
    const scored = args.model ? await scoreWithModel(table, args.model, args.options) : { table, options: args.options, model: undefined, live: undefined };
    const mitigated = args.mitigation ? await import('./mitigate-postprocess.js') : null;
    insights = mitigated
      ? await mitigated.assessWithMitigation(scored.table, { ...scored.options, onProgress: (f, stage) => progress.update(0.5 + f * 0.5, stage) }, args.mitigation!, { randomize: args.randomize, seed: args.options.seed ?? 0 })
      : assess(scored.table, { ...scored.options, onProgress: (f, stage) => progress.update(0.5 + f * 0.5, stage) });
    if (scored.model) insights.config = { ...insights.config, model: scored.model };
    insights.source = { ...insights.source, file: args.data, rowsRead: load.rowsRead };
    if (args.errors) {
      const { analyzeErrors } = await import('../error-analysis/index.js');
      const o = scored.options;
      const pred = o.pred ?? `${JSON.stringify([o.score].flat()[0])} >= ${o.threshold ?? 0.5}`;
      insights.errorAnalysis = analyzeErrors(scored.table, { label: o.label, pred, positive: insights.config?.positive as string | undefined, where: o.where, weight: o.weight, task: insights.task, seed: o.seed, bootstrap: o.bootstrap });
    }
    if (args.explain && args.model && scored.live && scored.model) {
      progress.done();
      const { explainAssessment } = await import('./assess-explain.js');
      const o = scored.options;
      const rows = o.where ? scored.table.filter(evaluateMask(parseExpression(o.where), scored.table)) : scored.table;
      insights.explanations = await explainAssessment({ live: scored.live, spec: args.model.spec, mapping: args.model.mapping, name: scored.model }, rows, insights, o, args.explain);
    }
    progress.done();
    if (args.out && mitigated) await mitigated.writeMitigatedOutputs(args.out, insights);
    else if (args.out) await (await import('../adapters/outputs.js')).writeAssessOutputs(args.out, insights, scored.table, scored.options);
  }
  progress.done();
  await recordRunFromCli(args.values, { kind: 'assess', argv, dataPaths: [args.data], modelPaths: args.model ? [args.model.spec] : [], document: insights });
  if (args.json) process.stdout.write(`${JSON.stringify(insights, null, 2)}\n`);
  else {
    const color = args.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
    process.stdout.write(`${renderAssessText(insights, makeStyle(color))}\n`);
    if (insights.mitigation) process.stdout.write(`${(await import('./mitigate-postprocess.js')).renderAppliedMitigationText(insights, makeStyle(color))}\n`);
    if (insights.errorAnalysis) {
      const { renderErrorsText } = await import('./errors.js');
      process.stdout.write(`\n${renderErrorsText(insights.errorAnalysis, makeStyle(color))}\n`);
    }
    if (insights.explanations) process.stdout.write(`\n${(await import('./assess-explain.js')).renderExplanationsText(insights.explanations, makeStyle(color))}\n`);
    if (args.out) process.stdout.write(`\nWrote ${resolve(args.out, 'insights.json')}\n  and ${resolve(args.out, 'report.html')}\n`);
  }
  return 0;
}
