import { resolve } from 'node:path';
import { writeFileAtomic } from '../adapters/atomic-write.js';
import { userError } from '../errors/index.js';
import { fitMimic, type MimicFidelity, type MimicResult, shapImportance, shapTreesFromGbdt, shapTreesFromTree, treeShap } from '../explain/index.js';
import { sampleIndices } from '../explain/permutation.js';
import { type GbdtModel, toOnnx, type TreeModel } from '../learn/index.js';
import type { Model } from '../model/index.js';
import { Random } from '../stats/index.js';
import type { Table } from '../table/index.js';
import { MAX_DEFAULT_ROWS } from './explain-shap.js';
import { formatTable, makeStyle, type Style } from './text-table.js';

/** What `candor explain --method mimic` was asked. */
export interface MimicRequest {
  readonly learner: 'tree' | 'gbdt';
  /** Train and hold out on a seeded sample of this many rows (the model is called on those only). */
  readonly sample: number | undefined;
  /** Rows whose surrogate SHAP values make the importance (a seeded sample); undefined: all rows up to 1,000,000. */
  readonly rows: number | undefined;
  readonly seed: number;
  readonly out: string | undefined;
  readonly json: boolean;
  readonly color: boolean | undefined;
}

/** The surrogate's global importance: mean |SHAP| by exact TreeSHAP on the surrogate. */
interface SurrogateImportance {
  readonly method: 'treeshap';
  readonly space: string;
  readonly rows: number;
  readonly sample: { readonly rows: number; readonly seed: number; readonly of: number } | null;
  readonly features: readonly string[];
  readonly outputs: readonly string[];
  readonly expectedValue: number[];
  readonly meanAbs: number[][];
}

/**
 * `candor explain --method mimic`: a global surrogate (a CART tree or gradient boosting) trained on
 * the model's outputs, its fidelity on held-out rows, and what drives it — mean |SHAP| by exact
 * TreeSHAP on the surrogate, cheap on every row since the model is not called again. `--out
 * FILE.onnx` writes the surrogate as ONNX, any other FILE the result as JSON.
 */
export async function runMimic(model: Model, table: Table, req: MimicRequest): Promise<number> {
  const mimic = await fitMimic(model, table, { learner: req.learner, seed: req.seed, sample: req.sample === undefined ? undefined : { rows: req.sample, seed: req.seed } });
  const importance = surrogateImportance(mimic, model, table, req);
  const summary = {
    method: 'mimic' as const,
    learner: mimic.learner,
    target: mimic.target,
    features: mimic.features,
    seed: mimic.seed,
    sample: mimic.sample,
    trainRows: mimic.trainRows.length,
    holdoutRows: mimic.holdoutRows.length,
    fidelity: mimic.fidelity,
    trainFidelity: mimic.trainFidelity,
    importance,
  };
  if (req.out) {
    if (/\.onnx$/i.test(req.out)) await writeFileAtomic(req.out, toOnnx(mimic.surrogate as TreeModel | GbdtModel, { name: `mimic of ${model.name}` }));
    else await writeFileAtomic(req.out, `${JSON.stringify(summary, null, 2)}\n`);
  }
  if (req.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }
  const style = makeStyle(req.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR));
  process.stdout.write(`${renderMimic(summary, model, style)}\n`);
  if (req.out) process.stdout.write(`\nWrote ${resolve(req.out)}${/\.onnx$/i.test(req.out) ? ' (the surrogate; candor explain --method treeshap reads it)' : ''}\n`);
  return 0;
}

/** Mean |SHAP| of the surrogate on every row (a seeded sample above 1,000,000 or with --rows); a binary classifier's positive class only. */
function surrogateImportance(mimic: MimicResult, model: Model, table: Table, req: MimicRequest): SurrogateImportance {
  const surrogate = mimic.surrogate as TreeModel | GbdtModel;
  const ensemble = 'tree' in surrogate ? shapTreesFromTree(surrogate) : shapTreesFromGbdt(surrogate);
  const n = table.rowCount;
  const size = req.rows ?? (n > MAX_DEFAULT_ROWS ? MAX_DEFAULT_ROWS : undefined);
  const sample = size !== undefined && size < n ? { rows: size, seed: req.seed, of: n } : null;
  const rows = sample ? table.take(sampleIndices(n, sample.rows, new Random(sample.seed))) : table;
  const shap = treeShap(ensemble, rows);
  let outputs: string[] = mimic.target === 'labels' ? [...surrogate.classes] : mimic.target === 'scores' ? [model.classes[1]] : ['value'];
  let values = shap.values;
  let expectedValue = shap.expectedValue;
  // A tree classifier has one output per class; for two classes the second mirrors the first.
  if (mimic.target === 'labels' && model.task === 'binary' && values.length === 2) {
    values = [values[1]];
    expectedValue = [expectedValue[1]];
    outputs = [outputs[1]];
  }
  const space =
    mimic.target === 'values'
      ? 'value'
      : mimic.target === 'scores'
        ? `probability of ${model.classes[1]} (the surrogate regresses it)`
        : 'tree' in surrogate
          ? 'class probability (leaf class fractions)'
          : model.task === 'binary'
            ? 'margin (log-odds)'
            : 'margin (class logits)';
  return { method: 'treeshap', space, rows: shap.rows, sample, features: shap.features, outputs, expectedValue, meanAbs: shapImportance({ ...shap, values }) };
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const sig = (x: number | null) => (x === null ? '—' : x === 0 ? '0' : String(Number(x.toPrecision(4))));
const fidelityText = (f: MimicFidelity) => [f.r2 !== null ? `R² ${sig(f.r2)}` : null, f.accuracy !== null ? `agreement ${pct(f.accuracy)}` : null].filter((x) => x !== null).join(', ') || 'undefined';

function renderMimic(s: { learner: string; target: string; sample: MimicResult['sample']; trainRows: number; holdoutRows: number; seed: number; fidelity: MimicFidelity; trainFidelity: MimicFidelity; importance: SurrogateImportance }, model: Model, style: Style): string {
  const learnt = s.target === 'labels' ? 'predicted classes' : s.target === 'scores' ? `probability of ${model.classes[1]}` : 'predictions';
  const sampled = s.sample ? ` (a sample of ${s.sample.rows.toLocaleString('en-US')} of ${s.sample.of.toLocaleString('en-US')} rows, seed ${s.sample.seed})` : '';
  const imp = s.importance;
  const order = imp.features.map((_, j) => j).sort((a, b) => imp.meanAbs[0][b] - imp.meanAbs[0][a] || a - b);
  const top = Math.max(0, ...imp.meanAbs[0]);
  const rows = order.map((j) => [imp.features[j], ...imp.meanAbs.map((m) => sig(m[j])), top > 0 ? '█'.repeat(Math.round((imp.meanAbs[0][j] / top) * 30)) : '']);
  const heads = imp.outputs.length > 1 ? imp.outputs.map((o) => `mean |SHAP| ${o}`) : ['mean |SHAP|'];
  const rowsText = imp.sample ? `${imp.sample.rows.toLocaleString('en-US')} of ${imp.sample.of.toLocaleString('en-US')} rows sampled with seed ${imp.sample.seed}` : `${imp.rows.toLocaleString('en-US')} rows`;
  return [
    `${style.bold(`Mimic: a ${s.learner === 'tree' ? 'decision tree' : 'gradient-boosting'} surrogate`)} trained on the model's ${learnt} over ${s.trainRows.toLocaleString('en-US')} rows${sampled}`,
    `fidelity on ${s.holdoutRows.toLocaleString('en-US')} held-out rows (seed ${s.seed}): ${style.bold(fidelityText(s.fidelity))}; on its training rows: ${fidelityText(s.trainFidelity)}`,
    '',
    `${style.bold('Surrogate importance')}: mean |SHAP| by exact TreeSHAP on ${rowsText} — ${imp.space}; it holds for the model as far as the fidelity does`,
    formatTable(['feature', ...heads, ''], rows, style),
  ].join('\n');
}

/** Parses `--mimic-learner`. */
export function mimicLearner(text: string | undefined): MimicRequest['learner'] {
  if (text === undefined) return 'gbdt';
  if (text !== 'tree' && text !== 'gbdt') throw userError('invalid_option', `invalid --mimic-learner: ${JSON.stringify(text)} (expected tree or gbdt: surrogates TreeSHAP explains exactly)`, { option: 'mimic-learner' });
  return text;
}
