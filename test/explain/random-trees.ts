// Random tree ensembles for the TreeSHAP tests, and the factorial their brute-force Shapley values use.
import type { Random } from '../../src/index.js';
import type { ShapTree } from '../../src/explain/index.js';

/** Features of the random trees: few, so that paths repeat features (UNWIND is exercised). */
export const M = 6;

/** A random tree over M features: numeric (≤ or <), categorical (values 0..3) and missing-aware splits, covers adding up. */
export function randomTree(rng: Random, output: number): ShapTree {
  const left: number[] = [];
  const right: number[] = [];
  const feature: number[] = [];
  const threshold: number[] = [];
  const missingLeft: number[] = [];
  const value: number[] = [];
  const cover: number[] = [];
  const categorical: number[] = [];
  const sets: number[] = [];
  const grow = (depth: number): number => {
    const id = left.length;
    left.push(-1);
    right.push(-1);
    feature.push(-1);
    threshold.push(0);
    missingLeft.push(rng.int(2));
    value.push(rng.normal());
    cover.push(rng.uniform(0.5, 5));
    categorical.push(0);
    sets.push(0);
    if (depth < 5 && (depth === 0 || rng.next() < 0.75)) {
      // Few features, so paths repeat features and UNWIND is exercised.
      feature[id] = rng.int(M);
      if (rng.next() < 0.3) {
        categorical[id] = 1;
        sets[id] = 1 + rng.int(14);
      } else threshold[id] = rng.normal();
      const l = grow(depth + 1);
      const r = grow(depth + 1);
      left[id] = l;
      right[id] = r;
      cover[id] = cover[l] + cover[r];
    }
    return id;
  };
  grow(0);
  return {
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    missingLeft: Uint8Array.from(missingLeft),
    value: Float64Array.from(value),
    cover: Float64Array.from(cover),
    output,
    strict: rng.next() < 0.5,
    categorical: Uint8Array.from(categorical),
    goesLeft: (node, x) => (x !== x ? missingLeft[node] === 1 : ((sets[node] >>> (Math.abs(Math.round(x)) % 4)) & 1) === 1),
  };
}

/** n! for the Shapley weights. */
export function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}
