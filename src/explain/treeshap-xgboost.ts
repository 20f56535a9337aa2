import type { XgboostBooster } from '../model/xgboost.js';
import { MISSING_BOOL, type Table } from '../table/index.js';
import { userError } from '../errors/index.js';
import type { FeatureMatrix, ShapEnsemble, ShapTree } from './treeshap-tree.js';

/**
 * The trees of a parsed XGBoost booster for {@link treeShap}, one output per group, in margin space
 * (as `pred_contribs`): thresholds compared with `<` in float32, covers from `sum_hessian`, DART
 * weights folded into the leaf values.
 */
export function shapTreesFromXgboost(booster: XgboostBooster): ShapEnsemble {
  const trees: ShapTree[] = booster.trees.map((t) => ({
    left: t.left,
    right: t.right,
    feature: t.feature,
    threshold: Float64Array.from(t.threshold),
    missingLeft: t.defaultLeft,
    value: t.weight === 1 ? t.value : t.value.map((v) => v * t.weight),
    cover: t.cover,
    output: t.group,
    strict: true,
    categorical: null,
    goesLeft: null,
  }));
  const features = booster.features;
  return {
    features,
    baseline: [...booster.baseMargin],
    trees,
    encode(table: Table): FeatureMatrix {
      const n = table.rowCount;
      const F = features.length;
      const values = new Float64Array(n * F);
      features.forEach((name, f) => {
        const col = table.column(name);
        // XGBoost reads features as float32.
        if (col.type === 'numeric') for (let i = 0; i < n; i++) values[i * F + f] = Math.fround(col.values[i]);
        else if (col.type === 'boolean') for (let i = 0; i < n; i++) values[i * F + f] = col.values[i] === MISSING_BOOL ? NaN : col.values[i];
        else throw userError('invalid_input', `column ${JSON.stringify(name)} is ${col.type} but the XGBoost model reads it as a number (encode it numerically)`, { column: name });
      });
      return { rows: n, values };
    },
  };
}
