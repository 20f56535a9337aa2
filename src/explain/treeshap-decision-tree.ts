import { designFeatures, encodeDesign } from '../learn/design.js';
import type { TreeModel } from '../learn/tree.js';
import type { Table } from '../table/index.js';
import type { FeatureMatrix, ShapEnsemble, ShapTree } from './treeshap-tree.js';

/**
 * A decision tree for {@link treeShap}, one output per class (its class fractions) or one for
 * regression. Contributions go to the model's input columns, not its one-hot design columns: each
 * input is encoded as one number (a numeric or boolean design value, NaN when its missing indicator is
 * set; a category's position in the one-hot block, -1 when none is set) from which every split
 * decides as the tree does on the design matrix.
 */
export function shapTreesFromTree(model: TreeModel): ShapEnsemble {
  const { design, tree } = model;
  const kinds = designFeatures(design);
  // Per design column: its position inside its categorical block.
  const offset = new Int32Array(kinds.length);
  for (let d = 0; d < kinds.length; d++) offset[d] = d > 0 && design.source[d] === design.source[d - 1] ? offset[d - 1] + 1 : 0;
  const nodes = tree.nodes;
  const m = nodes.length;
  const left = Int32Array.from(nodes, (nd) => nd.left);
  const right = Int32Array.from(nodes, (nd) => nd.right);
  const designColumn = Int32Array.from(nodes, (nd) => nd.feature);
  const feature = Int32Array.from(nodes, (nd) => (nd.feature >= 0 ? design.source[nd.feature] : -1));
  const threshold = Float64Array.from(nodes, (nd) => nd.threshold);
  const missingLeft = Uint8Array.from(nodes, (nd) => (nd.missingGoesLeft ? 1 : 0));
  const cover = Float64Array.from(nodes, (nd) => (nd.weightedN > 0 ? nd.weightedN : nd.n));
  const categorical = Uint8Array.from(nodes, (nd) => (nd.feature >= 0 && kinds[nd.feature].kind !== 'numeric' && kinds[nd.feature].kind !== 'boolean' ? 1 : 0));
  const goesLeft = (node: number, x: number): boolean => {
    const d = designColumn[node];
    if (kinds[d].kind === 'missing') return (x !== x ? 1 : 0) <= threshold[node];
    if (x !== x) return missingLeft[node] === 1;
    return (x === offset[d] ? 1 : 0) <= threshold[node];
  };
  const K = tree.task === 'classification' ? tree.classes.length : 1;
  const trees: ShapTree[] = Array.from({ length: K }, (_, k) => ({
    left,
    right,
    feature,
    threshold,
    missingLeft,
    value: Float64Array.from(nodes, (nd) => nd.value[k]),
    cover,
    output: k,
    strict: false,
    categorical: categorical.includes(1) ? categorical : null,
    goesLeft,
  }));
  const F = design.columns.length;
  return {
    features: design.columns.map((c) => c.column),
    baseline: new Array<number>(K).fill(0),
    trees: m > 0 ? trees : [],
    encode(table: Table): FeatureMatrix {
      const { data, rows, cols } = encodeDesign(design, table);
      const values = new Float64Array(rows * F);
      for (let i = 0; i < rows; i++) {
        for (let d = 0; d < cols; d++) {
          const f = design.source[d];
          const v = data[i * cols + d];
          const kind = kinds[d].kind;
          if (kind === 'numeric' || kind === 'boolean') values[i * F + f] = v;
          else if (kind === 'missing') {
            if (v === 1) values[i * F + f] = NaN;
          } else {
            if (offset[d] === 0) values[i * F + f] = -1;
            if (v !== v) values[i * F + f] = NaN;
            else if (v === 1) values[i * F + f] = offset[d];
          }
        }
      }
      return { rows, values };
    },
  };
}
