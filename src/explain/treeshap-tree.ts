import type { Table } from '../table/index.js';

/**
 * One regression tree in the flat form TreeSHAP reads, as arrays indexed by node (node 0 is the
 * root). A leaf has `left[i] === -1`.
 */
export interface ShapTree {
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Column of the feature matrix each split reads. */
  readonly feature: Int32Array;
  /** Numeric splits: a value goes left when `x <= threshold` (or `x < threshold` when {@link strict}). */
  readonly threshold: Float64Array;
  /** 1 when a missing value (NaN) goes left. */
  readonly missingLeft: Uint8Array;
  /** Leaf values added to the output; ignored for inner nodes. */
  readonly value: Float64Array;
  /** Training cover of each node (sum of hessians or sample weights); children share their parent's. */
  readonly cover: Float64Array;
  /** The output (class) the tree adds to. */
  readonly output: number;
  /** Compare with `<` instead of `<=` (XGBoost's convention). */
  readonly strict: boolean;
  /**
   * 1 for a split decided by {@link goesLeft} (categorical sets, one-hot or indicator columns) instead
   * of the threshold and missing direction. Null when there are none.
   */
  readonly categorical: Uint8Array | null;
  /** Whether the value `x` (NaN included) goes left at a node flagged in {@link categorical}. */
  readonly goesLeft: ((node: number, x: number) => boolean) | null;
}

/** A row-major feature matrix: `values[i * columns + j]` is feature j of row i; NaN is missing. */
export interface FeatureMatrix {
  readonly rows: number;
  readonly values: Float64Array;
}

/** A tree ensemble in the form {@link treeShap} explains, built by an adapter from a fitted model. */
export interface ShapEnsemble {
  /** The model's input columns, one per feature-matrix column. */
  readonly features: readonly string[];
  /** Raw-margin starting score of each output, before any tree. */
  readonly baseline: readonly number[];
  readonly trees: readonly ShapTree[];
  /** Encodes the model's input columns of `table` as the feature matrix the trees read. */
  encode(table: Table): FeatureMatrix;
}
