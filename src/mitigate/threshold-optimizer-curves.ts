/**
 * The trade-off curves behind the threshold optimizer (Hardt, Price & Srebro, 2016, as Fairlearn's
 * ThresholdOptimizer builds them): every threshold on a group's score gives a confusion matrix and
 * so a point (x, y) of two rates; randomising between two thresholds reaches every point of the
 * segment between them, so the achievable trade-offs are the upper convex hull of those points,
 * read off on a grid of x values.
 */

/** Rates of a confusion matrix the curves use (Fairlearn's names). */
export type CurveMetric = 'selection_rate' | 'true_positive_rate' | 'false_positive_rate' | 'true_negative_rate' | 'false_negative_rate' | 'accuracy_score' | 'balanced_accuracy_score';

/** `score > threshold` (or `<`) predicts the positive class. Thresholds may be ±Infinity (nothing / everything). */
export interface ThresholdOperation {
  operator: '>' | '<';
  threshold: number;
}

/** One threshold's point on a trade-off curve, with the counts behind it. */
export interface TradeoffPoint {
  x: number;
  y: number;
  operation: ThresholdOperation;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/**
 * A rate of confusion counts, with Fairlearn's operation order (so that values agree to the last
 * bit): e.g. balanced accuracy is `0.5·tp/p + 0.5·tn/n`, evaluated left to right.
 */
export function curveMetric(metric: CurveMetric, tp: number, fp: number, tn: number, fn: number): number {
  switch (metric) {
    case 'selection_rate':
      return (tp + fp) / (tp + tn + fp + fn);
    case 'true_positive_rate':
      return tp / (tp + fn);
    case 'false_positive_rate':
      return fp / (tn + fp);
    case 'true_negative_rate':
      return tn / (tn + fp);
    case 'false_negative_rate':
      return fn / (tp + fn);
    case 'accuracy_score':
      return (tp + tn) / (tp + tn + fp + fn);
    case 'balanced_accuracy_score':
      return (0.5 * tp) / (tp + fn) + (0.5 * tn) / (tn + fp);
  }
}

/**
 * Every threshold's point for the rows `rows` of one group: first `score > +∞` (nothing selected),
 * then, walking the distinct scores from the highest down, `score > t` with t halfway between a
 * score and the next lower one (−∞ after the lowest: everything selected). Points come sorted by
 * x, then y. The group must hold both labels (the caller checks).
 */
export function tradeoffPoints(label: Uint8Array, score: Float64Array, rows: ArrayLike<number>, xMetric: CurveMetric, yMetric: CurveMetric): TradeoffPoint[] {
  const n = rows.length;
  const order = Int32Array.from(rows).sort((a, b) => score[b] - score[a]);
  let positives = 0;
  for (let k = 0; k < n; k++) positives += label[order[k]];
  const negatives = n - positives;
  const points: TradeoffPoint[] = [];
  const push = (threshold: number, fp: number, tp: number) => {
    const tn = negatives - fp;
    const fn = positives - tp;
    points.push({ x: curveMetric(xMetric, tp, fp, tn, fn), y: curveMetric(yMetric, tp, fp, tn, fn), operation: { operator: '>', threshold }, tp, fp, tn, fn });
  };
  push(Infinity, 0, 0);
  let fp = 0;
  let tp = 0;
  let k = 0;
  while (k < n) {
    const s = score[order[k]];
    while (k < n && score[order[k]] === s) {
      if (label[order[k]]) tp++;
      else fp++;
      k++;
    }
    const next = k < n ? score[order[k]] : -Infinity;
    push((s + next) / 2, fp, tp);
  }
  // Stable sort by (x, y): thresholds never share both values, so the order is fully determined.
  return points.sort((a, b) => a.x - b.x || a.y - b.y);
}

/**
 * The upper convex hull of points sorted by (x, y) (Andrew's monotone chain): a middle point on or
 * below the chord of its neighbours is dropped, with the comparison written as Fairlearn's
 * cross-multiplied slope test so ties resolve identically.
 */
export function upperHull<P extends { x: number; y: number }>(sorted: readonly P[]): P[] {
  const hull: P[] = [];
  for (const r2 of sorted) {
    while (hull.length >= 2) {
      const r1 = hull[hull.length - 1];
      const r0 = hull[hull.length - 2];
      if ((r1.y - r0.y) * (r2.x - r0.x) <= (r2.y - r0.y) * (r1.x - r0.x)) hull.pop();
      else break;
    }
    hull.push(r2);
  }
  return hull;
}

/** A hull read off at the grid's x values: for grid point k, the mix `p0[k]` of hull point `index[k]` and `1 − p0[k]` of the next one. */
export interface InterpolatedCurve {
  x: Float64Array;
  y: Float64Array;
  index: Int32Array;
  p0: Float64Array;
}

/**
 * The hull's y at each grid x by linear interpolation. Grid point x falls in the segment
 * (x_i, x_{i+1}] (x_i < x ≤ x_{i+1}, so a grid value equal to a hull vertex is reached from the
 * left, as Fairlearn does); at the hull's first x (the hull may start with two points at x = 0,
 * e.g. FPR 0 at several TPRs) the segment starting at its last point with that x is used, i.e. the
 * best y there.
 */
export function interpolateHull(hull: readonly { x: number; y: number }[], grid: Float64Array): InterpolatedCurve {
  const m = hull.length;
  const out: InterpolatedCurve = { x: grid, y: new Float64Array(grid.length), index: new Int32Array(grid.length), p0: new Float64Array(grid.length) };
  let i = 0;
  let first = 0;
  while (first + 1 < m - 1 && hull[first + 1].x === hull[0].x) first++;
  for (let k = 0; k < grid.length; k++) {
    const x = grid[k];
    if (x <= hull[0].x) i = first;
    else {
      if (i < first) i = first;
      while (i + 1 < m - 1 && hull[i + 1].x < x) i++;
    }
    const a = hull[i];
    const b = hull[i + 1];
    const p0 = (b.x - x) / (b.x - a.x);
    out.index[k] = i;
    out.p0[k] = p0;
    out.y[k] = p0 * a.y + (1 - p0) * b.y;
  }
  return out;
}

/** numpy.linspace(0, 1, size + 1): k·(1/size), the last exactly 1. */
export function unitGrid(size: number): Float64Array {
  const step = 1 / size;
  const grid = new Float64Array(size + 1);
  for (let k = 0; k <= size; k++) grid[k] = k * step;
  grid[size] = 1;
  return grid;
}

/** numpy.around(v, 15): scale, round half to even, unscale. */
export function round15(v: number): number {
  const scaled = v * 1e15;
  let r = Math.round(scaled);
  if (Math.abs(scaled % 1) === 0.5 && r % 2 !== 0) r -= 1;
  return r / 1e15;
}
