import { resolve } from 'node:path';
import { readTable } from '../adapters/io/index.js';
import { writeFileAtomic } from '../adapters/atomic-write.js';
import { loadModel } from '../adapters/load-model.js';
import { modelPositive, resolveColumn } from '../assess/resolve.js';
import { parseCohortFlag } from '../cohort/index.js';
import { userError } from '../errors/index.js';
import { parseBackground, type PartialDependence, partialDependence, type PermutationImportance, permutationImportance } from '../explain/index.js';
import type { Table } from '../table/index.js';
import { formatOptions, numberOption, parseArgs, type OptionSpecs } from './args.js';
import { runShap } from './explain-shap.js';
import { LABEL_LIKE } from './predict.js';
import { list, READ_SPECS, readOptionsFrom } from './read-options.js';
import { formatTable, makeStyle, type Style } from './text-table.js';

const METHODS = ['permutation', 'pdp', 'treeshap', 'kernelshap', 'mimic'] as const;

const SPECS: OptionSpecs = {
  model: { type: 'string', value: 'FILE|URL', help: 'an .onnx file, an XGBoost .json model, or an http(s):// endpoint' },
  method: { type: 'string', value: METHODS.join('|'), help: 'permutation importance, partial dependence with ICE curves, exact TreeSHAP (XGBoost and ONNX trees), KernelSHAP (any model) or a mimic (global surrogate)' },
  label: { type: 'string', value: 'COL|EXPR', help: 'permutation: the label column, or a boolean expression' },
  positive: { type: 'string', value: 'VALUE', help: "permutation: the label value that counts as positive (default: the model's positive class)" },
  metric: { type: 'string', value: 'ID', help: 'permutation: the metric (default roc_auc for binary, accuracy for multiclass, r2 for regression)' },
  repeats: { type: 'string', value: 'N', help: 'permutation: shuffles per feature (default 5)' },
  sample: { type: 'string', value: 'N', help: 'permutation: score N random rows; mimic: train and hold out on N random rows (default: all rows)' },
  feature: { type: 'string', value: 'COL', help: 'pdp: the feature to trace' },
  grid: { type: 'string', value: 'N', help: 'pdp: grid points of a numeric feature (default 20)' },
  rows: { type: 'string', value: 'N', help: 'pdp: rows traced as ICE curves (default 500); SHAP and mimic importance: rows explained, sampled with --seed (default all, up to 1,000,000)' },
  class: { type: 'string', value: 'LABEL', help: 'pdp: the class whose probability is traced (default: the positive class); SHAP: the class explained (default: the positive class, or every class)' },
  background: { type: 'string', value: 'N|kmeans:K', help: 'kernelshap: N background rows sampled with --seed, or K weighted k-means centroids (default 100)' },
  budget: { type: 'string', value: 'N', help: 'kernelshap: coalitions per row (default 2 × features + 2048; all of them when that covers 2^features − 2: exact)' },
  workers: { type: 'string', value: 'N', help: 'kernelshap: worker threads for a model file (default: one per core)' },
  output: { type: 'string', value: 'raw|probability', help: 'kernelshap: explain classifiers in log-odds (raw margin; default) or probability space' },
  row: { type: 'string', value: 'N', help: 'SHAP: print the local explanation of data row N (kernelshap explains that row alone)' },
  top: { type: 'string', value: 'N', help: 'SHAP: contributions listed for --row (default 10)' },
  'mimic-learner': { type: 'string', value: 'tree|gbdt', help: 'mimic: the surrogate, a CART tree (depth ≤ 8) or gradient boosting (default gbdt)' },
  cohort: { type: 'string', multiple: true, value: 'NAME=EXPR', help: 'SHAP: mean |SHAP| in this cohort beside all rows, e.g. "seniors=age > 60"' },
  seed: { type: 'string', value: 'N', help: 'random seed (default 0)' },
  features: { type: 'string', value: 'A,B,…', help: 'columns fed to a model taking one feature tensor, in order' },
  exclude: { type: 'string', value: 'A,B,…', help: 'columns never fed to it (default: the label and label-like names)' },
  mapping: { type: 'string', value: 'FILE.json', help: 'ONNX: input/output names and classes the model does not declare' },
  json: { type: 'boolean', help: 'print the result as JSON on stdout (and nothing else)' },
  out: { type: 'string', value: 'FILE', help: 'write the result as JSON to FILE; for SHAP, FILE.csv gets one row per explained row: a contribution per feature and base_value; for mimic, FILE.onnx gets the surrogate' },
  ...READ_SPECS,
  color: { type: 'boolean', help: 'colour terminal output (default: when stdout is a terminal)' },
};

export const EXPLAIN_HELP = `Usage: candor explain DATA --model M --method permutation|pdp|treeshap|kernelshap|mimic [options]

Explains a model through its predictions on DATA.
  permutation  how much the metric drops when one feature's values are shuffled (mean ± std over
               --repeats shuffles, each its own); needs --label
  pdp          partial dependence of the prediction on --feature, with ICE curves for --rows rows
  treeshap     exact path-dependent SHAP values of an XGBoost .json model or an ONNX tree ensemble
  kernelshap   SHAP values of any model (KernelSHAP against a background set; rows × coalitions ×
               background rows model evaluations, estimated before it starts)
  mimic        a global surrogate (--mimic-learner tree|gbdt) trained on the model's outputs, its
               fidelity (R² and agreement on held-out rows), and its mean |SHAP| by exact TreeSHAP:
               for black boxes that are slow or costly to call (the model is called once per row)
SHAP methods explain classifiers in raw-margin (log-odds) space, as XGBoost's pred_contribs, and
print mean |SHAP| per feature; --cohort adds it per cohort, --row one row's top contributions.

Options:
${formatOptions(SPECS)}

Examples:
  candor explain adult.csv --model gbdt.onnx --label "income = '>50K'" --method permutation
  candor explain adult.csv --model gbdt.onnx --method pdp --feature age --json
  candor explain adult.csv --model model.json --method treeshap --out shap.csv
  candor explain adult.csv --model gbdt.onnx --method kernelshap --background kmeans:20 --rows 2000 \
    --cohort "young=age < 30" --cohort "old=age >= 60"
  candor explain adult.csv --model gbdt.onnx --method kernelshap --row 17
  candor explain adult.csv --model http://host/v2/models/m --method mimic --mimic-learner tree --out mimic.onnx`;

/** Runs `candor explain`. */
export async function runExplain(argv: string[]): Promise<number> {
  const { positionals, values: v } = parseArgs(argv, SPECS, 'explain');
  if (positionals.length > 1) throw userError('invalid_arguments', `expected one data file, found ${positionals.length}: ${positionals.join(' ')} (quote expressions that contain spaces)`);
  const data = positionals[0];
  if (!data) throw userError('missing_data', 'no data file: give one, e.g. candor explain data.csv --model model.onnx --method permutation --label y (see candor explain --help)');
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const int = (k: string, min: number) => numberOption(str(k), k, { min, integer: true });
  const spec = str('model');
  if (!spec) throw userError('missing_option', 'no model: pass --model model.onnx, --model model.json (XGBoost) or --model http://host/v2/models/NAME');
  const method = str('method');
  if (!method) throw userError('missing_option', `no method: pass --method ${METHODS.join(' or --method ')}`);
  if (!(METHODS as readonly string[]).includes(method)) throw userError('invalid_option', `invalid --method: ${JSON.stringify(method)} (expected ${METHODS.join(' or ')})`, { option: 'method' });
  const label = str('label');
  const feature = str('feature');
  if (method === 'permutation' && !label) throw userError('missing_option', 'no label: permutation importance needs --label COLUMN (or a boolean expression)');
  if (method === 'pdp' && !feature) throw userError('missing_option', 'no feature: partial dependence needs --feature COLUMN');
  const repeats = int('repeats', 1);
  const sample = int('sample', 1);
  const grid = int('grid', 2);
  const rows = int('rows', 1);
  const seed = int('seed', 0) ?? 0;

  const { table } = await readTable(data, readOptionsFrom(v));
  const exclude = list(str('exclude')) ?? table.names().filter((n) => LABEL_LIKE.test(n) || n === label);
  const model = await loadModel(spec, { features: list(str('features')), exclude, mapping: str('mapping') });
  if (method === 'mimic') {
    const { mimicLearner, runMimic } = await import('./explain-mimic.js');
    return runMimic(model, table, { learner: mimicLearner(str('mimic-learner')), sample, rows, seed, out: str('out'), json: v.json === true, color: typeof v.color === 'boolean' ? v.color : undefined });
  }
  if (str('mimic-learner') !== undefined) throw userError('invalid_option', '--mimic-learner is for --method mimic', { option: 'mimic-learner' });
  if (method === 'treeshap' || method === 'kernelshap') {
    const output = str('output') ?? 'raw';
    if (output !== 'raw' && output !== 'probability') throw userError('invalid_option', `invalid --output: ${JSON.stringify(output)} (expected raw or probability)`, { option: 'output' });
    return runShap(model, table, {
      method,
      spec,
      mapping: str('mapping'),
      rows,
      row: int('row', 0),
      top: int('top', 1) ?? 10,
      seed,
      cls: str('class'),
      output,
      background: parseBackground(str('background') ?? '100'),
      budget: int('budget', 1),
      workers: int('workers', 1),
      cohorts: ((v.cohort as string[] | undefined) ?? []).map(parseCohortFlag),
      out: str('out'),
      json: v.json === true,
      color: typeof v.color === 'boolean' ? v.color : undefined,
    });
  }
  const result =
    method === 'permutation'
      ? await permutationImportance(model, table, { label: label as string, positive: str('positive'), metric: str('metric'), repeats, seed, sample: sample === undefined ? undefined : { rows: sample, seed } })
      : await partialDependence(model, table, { feature: feature as string, grid, rows, seed, class: str('class') });
  const out = str('out');
  if (out) await writeFileAtomic(out, `${JSON.stringify(result, null, 2)}\n`);
  if (v.json === true) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const color = typeof v.color === 'boolean' ? v.color : Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    const style = makeStyle(color);
    const positive = result.method === 'permutation' && model.task === 'binary' ? describePositive(model.classes, table, label as string, str('positive')) : undefined;
    process.stdout.write(`${result.method === 'permutation' ? renderImportance(result, style, positive) : renderPartialDependence(result, style)}\n`);
    if (out) process.stdout.write(`\nWrote ${resolve(out)}\n`);
  }
  return 0;
}

const num = (x: number | null) => (x === null ? '—' : Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4))));
const BAR = 30;
const bar = (x: number, max: number) => (max > 0 && x > 0 ? '█'.repeat(Math.max(1, Math.round((BAR * x) / max))) : '');

/**
 * Which label rows count as positive and which model class scores them, as a line: a condition or
 * boolean column says which side (`income = '>50K.' is true`), so an inverted pairing shows.
 */
export function describePositive(classes: readonly string[], table: Table, labelSpec: string, positive: string | undefined): string {
  const column = resolveColumn(table, labelSpec, 'label');
  const target = modelPositive(classes, column, positive);
  const rows = column.type === 'boolean' ? `${labelSpec} is ${target.positive}` : `${labelSpec} = ${JSON.stringify(target.positive)}`;
  return `Positive: ${rows}, scored by the model's class ${JSON.stringify(classes[target.index])}`;
}

/** Permutation importance as a bar list: mean ± std per feature, most important first; `positive` is a line from {@link describePositive}. */
export function renderImportance(r: PermutationImportance, style: Style, positive?: string): string {
  const sampled = r.sample ? `${num(r.rows)} of ${num(r.sample.of)} rows sampled with seed ${r.sample.seed}` : `${num(r.rows)} rows`;
  const head = `${style.bold('Permutation importance')} (drop in ${r.metric} from ${num(r.baseline)}; ${r.repeats} repeats, seed ${r.seed}; ${sampled})${positive ? `\n${positive}` : ''}`;
  const max = Math.max(0, ...r.features.map((f) => f.mean ?? 0));
  const rows = r.features.map((f) => [f.name, num(f.mean), f.std === null ? '—' : `± ${num(f.std)}`]);
  return [head, withBars(formatTable(['feature', 'importance', 'std'], rows, style), r.features.map((f) => bar(f.mean ?? 0, max)))].join('\n');
}

/** Partial dependence as a table: each grid value's average and the spread of the ICE curves. */
export function renderPartialDependence(pd: PartialDependence, style: Style): string {
  const what = pd.output === 'value' ? 'prediction' : pd.output === 'probability' ? `P(${pd.class})` : `share predicted ${pd.class}`;
  const traced = pd.rows < pd.of ? `${num(pd.rows)} of ${num(pd.of)} rows sampled with seed ${pd.seed}` : `${num(pd.rows)} rows`;
  const head = `${style.bold('Partial dependence')} of ${what} on ${pd.feature} (${pd.kind}; ${traced})`;
  const lo = Math.min(...pd.average);
  const hi = Math.max(...pd.average);
  const rows = pd.grid.map((g, k) => {
    const ice = pd.ice?.map((c) => c[k]) ?? [];
    return [
      typeof g === 'number' ? num(g) : g,
      num(pd.average[k]),
      ice.length ? num(ice.reduce((a, b) => Math.min(a, b))) : '—',
      ice.length ? num(ice.reduce((a, b) => Math.max(a, b))) : '—',
    ];
  });
  const bars = pd.average.map((a) => (hi > lo ? '█'.repeat(1 + Math.round(((BAR - 1) * (a - lo)) / (hi - lo))) : ''));
  return [head, withBars(formatTable([pd.feature, 'average', 'ice min', 'ice max'], rows, style), bars)].join('\n');
}

/** Appends a left-aligned bar to each body line of a formatted table (after its header and rule). */
function withBars(table: string, bars: readonly string[]): string {
  const lines = table.split('\n');
  const width = Math.max(...lines.map((l) => l.length));
  return lines.map((l, i) => (i >= 2 && bars[i - 2] ? `${l.padEnd(width)}  ${bars[i - 2]}` : l)).join('\n');
}
