import { join, resolve } from 'node:path';
import { readTable } from '../adapters/io/index.js';
import { writeFileAtomic } from '../adapters/atomic-write.js';
import { analyzeErrors } from '../error-analysis/index.js';
import type { Task } from '../assess/index.js';
import { userError } from '../errors/index.js';
import type { ErrorAnalysis, ErrorHeatMap, ErrorTree, WorstCohorts } from '../report/insights.js';
import { applyRoles, inferRoles } from '../table/index.js';
import { INSIGHTS_SCHEMA_VERSION } from '../version.js';
import { formatOptions, numberOption, parseArgs, type OptionSpecs } from './args.js';
import { READ_SPECS, list, readOptionsFrom } from './read-options.js';
import { formatTable, makeStyle, type Style } from './text-table.js';

const SPECS: OptionSpecs = {
  label: { type: 'string', value: 'COL|EXPR', help: "label column, or a boolean expression (\"income = '>50K'\")" },
  pred: { type: 'string', value: 'COL|EXPR', help: 'predicted label column, or a boolean expression ("score >= 0.5")' },
  task: { type: 'string', value: 'binary|multiclass|regression', help: 'the task (inferred by default)' },
  positive: { type: 'string', value: 'VALUE', help: 'the label value that counts as positive (binary)' },
  weight: { type: 'string', value: 'COL', help: 'sample-weight column' },
  where: { type: 'string', value: 'EXPR', help: 'analyse only the rows where EXPR is true (every cohort expression includes it)' },
  features: { type: 'string', value: 'A,B,…', help: 'columns to split and slice on (default: all but the label, prediction, scores and ids)' },
  'max-depth': { type: 'string', value: 'N', help: 'maximum depth of the error tree (default 3)' },
  'max-leaves': { type: 'string', value: 'N', help: 'maximum leaves of the error tree (default 31)' },
  'min-leaf': { type: 'string', value: 'N', help: 'minimum rows in a leaf (default 20)' },
  heatmap: { type: 'string', value: 'A[,B]', help: 'an error heat map over one or two features' },
  bins: { type: 'string', value: 'N', help: 'bins of a numeric feature in the heat map and slices (default 8)' },
  binning: { type: 'string', value: 'equal|quantile', help: 'equal-width (default) or quantile bins' },
  'min-rows': { type: 'string', value: 'N', help: 'smallest cohort ranked among the worst (default 30)' },
  top: { type: 'string', value: 'N', help: 'worst cohorts listed (default 10)' },
  bootstrap: { type: 'string', value: 'N', help: 'bootstrap resamples of their error rates; 0 = Wilson intervals (default 1000)' },
  seed: { type: 'string', value: 'N', help: 'random seed (default 0)' },
  json: { type: 'boolean', help: 'print { schemaVersion, errorAnalysis } as JSON on stdout (and nothing else)' },
  out: { type: 'string', value: 'DIR', help: 'write DIR/error-analysis.json' },
  ...READ_SPECS,
  color: { type: 'boolean', help: 'colour terminal output (default: when stdout is a terminal)' },
};

export const ERRORS_HELP = `Usage: candor errors DATA --label L --pred P [options]

Finds where the model fails: an error tree (a surrogate tree on the features predicting the model's
error; every node is a cohort expression usable with --where and --cohort), an optional error heat
map over one or two features, and the worst cohorts (from the tree, one- and two-feature slices)
with confidence intervals. Needs only a predictions column, no model.

Options:
${formatOptions(SPECS)}

Examples:
  candor errors loans.csv --label repaid --pred "score >= 0.5"
  candor errors adult.csv --label "income = '>50K'" --pred pred --heatmap age,education --json`;

/** Runs `candor errors`. */
export async function runErrors(argv: string[]): Promise<number> {
  const { positionals, values: v } = parseArgs(argv, SPECS, 'errors');
  if (positionals.length > 1) throw userError('invalid_arguments', `expected one data file, found ${positionals.length}: ${positionals.join(' ')} (quote expressions that contain spaces)`);
  const data = positionals[0];
  if (!data) throw userError('missing_data', 'no data file: give one, e.g. candor errors data.csv --label y --pred y_hat (see candor errors --help)');
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const label = str('label');
  if (!label) throw userError('missing_option', 'no label: pass --label COLUMN (or a boolean expression such as "income = \'>50K\'")');
  const pred = str('pred');
  if (!pred) throw userError('missing_option', 'no prediction: pass --pred COLUMN or a boolean expression such as "score >= 0.5"');
  const task = str('task');
  if (task !== undefined && task !== 'binary' && task !== 'multiclass' && task !== 'regression') throw userError('invalid_option', `invalid --task: ${JSON.stringify(task)} (expected binary, multiclass or regression)`, { option: 'task' });
  const binning = str('binning') ?? 'equal';
  if (binning !== 'equal' && binning !== 'quantile') throw userError('invalid_option', `invalid --binning: ${JSON.stringify(binning)} (expected equal or quantile)`, { option: 'binning' });
  const int = (k: string, min: number) => numberOption(str(k), k, { min, integer: true });
  const target = { label, pred, task: task as Task | undefined, positive: str('positive'), weight: str('weight'), where: str('where') };
  const features = list(str('features'));
  const heatmapFeatures = list(str('heatmap'));
  if (heatmapFeatures && (heatmapFeatures.length < 1 || heatmapFeatures.length > 2)) throw userError('invalid_option', `invalid --heatmap: ${JSON.stringify(str('heatmap'))} (expected one or two columns, A or A,B)`, { option: 'heatmap' });
  const treeOptions = { features, maxDepth: int('max-depth', 0), maxLeaves: int('max-leaves', 1), minLeafRows: int('min-leaf', 1) };
  const bins = int('bins', 1);

  const read = await readTable(data, readOptionsFrom(v));
  // Identifiers and scores are never default features: take the roles their names and values suggest.
  const table = features ? read.table : applyRoles(read.table, inferRoles(read.table).filter((p) => p.source !== 'default' && (p.role === 'id' || p.role === 'score')));
  const errorAnalysis = analyzeErrors(table, { ...target, ...treeOptions, heatmap: heatmapFeatures, bins, binning, minRows: int('min-rows', 1), top: int('top', 1), bootstrap: int('bootstrap', 0), seed: int('seed', 0) });
  const doc = { schemaVersion: INSIGHTS_SCHEMA_VERSION, errorAnalysis };
  const out = str('out');
  if (out) await writeFileAtomic(join(out, 'error-analysis.json'), `${JSON.stringify(doc, null, 2)}\n`);
  if (v.json === true) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  else {
    const color = typeof v.color === 'boolean' ? v.color : Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    process.stdout.write(`${renderErrorsText(errorAnalysis, makeStyle(color))}\n`);
    if (out) process.stdout.write(`\nWrote ${resolve(out, 'error-analysis.json')}\n`);
  }
  return 0;
}

const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);
const num = (x: number | null) => (x === null ? '—' : Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4))));

/** The error analysis as text: the tree indented, the heat map's cells and the worst cohorts. */
export function renderErrorsText(analysis: ErrorAnalysis, style: Style): string {
  const lines = [...renderTree(analysis.tree, style)];
  if (analysis.heatmap) lines.push('', ...renderHeatMap(analysis.heatmap, analysis.tree.task === 'regression', style));
  if (analysis.worstCohorts) lines.push('', ...renderWorst(analysis.worstCohorts, analysis.tree.task === 'regression', style));
  const warnings = analysis.tree.warnings;
  if (warnings.length) lines.push('', style.bold('Warnings'), ...warnings.map((w) => `  ${w.message}`));
  return lines.join('\n');
}

function renderTree(tree: ErrorTree, style: Style): string[] {
  const regression = tree.task === 'regression';
  const root = tree.nodes[0];
  const rate = regression ? 'mean abs error' : 'error rate';
  const head = `${style.bold('Error tree')} (${tree.task}; ${num(root.rows)} rows, ${regression ? 'mean absolute error' : 'error rate'} ${regression ? num(root.errorRate) : pct(root.errorRate)}; depth ≤ ${tree.maxDepth}, ≤ ${tree.maxLeaves} leaves, ≥ ${tree.minLeafRows} rows per leaf)`;
  const lines = [head, style.dim(`  #id  rows · ${rate} · coverage (share of all errors) · cohort expression`)];
  const walk = (id: number, prefix: string, branch: string) => {
    const n = tree.nodes[id];
    const text = `#${n.id}  ${num(n.rows)} rows · ${regression ? num(n.errorRate) : pct(n.errorRate)} · ${pct(n.coverage)} · ${n.expression}`;
    lines.push(`${prefix}${branch}${text}`);
    if (n.children) {
      const next = prefix + (branch === '├─ ' ? '│  ' : branch === '└─ ' ? '   ' : '');
      walk(n.children[0], next, '├─ ');
      walk(n.children[1], next, '└─ ');
    }
  };
  walk(0, '  ', '');
  return lines;
}

function renderHeatMap(map: ErrorHeatMap, regression: boolean, style: Style): string[] {
  const rows = map.cells.map((c) => [...c.index.map((b, d) => map.axes[d].bins[b].label), num(c.rows), regression ? num(c.errorRate) : pct(c.errorRate), c.expression]);
  return [`${style.bold('Error heat map')} (${map.features.join(' × ')}; ${map.binning} bins)`, formatTable([...map.features, 'rows', regression ? 'mae' : 'error rate', 'expression'], rows, style)];
}

function renderWorst(worst: WorstCohorts, regression: boolean, style: Style): string[] {
  const how = worst.interval.method === 'bootstrap' ? `bootstrap, ${worst.interval.resamples} resamples, seed ${worst.interval.seed}` : 'Wilson';
  const head = `${style.bold('Worst cohorts')} (≥ ${worst.minRows} rows, ranked by the lower bound of the ${Math.round(worst.interval.confidence * 100)}% interval; ${how}; overall ${regression ? num(worst.overallErrorRate) : pct(worst.overallErrorRate)}; ${worst.candidates} candidates)`;
  const rows = worst.cohorts.map((c, k) => [
    String(k + 1),
    num(c.rows),
    regression ? num(c.errorRate) : pct(c.errorRate),
    c.ci ? (regression ? `${num(c.ci[0])}–${num(c.ci[1])}` : `${pct(c.ci[0])}–${pct(c.ci[1])}`) : '—',
    c.lift === null ? '—' : `${c.lift.toFixed(2)}×`,
    c.source,
    c.expression,
  ]);
  return [head, formatTable(['#', 'rows', regression ? 'mae' : 'error rate', 'interval', 'lift', 'from', 'expression'], rows, style)];
}
