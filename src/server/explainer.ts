import { readFile } from 'node:fs/promises';
import { isUserError } from '../errors/index.js';
import { type ShapEnsemble, shapTreesFromGbdt, shapTreesFromXgboost, treeShap } from '../explain/index.js';
import { sampleIndices } from '../explain/permutation.js';
import { shapTreesFromOnnx } from '../explain/treeshap-onnx.js';
import type { GbdtModel } from '../learn/gbdt.js';
import { type Model, predictXgboostMargins, type XgboostModel } from '../model/index.js';
import { Random } from '../stats/index.js';
import type { Table } from '../table/index.js';

/** A tree ensemble that explains a live model exactly, with what each of its outputs is. */
export interface TreeExplainer {
  readonly ensemble: ShapEnsemble;
  /** Per output of the ensemble: the class it scores (`value` for regression). */
  readonly outputs: readonly string[];
  /** Where the node covers came from, when worth saying (counted on a sample of the rows). */
  readonly covers?: string;
}

/** The TreeSHAP explainer of a model, or why it has none (then KernelSHAP explains it). */
export type TreeExplainerResult = { readonly tree: TreeExplainer; readonly note: null } | { readonly tree: null; readonly note: string };

/** Rows on which the ensemble's raw output is checked against the model's own predictions. */
const CHECK_ROWS = 32;
/** Largest difference tolerated in that check (ONNX runs in float32). */
const CHECK_TOLERANCE = 1e-3;
/**
 * Rows node covers are counted on at most (a seeded sample above): counting a million rows down
 * every tree takes seconds, and a 100,000-row sample gives each node's share of rows to within a
 * fraction of a percent.
 */
export const COVER_ROWS = 100_000;

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * Exact TreeSHAP for the tree models Candor can read: XGBoost JSON models, Candor's own gradient
 * boosting, and ONNX tree ensembles (the file is read once here; node covers come from the
 * model's `nodes_hitrates`, else from the rows of `table` — a seeded sample of {@link COVER_ROWS}
 * above that — as `candor explain --method treeshap` does). The
 * ensemble is accepted only when its raw output, mapped through the model's link (identity,
 * logistic or softmax), reproduces the model's predictions on a seeded sample of rows; any other
 * model, or an ensemble that fails the check, is explained by KernelSHAP instead, and `note` says why.
 */
export async function treeExplainerFor(model: Model, table: Table, source: { file?: string; mappingInputs?: Record<string, string | string[]> } = {}): Promise<TreeExplainerResult> {
  try {
    const booster = (model as Partial<XgboostModel>).booster;
    const gbdt = model as Partial<GbdtModel>;
    if (booster) {
      const tree = { ensemble: shapTreesFromXgboost(booster), outputs: outputNames(model) };
      return checked(tree, await agreesWithModel(model, table, tree, (t) => predictXgboostMargins(booster, t), null));
    }
    if (typeof gbdt.predictRaw === 'function' && Array.isArray(gbdt.trees) && Array.isArray(gbdt.bins)) {
      const tree = { ensemble: shapTreesFromGbdt(model as GbdtModel), outputs: outputNames(model) };
      return checked(tree, await agreesWithModel(model, table, tree, (t) => (model as GbdtModel).predictRaw(t), null));
    }
    if (source.file && /\.onnx$/i.test(source.file)) {
      const bytes = new Uint8Array(await readFile(source.file));
      const sampled = table.rowCount > COVER_ROWS;
      const coverData = sampled ? table.take(sampleIndices(table.rowCount, COVER_ROWS, new Random(0))) : table;
      const onnx = shapTreesFromOnnx(bytes, { features: model.inputs.map((i) => i.name), inputs: source.mappingInputs, coverData });
      const link = onnx.postTransform === 'NONE' ? 'identity' : onnx.postTransform === 'LOGISTIC' ? 'logistic' : onnx.postTransform === 'SOFTMAX' ? 'softmax' : null;
      if (link === null) return { tree: null, note: `the ONNX trees' post_transform ${onnx.postTransform} maps raw scores in a way the check does not know` };
      const covers = onnx.coverSource === 'data' && sampled ? `TreeSHAP's node covers are counted on a seeded sample of ${COVER_ROWS.toLocaleString('en-US')} of the ${table.rowCount.toLocaleString('en-US')} rows (the model file holds none)` : undefined;
      const tree = { ensemble: onnx, outputs: [...onnx.outputs], ...(covers ? { covers } : {}) };
      return checked(tree, await agreesWithModel(model, table, tree, null, link));
    }
    return { tree: null, note: `${model.name} is not a tree model Candor reads (XGBoost JSON, ONNX tree ensemble or Candor's gradient boosting)` };
  } catch (e) {
    if (isUserError(e)) return { tree: null, note: e.message };
    throw e;
  }
}

function checked(tree: TreeExplainer, agrees: boolean): TreeExplainerResult {
  return agrees ? { tree, note: null } : { tree: null, note: "the trees' contributions do not add up to the model's output on sampled rows" };
}

/** The output names of an ensemble built from a Candor or XGBoost model: one for binary (the positive class) and regression. */
function outputNames(model: Model): string[] {
  if (model.task === 'regression') return ['value'];
  if (model.task === 'binary') return [model.classes[1]];
  return [...model.classes];
}

/**
 * Whether expected value + contributions equals the model's output on a seeded sample of rows:
 * against its raw output when the model exposes it (`raw`), else against its predictions mapped
 * through `link`.
 */
async function agreesWithModel(model: Model, table: Table, tree: TreeExplainer, raw: ((t: Table) => Float64Array[]) | null, link: 'identity' | 'logistic' | 'softmax' | null): Promise<boolean> {
  const n = table.rowCount;
  if (n === 0) return true;
  const rows = table.take(sampleIndices(n, Math.min(n, CHECK_ROWS), new Random(0)));
  const shap = treeShap(tree.ensemble, rows);
  const F = shap.features.length;
  const K = shap.values.length;
  const totals = shap.values.map((v, k) => {
    const out = new Float64Array(rows.rowCount);
    for (let i = 0; i < rows.rowCount; i++) {
      let s = shap.expectedValue[k];
      for (let j = 0; j < F; j++) s += v[i * F + j];
      out[i] = s;
    }
    return out;
  });
  const close = (a: number, b: number) => Math.abs(a - b) <= CHECK_TOLERANCE * Math.max(1, Math.abs(b));
  if (raw) {
    const expected = raw(rows);
    if (expected.length !== K) return false;
    return totals.every((t, k) => t.every((x, i) => close(x, expected[k][i])));
  }
  const p = await model.predict(rows);
  if (p.task === 'regression') return K === 1 && link === 'identity' && totals[0].every((x, i) => close(x, p.values[i]));
  if (!p.scores) return false;
  const scores = p.scores;
  for (let i = 0; i < rows.rowCount; i++) {
    let denominator = 0;
    if (link === 'softmax') for (let k = 0; k < K; k++) denominator += Math.exp(totals[k][i]);
    for (let k = 0; k < K; k++) {
      const c = p.classes.indexOf(tree.outputs[k]);
      if (c < 0) return false;
      const z = totals[k][i];
      const mapped = link === 'logistic' ? sigmoid(z) : link === 'softmax' ? Math.exp(z) / denominator : z;
      if (!close(mapped, scores[c][i])) return false;
    }
  }
  return true;
}
