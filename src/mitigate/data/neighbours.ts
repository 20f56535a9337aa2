/** Rows per k-d tree leaf: below this, a linear scan beats descending further. */
const LEAF_SIZE = 16;

/**
 * Exact k-nearest-neighbour search over the rows of one (group, label) cell, for SMOTE. The
 * distance is SMOTE-NC's (Chawla et al., 2002, §6.1): the squared Euclidean distance of the
 * standardised numeric features plus `mismatch` (the squared median standard deviation) for every
 * nominal feature whose values differ.
 *
 * A k-d tree over the numeric features (Friedman, Bentley & Finkel, 1977): split at the median of
 * the widest feature, visit the nearer side first, and skip the far side when the squared distance
 * to its box (accumulated plane by plane, Arya & Mount, 1993) already exceeds the k-th best. The
 * numeric part is a lower bound of the full distance, so nominal mismatches never make the pruning
 * wrong. The result is exactly brute force's, ties in distance going to the lower row position; it
 * is cached per row, and only rows drawn as SMOTE sources are ever searched. About 2 s for 50,000
 * rows × 6 features, every row queried, on a busy 2-core machine; many nominal features weaken the
 * pruning (the tree sees only numbers), down to a scan of the cell per row, O(n·(p + q)).
 */
export class NeighbourIndex {
  private readonly cache = new Map<number, Int32Array>();
  /** Row positions, permuted so that every node holds a contiguous range. */
  private readonly perm: Int32Array;
  // Node arrays: range [start, end), split feature (-1 for a leaf) and value, children.
  private readonly start: number[] = [];
  private readonly end: number[] = [];
  private readonly dim: number[] = [];
  private readonly split: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly ordered: Float64Array;
  private readonly orderedCodes: Int32Array;

  /**
   * @param numeric row-major n×p standardised values (no NaN), p ≥ 1
   * @param nominal row-major n×q codes (a missing value is a code like any other)
   */
  constructor(
    private readonly numeric: Float64Array,
    private readonly p: number,
    private readonly nominal: Int32Array,
    private readonly q: number,
    readonly rows: number,
    private readonly mismatch: number,
    readonly k: number,
  ) {
    this.perm = Int32Array.from({ length: rows }, (_, r) => r);
    this.build(0, rows);
    // Rows copied in tree order, so that a leaf's rows are contiguous in memory (scattered reads
    // would cost a cache miss per row).
    this.ordered = new Float64Array(rows * p);
    this.orderedCodes = new Int32Array(rows * q);
    for (let r = 0; r < rows; r++) {
      const j = this.perm[r];
      for (let f = 0; f < p; f++) this.ordered[r * p + f] = numeric[j * p + f];
      for (let f = 0; f < q; f++) this.orderedCodes[r * q + f] = nominal[j * q + f];
    }
  }

  /** Positions of the k rows nearest to row `s` (not `s` itself), nearest first. */
  neighbours(s: number): Int32Array {
    let out = this.cache.get(s);
    if (!out) {
      const best = { d: new Float64Array(this.k).fill(Infinity), i: new Int32Array(this.k).fill(0x7fffffff) };
      this.search(0, s, best, 0, new Float64Array(this.p));
      out = best.i;
      this.cache.set(s, out);
    }
    return out;
  }

  private build(start: number, end: number): number {
    const node = this.start.length;
    this.start.push(start);
    this.end.push(end);
    this.dim.push(-1);
    this.split.push(0);
    this.left.push(-1);
    this.right.push(-1);
    if (end - start <= LEAF_SIZE) return node;
    const { numeric: x, p, perm } = this;
    let widest = -1;
    let spread = 0;
    for (let f = 0; f < p; f++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let r = start; r < end; r++) {
        const v = x[perm[r] * p + f];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (hi - lo > spread) {
        spread = hi - lo;
        widest = f;
      }
    }
    // Every row at one point: nothing to split.
    if (widest < 0) return node;
    const slice = Array.from(perm.subarray(start, end)).sort((a, b) => x[a * p + widest] - x[b * p + widest]);
    perm.set(slice, start);
    const mid = start + (slice.length >> 1);
    this.dim[node] = widest;
    this.split[node] = x[perm[mid] * p + widest];
    this.left[node] = this.build(start, mid);
    this.right[node] = this.build(mid, end);
    return node;
  }

  /**
   * @param bound a lower bound of the distance from row s to any row of `node`: the squared distance
   *   to the node's box, built up plane by plane (Arya & Mount, 1993)
   * @param offsets per feature, the offset of row s from the box along it (0 when inside)
   */
  private search(node: number, s: number, best: { d: Float64Array; i: Int32Array }, bound: number, offsets: Float64Array): void {
    const { numeric: x, p, nominal: c, q, mismatch, perm, k, ordered: y, orderedCodes: yc } = this;
    const f = this.dim[node];
    if (f < 0) {
      const xs = s * p;
      const cs = s * q;
      for (let r = this.start[node]; r < this.end[node]; r++) {
        const j = perm[r];
        if (j === s) continue;
        let d = 0;
        const yr = r * p;
        for (let g = 0; g < p; g++) {
          const t = y[yr + g] - x[xs + g];
          d += t * t;
        }
        const cr = r * q;
        for (let g = 0; g < q; g++) if (yc[cr + g] !== c[cs + g]) d += mismatch;
        insert(best, k, d, j);
      }
      return;
    }
    // Rows left of the split are ≤ the split value and rows right of it are ≥ it.
    const gap = x[s * p + f] - this.split[node];
    const [near, far] = gap < 0 ? [this.left[node], this.right[node]] : [this.right[node], this.left[node]];
    this.search(near, s, best, bound, offsets);
    const old = offsets[f];
    const farBound = bound - old * old + gap * gap;
    // Prune only when clearly beyond the k-th distance: a row exactly at it may still win its tie on
    // position, and the bound carries the round-off of its updates.
    if (farBound > best.d[k - 1] * (1 + 1e-9)) return;
    offsets[f] = gap;
    this.search(far, s, best, farBound, offsets);
    offsets[f] = old;
  }
}

/** Inserts (d, j) into the sorted best-k lists when it beats the last entry by (distance, position). */
function insert(best: { d: Float64Array; i: Int32Array }, k: number, d: number, j: number): void {
  const last = k - 1;
  if (d > best.d[last] || (d === best.d[last] && j > best.i[last])) return;
  let at = last;
  while (at > 0 && (best.d[at - 1] > d || (best.d[at - 1] === d && best.i[at - 1] > j))) {
    best.d[at] = best.d[at - 1];
    best.i[at] = best.i[at - 1];
    at--;
  }
  best.d[at] = d;
  best.i[at] = j;
}
