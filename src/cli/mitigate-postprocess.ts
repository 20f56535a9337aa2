import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readTable } from '../adapters/io/index.js';
import { writeFileAtomic } from '../adapters/atomic-write.js';
import { assess, type AssessOptions, metricLabel } from '../assess/index.js';
import { preflightTracking, recordRunFromCli, TRACK_SPECS } from '../adapters/tracker/record.js';
import { columnsOf, evaluateMask, parseExpression } from '../cohort/index.js';
import { userError } from '../errors/index.js';
import { parseMitigation, type Mitigation, type MulticlassMitigation } from '../mitigate/artifact.js';
import { compareBeforeAfter, type MitigationPredictions } from '../mitigate/before-after.js';
import { assessExpected } from '../mitigate/expected-assess.js';
import type { MitigationResult } from '../mitigate/schema.js';
import { scoreValues, thresholdOptimizer } from '../mitigate/threshold-optimizer.js';
import { multiclassDecisions, positiveProbability, randomizedDecisions } from '../mitigate/threshold-optimizer-apply.js';
import { THRESHOLD_CONSTRAINTS, type ThresholdConstraint, type ThresholdObjective } from '../mitigate/threshold-optimizer-fit.js';
import { offsetArgmax } from '../mitigate/threshold-optimizer-multiclass.js';
import type { Insights } from '../report/insights.js';
import { booleanColumn, categoricalFromCodes, type Column, numericColumn, type Table } from '../table/index.js';
import { formatOptions, numberOption, parseArgs, type OptionSpecs } from './args.js';
import { checkEvalLabel, evalReadOptions, evalSpecs, readEvalTable, requireEvalColumns } from './mitigate-inputs.js';
import { list, READ_SPECS, readOptionsFrom } from './read-options.js';
import { formatTable, makeStyle, type Style } from './text-table.js';

const SPECS: OptionSpecs = {
  label: { type: 'string', value: 'COL|EXPR', help: "label column, or a boolean expression (\"income in ('>50K', '>50K.')\" when --eval spells it differently)" },
  score: { type: 'string', value: 'COL[,COL…]', help: 'the score the thresholds apply to; one column per class (in class order) for a multiclass rule' },
  sensitive: { type: 'string', value: 'A[,B]', help: 'sensitive column(s); A,B means their intersection' },
  constraint: { type: 'string', value: 'NAME', help: `${THRESHOLD_CONSTRAINTS.join('|')} (default demographic_parity; multiclass: demographic_parity only)` },
  objective: { type: 'string', value: 'accuracy|balanced_accuracy', help: 'what the thresholds maximise (default accuracy)' },
  grid: { type: 'string', value: 'N', help: 'grid intervals over [0, 1] for the constrained rate (default 1000, as Fairlearn)' },
  relax: { type: 'string', value: 'T', help: 'let the constrained rate(s) differ between groups by up to T (default 0: exact parity)' },
  deterministic: { type: 'boolean', help: 'one threshold per group, no randomisation (its constraint violation is reported)' },
  positive: { type: 'string', value: 'VALUE', help: 'the label value that counts as positive (binary)' },
  classes: { type: 'string', value: 'A,B,…', help: 'multiclass: the class of each --score column (default: the label values, sorted)' },
  where: { type: 'string', value: 'EXPR', help: 'fit (and evaluate) only on the rows where EXPR is true' },
  out: { type: 'string', value: 'FILE.json', help: 'write the mitigation (thresholds and mixing probabilities per group) here' },
  ...evalSpecs('evaluate before/after on these rows, read and checked before the fit (default: the training rows, which flatters the mitigation)'),
  pred: { type: 'string', value: 'COL|EXPR', help: 'the unmitigated predictions for the before/after (default: score >= --threshold; multiclass: the argmax of the scores)' },
  threshold: { type: 'string', value: 'T', help: 'the unmitigated model\'s threshold on the score (default 0.5)' },
  report: { type: 'string', value: 'DIR', help: 'write DIR/insights.json and DIR/report.html with the before/after section' },
  bootstrap: { type: 'string', value: 'N', help: 'bootstrap resamples for the before/after intervals; 0 = none (default 1000)' },
  seed: { type: 'string', value: 'N', help: 'random seed of the bootstrap (default 0)' },
  confidence: { type: 'string', value: 'P', help: 'confidence level of intervals (default 0.95)' },
  json: { type: 'boolean', help: 'print { mitigation, mitigations: [before/after] } as JSON on stdout (and nothing else)' },
  ...READ_SPECS,
  ...TRACK_SPECS,
  color: { type: 'boolean', help: 'colour terminal output (default: when stdout is a terminal)' },
};

export const MITIGATE_POSTPROCESS_HELP = `Usage: candor mitigate postprocess TRAIN --label L --score S --sensitive A --out mitigation.json [options]

Group-specific thresholds on a score, fitted on TRAIN so that the groups' rates satisfy the
constraint while maximising accuracy (Hardt et al., 2016; Fairlearn's ThresholdOptimizer, grid of
1,000 points). Where the constraint needs it, a group's rule mixes two thresholds at random
(mixing probabilities in the file): apply it reproducibly with candor predict --mitigation --seed N,
or measure its expected metrics with candor assess --mitigation. --deterministic keeps one
threshold per group instead and reports how far from the constraint that lands.

With one --score column per class, fits a multiclass rule instead: per-group class offsets so that
every class is predicted at the same rate in every group (one-vs-rest selection-rate parity).

Options:
${formatOptions(SPECS)}

Examples:
  candor mitigate postprocess train.csv --label y_true --score y_score --sensitive sex --constraint equalized_odds --out mitigation.json --eval test.csv --report out/
  candor mitigate postprocess adult-scored.csv --label "income in ('>50K', '>50K.')" --score probability_true --sensitive sex \\
    --out mitigation.json --eval adult-test-scored.csv --track --run-name thresholds-v1
  candor assess test.csv --label y_true --sensitive sex --mitigation mitigation.json
  candor predict test.csv --mitigation mitigation.json --seed 7 --out decisions.csv`;

const OBJECTIVES: Record<string, ThresholdObjective> = {
  accuracy: 'accuracy_score',
  accuracy_score: 'accuracy_score',
  balanced_accuracy: 'balanced_accuracy_score',
  balanced_accuracy_score: 'balanced_accuracy_score',
};

/** Reads and validates a `mitigation.json`: clear errors for a missing file, bad JSON or a wrong shape. */
export async function loadMitigation(path: string): Promise<Mitigation> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw userError('file_not_found', `mitigation file not found: ${path} (looked in ${resolve(path)}); write one with candor mitigate postprocess … --out ${path}`, { file: path });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw userError('invalid_mitigation', `${path} is not valid JSON (${(e as Error).message.split('\n')[0]}); refit it with candor mitigate postprocess`, { file: path });
  }
  return parseMitigation(raw, path);
}

/** `candor mitigate postprocess`. */
export async function runMitigatePostprocess(argv: string[]): Promise<number> {
  const { positionals, values: v } = parseArgs(argv, SPECS, 'mitigate postprocess');
  if (positionals.length > 1) throw userError('invalid_arguments', `expected one training data file, found ${positionals.length}: ${positionals.join(' ')} (quote expressions that contain spaces)`);
  const data = positionals[0];
  if (!data) throw userError('missing_data', 'no training data: give one, e.g. candor mitigate postprocess train.csv --label y --score p --sensitive sex --out mitigation.json');
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const label = str('label');
  if (!label) throw userError('missing_option', 'no label: pass --label COLUMN (or a boolean expression such as "income = \'>50K\'")');
  const score = list(str('score'));
  if (!score?.length) throw userError('missing_option', 'no score: pass --score COLUMN (the probability or score the thresholds apply to; one column per class for multiclass)');
  const sensitive = list(str('sensitive'));
  if (!sensitive?.length) throw userError('missing_option', 'no sensitive feature: pass --sensitive COLUMN (A,B for an intersection)');
  const out = str('out');
  if (!out) throw userError('missing_option', 'no output: pass --out mitigation.json');
  const constraint = str('constraint') ?? 'demographic_parity';
  if (!THRESHOLD_CONSTRAINTS.includes(constraint as ThresholdConstraint)) throw userError('invalid_option', `invalid --constraint ${JSON.stringify(constraint)} (expected ${THRESHOLD_CONSTRAINTS.join(', ')})`, { option: 'constraint' });
  const objectiveText = str('objective');
  const objective = objectiveText === undefined ? undefined : OBJECTIVES[objectiveText];
  if (objectiveText !== undefined && !objective) throw userError('invalid_option', `invalid --objective ${JSON.stringify(objectiveText)} (expected accuracy or balanced_accuracy)`, { option: 'objective' });
  if (str('pred') !== undefined && str('threshold') !== undefined) throw userError('invalid_option', '--pred and --threshold both define the unmitigated predictions; give one');
  const bootstrap = numberOption(str('bootstrap'), 'bootstrap', { min: 0, integer: true }) ?? 1000;
  const seed = numberOption(str('seed'), 'seed', { integer: true }) ?? 0;
  const confidence = numberOption(str('confidence'), 'confidence', { min: 0.5, max: 0.999 }) ?? 0.95;
  const read = readOptionsFrom(v);
  const evalRead = evalReadOptions(v, read);
  await preflightTracking(v);

  const train = await readTable(data, read);
  const evalPath = str('eval');
  const evaluation = evalPath ? await readEvalTable(evalPath, evalRead) : train.table;
  if (evalPath) {
    const inputs = (spec: string | undefined) => (spec === undefined ? [] : train.table.has(spec) ? [spec] : columnsOf(parseExpression(spec)));
    requireEvalColumns(evaluation, { score, sensitive, label: inputs(label), '--pred': inputs(str('pred')), '--where': inputs(str('where')) }, evalPath);
    checkEvalLabel(train.table, evaluation, label, { train: data, eval: evalPath }, str('positive'));
  }
  const mitigation = thresholdOptimizer(train.table, {
    label,
    score: score.length === 1 ? score[0] : score,
    sensitive,
    constraint: constraint as ThresholdConstraint,
    objective,
    grid: numberOption(str('grid'), 'grid', { min: 1, max: 1_000_000, integer: true }),
    relax: numberOption(str('relax'), 'relax', { min: 0, max: 1 }),
    deterministic: v.deterministic === true,
    positive: str('positive'),
    classes: list(str('classes')),
    where: str('where'),
    file: data,
  });
  await writeFileAtomic(out, `${JSON.stringify(mitigation, null, 2)}\n`);

  const split = evalPath ? 'evaluation' : 'training';
  const prepared = beforeAndAfter(evaluation, mitigation, { pred: str('pred'), threshold: numberOption(str('threshold'), 'threshold') ?? 0.5, include: whereMask(evaluation, str('where')) });
  const result = compareBeforeAfter(prepared.table, {
    label,
    positive: mitigation.task === 'binary' ? mitigation.classes[1] : undefined,
    task: mitigation.task,
    sensitive: [sensitive],
    before: prepared.before,
    after: prepared.after,
    where: str('where'),
    name: nameOf(mitigation),
    method: 'threshold_optimizer',
    params: paramsOf(mitigation),
    data: { file: evalPath ?? data, split, ...(evalPath ? {} : { note: 'evaluated on the training rows the thresholds were fitted on (pass --eval DATA for held-out rows): the after metrics are optimistic' }) },
    disparity: disparityOf(mitigation),
    bootstrap,
    seed,
    confidence,
  });

  const reportDir = str('report');
  if (reportDir) {
    const insights = mitigatedInsights(prepared.table, mitigation, prepared, { label, sensitive, where: str('where'), bootstrap, seed, confidence });
    insights.source = { ...insights.source, file: evalPath ?? data };
    insights.mitigations = [result];
    insights.mitigation = { file: out, method: 'threshold_optimizer', constraint: mitigation.constraint, task: mitigation.task, randomized: mitigation.task === 'binary' && mitigation.randomized, mode: mitigation.task === 'binary' && mitigation.randomized ? 'expected' : 'deterministic', seed: null, expected: null };
    await writeFileAtomic(join(reportDir, 'insights.json'), `${JSON.stringify(insights, null, 2)}\n`);
    const { writeReport } = await import('../adapters/report.js');
    await writeReport(join(reportDir, 'report.html'), { insights, title: `Mitigation — ${nameOf(mitigation)}` });
  }

  const document = { schemaVersion: 1, mitigation, mitigations: [result] };
  await recordRunFromCli(v, { kind: 'mitigate', argv: ['postprocess', ...argv], dataPaths: evalPath ? [data, evalPath] : [data], modelPaths: [out], document });
  if (v.json === true) {
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return 0;
  }
  const color = typeof v.color === 'boolean' ? v.color : Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const style = makeStyle(color);
  process.stdout.write(`${renderMitigationText(mitigation, style)}\n\n${renderBeforeAfterText(result, style)}\n`);
  process.stdout.write(`\nWrote ${resolve(out)}${reportDir ? `\n  and ${resolve(reportDir, 'insights.json')}\n  and ${resolve(reportDir, 'report.html')}` : ''}\n`);
  return 0;
}

/** 1 for the rows `where` keeps (all rows without it). */
function whereMask(table: Table, where: string | undefined): Uint8Array | undefined {
  return where === undefined || where.trim() === '' ? undefined : evaluateMask(parseExpression(where), table).toMask();
}

const BEFORE_COLUMN = '__candor_unmitigated';
const AFTER_COLUMN = '__candor_mitigated';

interface Prepared {
  table: Table;
  before: MitigationPredictions;
  after: MitigationPredictions;
  /** Binary: P(positive) per row under the mitigation. */
  probability: Float64Array | null;
}

/**
 * The evaluation rows with the unmitigated and the mitigated predictions: binary, P(positive)
 * under the rule and `score >= threshold` (or --pred); multiclass, the rule's class and the
 * scores' argmax (or --pred) as class columns.
 */
function beforeAndAfter(table: Table, m: Mitigation, o: { pred?: string; threshold: number; include?: Uint8Array }): Prepared {
  if (m.task === 'binary') {
    const probability = positiveProbability(table, m, o.include);
    let before: MitigationPredictions;
    if (o.pred !== undefined) before = { pred: o.pred };
    else {
      const score = scoreValues(table, m.score);
      before = { probability: Float64Array.from(score, (s) => (Number.isNaN(s) ? NaN : s >= o.threshold ? 1 : 0)) };
    }
    return { table, before, after: { probability }, probability };
  }
  const decisions = multiclassDecisions(table, m, o.include);
  let out = table.withColumn(categoricalFromCodes(AFTER_COLUMN, decisions, m.classes));
  let before: MitigationPredictions;
  if (o.pred !== undefined) before = { pred: o.pred };
  else {
    const scores = m.scores.map((s) => scoreValues(table, s));
    const zero = new Float64Array(scores.length);
    const argmax = new Int32Array(table.rowCount);
    for (let i = 0; i < argmax.length; i++) argmax[i] = offsetArgmax(scores, i, zero);
    out = out.withColumn(categoricalFromCodes(BEFORE_COLUMN, argmax, m.classes));
    before = { pred: BEFORE_COLUMN };
  }
  return { table: out, before, after: { pred: AFTER_COLUMN }, probability: null };
}

/** The assessment of the mitigated predictions (expected metrics for a randomised rule), for the report's main sections. */
function mitigatedInsights(table: Table, m: Mitigation, p: Prepared, o: { label: string; sensitive: string[]; where?: string; bootstrap: number; seed: number; confidence: number }): Insights {
  const common = { label: o.label, sensitive: [o.sensitive], where: o.where, bootstrap: o.bootstrap, seed: o.seed, confidence: o.confidence };
  if (m.task === 'binary') return assessExpected(table, p.probability!, { ...common, positive: m.classes[1] }, m.randomized ? 'mitigation (expected)' : 'mitigation');
  const insights = assess(table, { ...common, pred: AFTER_COLUMN, task: 'multiclass' });
  insights.config = { ...insights.config, pred: 'mitigation' };
  return insights;
}

const CONSTRAINT_NAMES: Record<string, string> = {
  demographic_parity: 'demographic parity',
  equalized_odds: 'equalized odds',
  true_positive_rate_parity: 'true positive rate parity',
  false_positive_rate_parity: 'false positive rate parity',
};

function nameOf(m: Mitigation): string {
  if (m.task === 'multiclass') return 'threshold optimizer, multiclass selection-rate parity';
  return `threshold optimizer, ${CONSTRAINT_NAMES[m.constraint]}${m.relax > 0 ? ` (relax ${m.relax})` : ''}${m.randomized ? '' : ', deterministic'}`;
}

function paramsOf(m: Mitigation): Record<string, unknown> {
  if (m.task === 'multiclass') return { constraint: m.constraint, objective: m.objective, scores: m.scores, classes: m.classes };
  return { constraint: m.constraint, objective: m.objective, grid: m.grid, relax: m.relax, randomized: m.randomized, score: m.score };
}

/** The disparity the mitigation targets, for the trade-off plot. */
function disparityOf(m: Mitigation): string {
  if (m.task === 'multiclass') return 'selection_rate_difference_max';
  return { demographic_parity: 'demographic_parity_difference', equalized_odds: 'equalized_odds_difference', true_positive_rate_parity: 'equal_opportunity_difference', false_positive_rate_parity: 'false_positive_rate_difference' }[m.constraint];
}

/** True minus signs, as in every other number Candor prints (and the report). */
const minus = (text: string) => text.replace(/^-/, '−');

/** A value with `digits` decimals; `—` when undefined. */
export const fmt = (v: number | null | undefined, digits = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : minus(v.toFixed(digits)));

/**
 * A change with its sign, as `+0.012`, `−0.012` — and `±0.000` when it rounds to zero, so no
 * `−0.000` appears and every change in a column has the same width.
 */
export function signed(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const text = Math.abs(v).toFixed(digits);
  return `${Number(text) === 0 ? '±' : v > 0 ? '+' : '−'}${text}`;
}

/** A change's interval with signed ends, `[−0.028, +0.003]`, as `candor compare` prints them. */
const signedCi = (ci: [number, number] | null | undefined) => (ci ? `[${signed(ci[0])}, ${signed(ci[1])}]` : '—');

/** A threshold to four significant digits (trailing zeros kept, so they line up), or ±∞. */
const threshold = (t: number | 'Infinity' | '-Infinity') => (t === 'Infinity' ? '+∞' : t === '-Infinity' ? '−∞' : minus(Math.abs(t) >= 1e4 ? t.toFixed(0) : t.toPrecision(4)));

/** The fitted rule as text: one line per group. */
export function renderMitigationText(m: Mitigation, style: Style): string {
  const head = `${style.bold(nameOf(m))} fitted on ${m.training.file ?? 'the data'}: ${m.training.rows.toLocaleString('en-US')} rows`;
  const groupName = (key: Record<string, string>) => `${m.sensitive.join(' × ')} = ${m.sensitive.map((s) => key[s]).join(' | ')}`;
  if (m.task === 'multiclass') return renderMulticlass(m, style, head, groupName);
  const rows = m.groups.map((g) => {
    const parts = [`${g.operation0.operator} ${threshold(g.operation0.threshold)}${g.p1 > 0 ? ` (p ${fmt(g.p0)})` : ''}`];
    if (g.p1 > 0) parts.push(`${g.operation1.operator} ${threshold(g.operation1.threshold)} (p ${fmt(g.p1)})`);
    const ignore = g.p_ignore > 0 ? `; with p ${fmt(g.p_ignore)} instead positive at rate ${fmt(g.prediction_constant)}` : '';
    return [groupName(g.key), g.training.rows.toLocaleString('en-US'), `score ${parts.join(' or ')}${ignore}`, fmt(g.training.x), ...(m.constraint === 'equalized_odds' ? [fmt(g.training.y)] : [])];
  });
  const rate = m.constraint === 'equalized_odds' ? ['FPR', 'TPR'] : [{ demographic_parity: 'selection rate', true_positive_rate_parity: 'TPR', false_positive_rate_parity: 'FPR' }[m.constraint]];
  const lines = [head, formatTable(['group', 'rows', 'positive when', ...rate.map((r) => `${r} (train)`)], rows, style)];
  lines.push(style.dim(`objective ${m.objective}; grid ${m.grid}${m.relax > 0 ? `; relax ${m.relax}` : ''}; training constraint violation ${fmt(m.violation, 4)}${m.randomized ? ' (randomised rule)' : ' (deterministic: one threshold per group)'}`));
  return lines.join('\n');
}

function renderMulticlass(m: MulticlassMitigation, style: Style, head: string, groupName: (key: Record<string, string>) => string): string {
  const rows = m.groups.map((g) => [groupName(g.key), g.training.rows.toLocaleString('en-US'), g.offsets.map((o) => signed(o)).join(' '), g.training.rates.map((r) => fmt(r)).join(' ')]);
  return [head, formatTable(['group', 'rows', `offsets (${m.classes.join(', ')})`, 'class rates (train)'], rows, style), style.dim(`target rates ${m.rates.map((r) => fmt(r)).join(' ')}; training violation ${fmt(m.violation, 4)}`)].join('\n');
}

/**
 * A before/after comparison as text: overall and per group (the scope named on its first row
 * only), the disparities, the accuracy cost. Changes carry a sign and their paired interval in a
 * column of its own, with signed ends, so a column of changes lines up.
 */
export function renderBeforeAfterText(r: MitigationResult, style: Style): string {
  const lines = [`${style.bold('Before → after')} on ${r.data.file ?? 'the data'} (${r.data.rows.toLocaleString('en-US')} rows${r.expected ? '; expected metrics of the randomised rule' : ''})`];
  if (r.data.note) lines.push(style.yellow(r.data.note));
  const intervals = r.intervals.method !== 'none';
  const ci = intervals ? [`${Math.round(r.intervals.confidence * 100)}% CI`] : [];
  const cells = (m: { before: number | null; after: number | null; delta: { value: number | null; interval: [number, number] | null } }) => [
    fmt(m.before),
    fmt(m.after),
    signed(m.delta.value),
    ...(intervals ? [signedCi(m.delta.interval)] : []),
  ];
  const rows: string[][] = [];
  const scopes = [{ name: 'overall', metrics: r.overall.metrics }, ...r.groups.map((g) => ({ name: g.by.map((b) => g.key[b]).join(' | '), metrics: g.metrics }))];
  for (const s of scopes) {
    let first = true;
    for (const id of r.metrics) {
      const m = s.metrics[id];
      if (!m) continue;
      rows.push([first ? s.name : '', id, ...cells(m)]);
      first = false;
    }
  }
  lines.push(formatTable(['scope', 'metric', 'before', 'after', 'change', ...ci], rows, style));
  const disparities = r.disparities.map((d) => [d.by.join(' × '), d.metric, ...cells(d)]);
  if (disparities.length) lines.push('', formatTable(['by', 'disparity', 'before', 'after', 'change', ...ci], disparities, style));
  const c = r.accuracyCost;
  const cost = c.cost === null ? '—' : Number(Math.abs(c.cost).toFixed(3)) === 0 ? 'no cost to 3 decimals' : `${c.cost >= 0 ? 'lost' : 'gained'} ${Math.abs(c.cost).toFixed(3)}`;
  lines.push('', `Accuracy cost: ${fmt(c.before)} → ${fmt(c.after)}, ${cost}${c.interval ? ` (${ci[0] ?? 'interval'} of the accuracy lost [${fmt(c.interval[0])}, ${fmt(c.interval[1])}])` : ''}`);
  for (const w of r.warnings) lines.push(style.yellow(`warning: ${w.message}`));
  return lines.join('\n');
}

const DRAW_COLUMN = '__candor_mitigated_draw';

/**
 * `candor assess --mitigation FILE`: the mitigation's decisions assessed as usual. A randomised
 * rule reports its expected (probability-weighted) metrics in `overall`/`groups`/`fairness`; with
 * `randomize`, one draw seeded with `seed` instead, the expected metrics beside it in
 * `insights.mitigation.expected`.
 */
export async function assessWithMitigation(table: Table, options: AssessOptions, path: string, o: { randomize: boolean; seed: number }): Promise<Insights> {
  const m = await loadMitigation(path);
  if (options.pred !== undefined) throw userError('invalid_option', `--pred and --mitigation both give the predictions; drop --pred (the mitigation decides from its score column${m.task === 'binary' ? ` ${JSON.stringify(m.score)}` : 's'})`);
  if (options.threshold !== undefined) throw userError('invalid_option', '--threshold does not apply with --mitigation: the mitigation holds its own thresholds per group');
  if (options.task !== undefined && options.task !== m.task) throw userError('invalid_option', `--task ${options.task} does not match the ${m.task} mitigation in ${path}`);
  const applied = { file: path, method: m.method, constraint: m.constraint, task: m.task };
  const rename = (insights: Insights, pred: string) => {
    insights.config = { ...insights.config, pred, mitigation: path };
    insights.warnings = insights.warnings?.map((w) => ({ ...w, message: w.message.replaceAll(DRAW_COLUMN, pred).replaceAll(AFTER_COLUMN, pred) }));
    return insights;
  };
  const include = whereMask(table, options.where);
  if (m.task === 'multiclass') {
    const decided = table.withColumn(categoricalFromCodes(AFTER_COLUMN, multiclassDecisions(table, m, include), m.classes));
    const insights = rename(assess(decided, { ...options, pred: AFTER_COLUMN, task: 'multiclass' }), path);
    insights.mitigation = { ...applied, randomized: false, mode: 'deterministic', seed: null, expected: null };
    return insights;
  }
  const positive = m.classes[1];
  if (options.positive !== undefined && options.positive !== positive) throw userError('invalid_option', `--positive ${JSON.stringify(options.positive)} differs from the mitigation's positive label ${JSON.stringify(positive)}; drop --positive`);
  const probability = positiveProbability(table, m, include);
  const expected = assessExpected(table, probability, { ...options, positive }, m.randomized ? `${path} (expected)` : path);
  if (!o.randomize || !m.randomized) {
    expected.config = { ...expected.config, mitigation: path };
    expected.mitigation = { ...applied, randomized: m.randomized, mode: m.randomized ? 'expected' : 'deterministic', seed: null, expected: null };
    return expected;
  }
  const decided = table.withColumn(booleanColumn(DRAW_COLUMN, randomizedDecisions(probability, o.seed)));
  const insights = rename(assess(decided, { ...options, positive, pred: DRAW_COLUMN }), `${path} (randomised draw, seed ${o.seed})`);
  insights.mitigation = {
    ...applied,
    randomized: true,
    mode: 'draw',
    seed: o.seed,
    expected: { overall: expected.overall, groups: expected.groups.map((g) => ({ by: g.by, key: g.key, count: g.count, metrics: g.metrics })), fairness: expected.fairness },
  };
  return insights;
}

/** Writes insights.json and report.html for an assessment with --mitigation (the cohort explorer is off: its rows would need the mitigation). */
export async function writeMitigatedOutputs(dir: string, insights: Insights): Promise<void> {
  await writeFileAtomic(join(dir, 'insights.json'), `${JSON.stringify(insights, null, 2)}\n`);
  const { writeReport } = await import('../adapters/report.js');
  await writeReport(join(dir, 'report.html'), { insights });
}

/** One line on how the mitigation was applied, and for a draw the expected metrics beside it. */
export function renderAppliedMitigationText(insights: Insights, style: Style): string {
  const a = insights.mitigation;
  if (!a) return '';
  if (a.mode === 'deterministic') return style.dim(`predictions from ${a.file ?? 'the mitigation'} (${a.constraint}, deterministic)`);
  if (a.mode === 'expected') return style.dim(`expected (probability-weighted) metrics of the randomised rule in ${a.file ?? 'the mitigation'} (${a.constraint}); --randomize --seed N assesses one draw`);
  const e = a.expected;
  const parts = ['selection_rate', 'accuracy', 'true_positive_rate', 'false_positive_rate'].filter((k) => e && k in e.overall).map((k) => `${metricLabel(k)} ${fmt(e!.overall[k])}`);
  const fair = (e?.fairness ?? []).flatMap((f) => ['demographic_parity_difference', 'equalized_odds_difference'].filter((k) => typeof f[k] === 'number').map((k) => `${metricLabel(k)} (${f.by.join(' × ')}) ${fmt(f[k] as number)}`));
  return [style.dim(`one randomised draw of ${a.file ?? 'the mitigation'} (seed ${a.seed}); expected metrics beside it:`), `  ${[...parts, ...fair].join(' · ')}`].join('\n');
}

/**
 * `candor predict --mitigation`: the columns to add — `mitigated_prediction` (the class; for a
 * randomised rule one draw seeded with `seed`) and, for a binary rule, `mitigated_probability`
 * (P(positive)) — and a one-line summary.
 */
export async function mitigatedColumns(table: Table, path: string, seed: number): Promise<{ columns: Column[]; summary: string }> {
  const m = await loadMitigation(path);
  if (m.task === 'multiclass') {
    const decisions = multiclassDecisions(table, m);
    const missing = decisions.reduce((a, d) => a + (d < 0 ? 1 : 0), 0);
    return { columns: [categoricalFromCodes('mitigated_prediction', decisions, m.classes)], summary: `Applied ${path} (multiclass selection-rate parity) to ${table.rowCount.toLocaleString('en-US')} rows${missing ? ` (${missing} without a score)` : ''}` };
  }
  const probability = positiveProbability(table, m);
  const decisions = m.randomized ? randomizedDecisions(probability, seed) : Uint8Array.from(probability, (p) => (Number.isNaN(p) ? 255 : p >= 0.5 ? 1 : 0));
  let positives = 0;
  let missing = 0;
  for (const d of decisions) {
    if (d === 255) missing++;
    else positives += d;
  }
  const codes = Int32Array.from(decisions, (d) => (d === 255 ? -1 : d));
  const how = m.randomized ? `randomised decisions, seed ${seed}` : 'deterministic thresholds';
  return {
    columns: [categoricalFromCodes('mitigated_prediction', codes, m.classes), numericColumn('mitigated_probability', probability)],
    summary: `Applied ${path} (${m.constraint}; ${how}) to ${table.rowCount.toLocaleString('en-US')} rows: ${positives.toLocaleString('en-US')} predicted ${JSON.stringify(m.classes[1])}${missing ? `, ${missing} without a score` : ''}`,
  };
}
