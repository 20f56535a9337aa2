import { userError } from '../errors/index.js';

/**
 * Multiclass one-vs-rest selection-rate parity (demographic parity for every class at once).
 *
 * Definition. Classes 0..K−1, scores s_k(x) (one per class, typically probabilities), a group a(x)
 * per row. The rule gives each group a vector of offsets b_a and predicts
 *
 *     ŷ(x) = argmax_k ( s_k(x) + b_{a(x),k} )   (ties to the lowest class index),
 *
 * so that every class k is predicted at the same rate r_k in every group (one-vs-rest selection
 * rate parity: P(ŷ = k | A = a) = r_k for all a and k). Among such rules it maximises the expected
 * accuracy Σ_i s_{ŷ_i}(x_i) on the training rows — the accuracy when the scores are calibrated
 * probabilities, a smooth stand-in for the count of correct labels that makes the problem concave:
 *
 * - For fixed rates r, each group's problem is a transport of its n_a rows onto the classes with
 *   capacities n_a·r_k maximising Σ s; its optimum is an argmax rule with offsets (the negated
 *   dual prices), found by exact coordinate updates — class k's offset set so that exactly its
 *   capacity of rows prefers k — swept until every class count meets its capacity.
 * - The value V(r) of the rates is concave with gradient ∂V/∂r_k = −Σ_a n_a·b_{a,k}; projected
 *   gradient ascent on the simplex, from the class mix of the unconstrained argmax, keeps the best
 *   rates found (never worse than that starting mix).
 *
 * The rule is deterministic: rates are equal up to the rounding of n_a·r_k to whole rows (and
 * tied scores); `violation` reports the largest between-group difference of any class's rate.
 */
export interface MulticlassParityInput {
  /** One score array per class, in class order. */
  scores: Float64Array[];
  /** Class index per row (−1 = missing), for the reported accuracy. */
  label: Int32Array;
  /** Group code per row (−1 = left out: missing label or score). */
  codes: Int32Array;
  nGroups: number;
  names?: string[];
}

/** Options of {@link fitMulticlassParity}. */
export interface MulticlassParityOptions {
  /** Projected-gradient steps over the common rates. Defaults to 60. */
  rateSteps?: number;
}

/** One group's fitted rule and what it does on the training rows. */
export interface MulticlassGroupFit {
  /** Added to each class's score before the argmax (mean zero). */
  offsets: number[];
  rows: number;
  /** Share of rows predicted as each class. */
  rates: number[];
  /** Share of rows whose prediction equals the label. */
  accuracy: number | null;
}

export interface MulticlassParityFit {
  /** The common target rate of each class. */
  rates: number[];
  groups: MulticlassGroupFit[];
  /** Largest between-group difference of a class's rate on the training rows. */
  violation: number;
  /** Σ s_ŷ / n on the training rows. */
  expectedAccuracy: number;
  accuracy: number | null;
}

/** The predicted class of row i: argmax_k (s_k + offsets_k), ties to the lowest index; −1 when a score is missing. */
export function offsetArgmax(scores: Float64Array[], i: number, offsets: ArrayLike<number>): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let k = 0; k < scores.length; k++) {
    const v = scores[k][i];
    if (Number.isNaN(v)) return -1;
    const w = v + offsets[k];
    if (best < 0 || w > bestValue) {
      best = k;
      bestValue = w;
    }
  }
  return best;
}

/** Fits per-group offsets for one-vs-rest selection-rate parity (see {@link MulticlassParityInput}). */
export function fitMulticlassParity(input: MulticlassParityInput, options: MulticlassParityOptions = {}): MulticlassParityFit {
  const { rateSteps = 60 } = options;
  const { scores, codes, nGroups } = input;
  const K = scores.length;
  if (K < 2) throw userError('invalid_option', `multiclass parity needs a score column per class (at least 2), got ${K}`);
  const members = groupMembers(codes, nGroups);
  members.forEach((m, g) => {
    if (m.length === 0) throw userError('degenerate_group', `${input.names?.[g] ?? `group ${g}`} has no rows in the training data; drop it (--where)`);
  });
  const n = members.reduce((a, m) => a + m.length, 0);
  const transports = members.map((m) => new GroupTransport(scores, m));
  const offsets = members.map(() => new Float64Array(K));

  // Start from the unconstrained argmax's overall class mix.
  const start = new Float64Array(K);
  const zero = new Float64Array(K);
  for (const m of members) for (const i of m) start[offsetArgmax(scores, i, zero)]++;
  let rates: Float64Array = Float64Array.from(start, (c) => c / n);
  const value0 = solveAll(transports, rates, offsets);
  let best: { rates: Float64Array; offsets: Float64Array[]; value: number } = { rates, offsets: offsets.map((o) => Float64Array.from(o)), value: value0 };
  let step = 0.5;
  for (let t = 0; t < rateSteps && step > 1e-6; t++) {
    const gradient = new Float64Array(K);
    members.forEach((m, g) => {
      for (let k = 0; k < K; k++) gradient[k] -= (m.length / n) * best.offsets[g][k];
    });
    const mean = gradient.reduce((a, v) => a + v, 0) / K;
    const next = projectToSimplex(Float64Array.from(rates, (r, k) => r + step * (gradient[k] - mean)));
    if (next.every((v, k) => Math.abs(v - rates[k]) < 1e-12)) break;
    const value = solveAll(transports, next, offsets);
    if (value > best.value + 1e-12) {
      best = { rates: next, offsets: offsets.map((o) => Float64Array.from(o)), value };
      rates = next;
    } else step /= 2;
  }
  return summarize(input, members, best.rates, best.offsets);
}

function groupMembers(codes: Int32Array, nGroups: number): Int32Array[] {
  const lists: number[][] = Array.from({ length: nGroups }, () => []);
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) lists[codes[i]].push(i);
  return lists.map((l) => Int32Array.from(l));
}

/** Whole-row capacities n·r_k summing to n (largest remainders). */
export function capacities(n: number, rates: ArrayLike<number>): Int32Array {
  const K = rates.length;
  const raw = Array.from(rates, (r) => r * n);
  const out = Int32Array.from(raw, (v) => Math.floor(v + 1e-9));
  let left = n - out.reduce((a, v) => a + v, 0);
  const order = raw.map((v, k) => k).sort((a, b) => raw[b] - Math.floor(raw[b] + 1e-9) - (raw[a] - Math.floor(raw[a] + 1e-9)) || a - b);
  for (let j = 0; left > 0; j = (j + 1) % K, left--) out[order[j]]++;
  return out;
}

/** Solves every group's transport for the rates (warm-started from the last solution); returns Σ s_ŷ / n and writes the offsets. */
function solveAll(transports: GroupTransport[], rates: Float64Array, offsets: Float64Array[]): number {
  let total = 0;
  let n = 0;
  transports.forEach((t, g) => {
    t.solve(capacities(t.rows.length, rates));
    offsets[g].set(t.offsets());
    total += t.value();
    n += t.rows.length;
  });
  return total / n;
}

/** A binary min-heap of rows keyed by a number (stale entries are skipped by the caller). */
class RowHeap {
  private keys: number[] = [];
  private rows: number[] = [];
  push(key: number, row: number): void {
    const { keys, rows } = this;
    let at = keys.length;
    keys.push(key);
    rows.push(row);
    while (at > 0) {
      const up = (at - 1) >> 1;
      if (keys[up] <= key) break;
      keys[at] = keys[up];
      rows[at] = rows[up];
      at = up;
    }
    keys[at] = key;
    rows[at] = row;
  }
  get size(): number {
    return this.keys.length;
  }
  topRow(): number {
    return this.rows[0];
  }
  topKey(): number {
    return this.keys[0];
  }
  pop(): void {
    const { keys, rows } = this;
    const key = keys.pop()!;
    const row = rows.pop()!;
    const n = keys.length;
    if (n === 0) return;
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= n) break;
      if (child + 1 < n && keys[child + 1] < keys[child]) child++;
      if (keys[child] >= key) break;
      keys[at] = keys[child];
      rows[at] = rows[child];
      at = child;
    }
    keys[at] = key;
    rows[at] = row;
  }
}

/**
 * One group's rows moved between classes to meet capacities at the least loss of Σ s (successive
 * shortest paths in the K-node class graph: moving a row of class j to class k costs s_j − s_k,
 * the cheapest such row per pair kept in a heap). The assignment stays optimal for its counts
 * throughout, so the graph has no negative cycle and the offsets exist.
 */
class GroupTransport {
  readonly assigned: Int32Array;
  private readonly counts: Int32Array;
  private readonly heaps: RowHeap[];
  constructor(
    private readonly scores: Float64Array[],
    readonly rows: Int32Array,
  ) {
    const K = scores.length;
    this.assigned = new Int32Array(scores[0].length).fill(-1);
    this.counts = new Int32Array(K);
    this.heaps = Array.from({ length: K * K }, () => new RowHeap());
    const zero = new Float64Array(K);
    for (const i of rows) this.place(i, offsetArgmax(scores, i, zero));
  }

  private place(i: number, j: number): void {
    const K = this.scores.length;
    this.assigned[i] = j;
    this.counts[j]++;
    for (let k = 0; k < K; k++) if (k !== j) this.heaps[j * K + k].push(this.scores[j][i] - this.scores[k][i], i);
  }

  /** The cheapest row of class j to move to k (stale heap entries dropped), or −1. */
  private cheapest(j: number, k: number): number {
    const heap = this.heaps[j * this.scores.length + k];
    while (heap.size > 0 && this.assigned[heap.topRow()] !== j) heap.pop();
    return heap.size > 0 ? heap.topRow() : -1;
  }

  /** Edge weights w[j·K + k] (Infinity where class j is empty). */
  private weights(): Float64Array {
    const K = this.scores.length;
    const w = new Float64Array(K * K).fill(Infinity);
    for (let j = 0; j < K; j++) {
      for (let k = 0; k < K; k++) {
        if (j === k) continue;
        const i = this.cheapest(j, k);
        if (i >= 0) w[j * K + k] = this.scores[j][i] - this.scores[k][i];
      }
    }
    return w;
  }

  solve(caps: Int32Array): void {
    const K = this.scores.length;
    const dist = new Float64Array(K);
    const prev = new Int32Array(K);
    for (;;) {
      let surplus = false;
      for (let k = 0; k < K; k++) if (this.counts[k] > caps[k]) surplus = true;
      if (!surplus) return;
      const w = this.weights();
      // Bellman-Ford from every class with surplus.
      for (let k = 0; k < K; k++) {
        dist[k] = this.counts[k] > caps[k] ? 0 : Infinity;
        prev[k] = -1;
      }
      for (let round = 0; round < K; round++) {
        let changed = false;
        for (let j = 0; j < K; j++) {
          if (dist[j] === Infinity) continue;
          for (let k = 0; k < K; k++) {
            const d = dist[j] + w[j * K + k];
            if (j !== k && d < dist[k] - 1e-15) {
              dist[k] = d;
              prev[k] = j;
              changed = true;
            }
          }
        }
        if (!changed) break;
      }
      let target = -1;
      for (let k = 0; k < K; k++) if (this.counts[k] < caps[k] && dist[k] < Infinity && (target < 0 || dist[k] < dist[target])) target = k;
      if (target < 0) throw new Error('multiclass parity: a class with room cannot be reached');
      const moves: [number, number][] = [];
      for (let k = target; prev[k] >= 0; k = prev[k]) moves.push([this.cheapest(prev[k], k), k]);
      for (const [i, k] of moves) {
        this.counts[this.assigned[i]]--;
        this.place(i, k);
      }
    }
  }

  /**
   * Offsets under which every row strictly prefers its class (when no tie forbids it): the
   * constraints b_k − b_j ≤ w(j→k) are met with margin t/2, t the minimum mean cycle weight
   * (Karp, 1978), by shortest-path distances from a virtual source.
   */
  offsets(): Float64Array {
    const K = this.scores.length;
    const w = this.weights();
    // Karp: D[s][v] = least weight of an s-edge walk ending at v, starting anywhere.
    const D = Array.from({ length: K + 1 }, () => new Float64Array(K).fill(Infinity));
    D[0].fill(0);
    for (let s = 1; s <= K; s++) {
      for (let j = 0; j < K; j++) {
        if (D[s - 1][j] === Infinity) continue;
        for (let k = 0; k < K; k++) if (j !== k && D[s - 1][j] + w[j * K + k] < D[s][k]) D[s][k] = D[s - 1][j] + w[j * K + k];
      }
    }
    let mean = Infinity;
    for (let v = 0; v < K; v++) {
      if (D[K][v] === Infinity) continue;
      let worst = -Infinity;
      for (let s = 0; s < K; s++) if (D[s][v] < Infinity) worst = Math.max(worst, (D[K][v] - D[s][v]) / (K - s));
      mean = Math.min(mean, worst);
    }
    const margin = mean > 0 && mean < Infinity ? mean / 2 : 0;
    const b = new Float64Array(K);
    for (let round = 0; round < K; round++) {
      for (let j = 0; j < K; j++) for (let k = 0; k < K; k++) if (j !== k && b[j] + w[j * K + k] - margin < b[k]) b[k] = b[j] + w[j * K + k] - margin;
    }
    let avg = 0;
    for (let k = 0; k < K; k++) avg += b[k] / K;
    for (let k = 0; k < K; k++) b[k] -= avg;
    return b;
  }

  /** Σ s of the assigned classes. */
  value(): number {
    let total = 0;
    for (const i of this.rows) total += this.scores[this.assigned[i]][i];
    return total;
  }
}

/** Euclidean projection onto the probability simplex (Held, Wolfe & Crowder, 1974). */
export function projectToSimplex(v: Float64Array): Float64Array {
  const sorted = Float64Array.from(v).sort().reverse();
  let cumulative = 0;
  let theta = 0;
  for (let k = 0; k < sorted.length; k++) {
    cumulative += sorted[k];
    const t = (cumulative - 1) / (k + 1);
    if (sorted[k] - t > 0) theta = t;
  }
  return Float64Array.from(v, (x) => Math.max(0, x - theta));
}

function summarize(input: MulticlassParityInput, members: Int32Array[], rates: Float64Array, offsets: Float64Array[]): MulticlassParityFit {
  const K = input.scores.length;
  let expected = 0;
  let correct = 0;
  let labelled = 0;
  let n = 0;
  const groups: MulticlassGroupFit[] = members.map((m, g) => {
    const counts = new Float64Array(K);
    let right = 0;
    let known = 0;
    for (const i of m) {
      const k = offsetArgmax(input.scores, i, offsets[g]);
      counts[k]++;
      expected += input.scores[k][i];
      if (input.label[i] >= 0) {
        known++;
        if (input.label[i] === k) right++;
      }
    }
    correct += right;
    labelled += known;
    n += m.length;
    return { offsets: Array.from(offsets[g]), rows: m.length, rates: Array.from(counts, (c) => c / m.length), accuracy: known ? right / known : null };
  });
  let violation = 0;
  for (let k = 0; k < K; k++) {
    const r = groups.map((g) => g.rates[k]);
    violation = Math.max(violation, Math.max(...r) - Math.min(...r));
  }
  return { rates: Array.from(rates), groups, violation, expectedAccuracy: expected / n, accuracy: labelled ? correct / labelled : null };
}
