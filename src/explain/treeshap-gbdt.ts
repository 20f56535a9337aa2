import { binColumn, MISSING_BIN, numericBin } from '../learn/gbdt-bins.js';
import type { GbdtModel, GbdtTree } from '../learn/gbdt.js';
import type { Table } from '../table/index.js';
import type { FeatureMatrix, ShapEnsemble, ShapTree } from './treeshap-tree.js';

function gbdtTree(tree: GbdtTree, model: GbdtModel, output: number): ShapTree {
  const nodes = tree.nodes;
  const m = nodes.length;
  const t = {
    left: new Int32Array(m),
    right: new Int32Array(m),
    feature: new Int32Array(m),
    threshold: new Float64Array(m),
    missingLeft: new Uint8Array(m),
    value: new Float64Array(m),
    cover: new Float64Array(m),
    categorical: new Uint8Array(m),
  };
  // Category bins going left, 8 words (256 bins) per node.
  const bits = new Uint32Array(m * 8);
  let hasCategorical = false;
  for (let j = 0; j < m; j++) {
    const nd = nodes[j];
    t.left[j] = nd.left;
    t.right[j] = nd.right;
    t.feature[j] = nd.feature;
    t.missingLeft[j] = nd.missingLeft ? 1 : 0;
    t.value[j] = nd.value;
    // Sample weights are the cover; rows are the fallback if a node's weights sum to 0.
    t.cover[j] = nd.weight > 0 ? nd.weight : nd.count;
    if (nd.left < 0) continue;
    const fb = model.bins[nd.feature];
    if (fb.type === 'numeric') {
      // The matrix holds bins: x <= thresholds[b] exactly when bin(x) <= b.
      t.threshold[j] = nd.threshold === null || nd.threshold === Infinity ? fb.thresholds.length : numericBin(fb.thresholds, nd.threshold);
    } else {
      hasCategorical = true;
      t.categorical[j] = 1;
      for (const c of nd.categories ?? []) {
        const b = fb.categories.indexOf(c);
        if (b >= 0) bits[j * 8 + (b >>> 5)] |= 1 << (b & 31);
      }
    }
  }
  return {
    ...t,
    output,
    strict: false,
    categorical: hasCategorical ? t.categorical : null,
    goesLeft: hasCategorical ? (node, x) => (x !== x ? t.missingLeft[node] === 1 : ((bits[node * 8 + (x >>> 5)] >>> (x & 31)) & 1) === 1) : null,
  };
}

/**
 * The trees of a fitted gradient-boosting model for {@link treeShap}, one output per class (one for
 * binary and regression), in raw-score space. The features are the model's inputs, encoded as their
 * training bins, so missing values and categories unseen in training follow each split's missing
 * direction exactly as in prediction.
 */
export function shapTreesFromGbdt(model: GbdtModel): ShapEnsemble {
  const trees: ShapTree[] = [];
  for (const iteration of model.trees) iteration.forEach((tree, k) => trees.push(gbdtTree(tree, model, k)));
  const bins = model.bins;
  return {
    features: bins.map((b) => b.name),
    baseline: [...model.baseline],
    trees,
    encode(table: Table): FeatureMatrix {
      const n = table.rowCount;
      const F = bins.length;
      const values = new Float64Array(n * F);
      const col = new Uint8Array(n);
      for (let f = 0; f < F; f++) {
        binColumn(bins[f], table.column(bins[f].name), null, col, 0);
        for (let i = 0; i < n; i++) values[i * F + f] = col[i] === MISSING_BIN ? NaN : col[i];
      }
      return { rows: n, values };
    },
  };
}
