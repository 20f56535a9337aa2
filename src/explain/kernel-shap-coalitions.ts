import type { Random } from '../stats/index.js';

/**
 * The coalitions KernelSHAP evaluates for one row: `count` masks over `m` features, row-major in
 * `masks` (`masks[c * m + j] === 1` when feature j is in coalition c), each with its weight in the
 * regression. Neither the empty nor the full coalition is included: they are the constraints.
 */
export interface Coalitions {
  readonly m: number;
  readonly count: number;
  readonly masks: Uint8Array;
  readonly weights: Float64Array;
  /** True when every proper, non-empty coalition was enumerated (the result is then exact). */
  readonly exhaustive: boolean;
}

/** Proper, non-empty coalitions of m features: 2^m − 2 (Infinity beyond what a double counts). */
export function coalitionCount(m: number): number {
  return m <= 52 ? 2 ** m - 2 : Infinity;
}

/** The coalitions of `m` features that KernelSHAP evaluates within `budget` (`rng` is used only when sampling). */
export function kernelCoalitions(m: number, budget: number, rng: Random): Coalitions {
  const builder = new Builder(m);
  if (m < 2) return builder.finish(true);
  const classes = sizeClasses(m);
  if (budget >= coalitionCount(m)) {
    for (const c of classes) builder.enumerate(c.size, c.paired, c.share / c.subsets);
    return builder.finish(true);
  }
  // Enumerate whole size classes while the budget, split in proportion to the kernel's weight,
  // covers them (smallest and largest coalitions first: they carry the most weight per subset),
  // as the shap package does; sample the rest.
  let left = budget;
  let mass = 1;
  let next = 0;
  for (; next < classes.length; next++) {
    const c = classes[next];
    if ((left * c.share) / mass < c.subsets * (1 - 1e-9)) break;
    builder.enumerate(c.size, c.paired, c.share / c.subsets);
    left -= c.subsets;
    mass -= c.share;
  }
  if (next < classes.length && left > 0) builder.sample(classes.slice(next), left, mass, rng);
  return builder.finish(false);
}

/** A size class: coalitions of `size` features and, when `paired`, their complements of m − size. */
interface SizeClass {
  readonly size: number;
  readonly paired: boolean;
  /** Coalitions in the class. */
  readonly subsets: number;
  /** The class's share of the Shapley kernel's total weight. */
  readonly share: number;
}

function sizeClasses(m: number): SizeClass[] {
  const out: { size: number; paired: boolean; subsets: number; share: number }[] = [];
  let total = 0;
  for (let s = 1; s <= Math.floor(m / 2); s++) {
    const paired = s !== m - s;
    // The Shapley kernel (Lundberg & Lee 2017): (m−1) / (C(m,s) s (m−s)) per coalition, so
    // (m−1) / (s (m−s)) for all coalitions of size s together.
    const share = ((m - 1) / (s * (m - s))) * (paired ? 2 : 1);
    out.push({ size: s, paired, subsets: binomial(m, s) * (paired ? 2 : 1), share });
    total += share;
  }
  for (const c of out) c.share /= total;
  return out;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

class Builder {
  private masks: number[] = [];
  private weights: number[] = [];
  constructor(private readonly m: number) {}

  /** Adds every coalition of `size` (and each complement when `paired`) with weight `w` each. */
  enumerate(size: number, paired: boolean, w: number): void {
    const m = this.m;
    const pick = Array.from({ length: size }, (_, i) => i);
    for (;;) {
      const mask = new Array<number>(m).fill(0);
      for (const j of pick) mask[j] = 1;
      this.push(mask, w);
      if (paired) this.push(mask.map((b) => 1 - b), w);
      // Next combination in lexicographic order.
      let i = size - 1;
      while (i >= 0 && pick[i] === m - size + i) i--;
      if (i < 0) return;
      pick[i]++;
      for (let t = i + 1; t < size; t++) pick[t] = pick[t - 1] + 1;
    }
  }

  /**
   * Spends `budget` coalitions on `classes`, stratified by size: each class gets a share of the
   * budget proportional to its kernel weight (largest remainders), drawn as distinct uniform
   * coalitions of its size, each with its complement (paired sampling, so the budget is spent in
   * pairs); a class's kernel weight is split evenly among the coalitions drawn from it. Within a size class the Shapley kernel weighs
   * every coalition alike, so this estimates each class's part of the regression without bias,
   * with less variance than weighting repeated draws by their counts (as the shap package does).
   */
  sample(classes: readonly SizeClass[], budget: number, mass: number, rng: Random): void {
    const m = this.m;
    // A draw is a coalition and its complement; in the middle size of an even m both are in the class.
    const cap = classes.map((c) => c.subsets / 2);
    const target = classes.map((c) => (budget * c.share) / mass / 2);
    const draws = target.map((t, i) => Math.min(cap[i], Math.floor(t)));
    let left = budget - 2 * draws.reduce((s, d) => s + d, 0);
    const byRemainder = classes.map((_, i) => i).sort((a, b) => target[b] - Math.floor(target[b]) - (target[a] - Math.floor(target[a])) || a - b);
    for (let pass = 0; pass < 2 && left >= 2; pass++) {
      for (const i of byRemainder) {
        if (left >= 2 && draws[i] < cap[i]) {
          draws[i]++;
          left -= 2;
        }
      }
    }
    const order = Array.from({ length: m }, (_, i) => i);
    classes.forEach((c, i) => {
      if (draws[i] === 0) return;
      if (draws[i] >= cap[i]) {
        this.enumerate(c.size, c.paired, c.share / c.subsets);
        return;
      }
      const w = c.share / (2 * draws[i]);
      const seen = new Set<string>();
      while (seen.size < draws[i]) {
        // A uniform subset of c.size features: a partial Fisher–Yates shuffle.
        for (let t = 0; t < c.size; t++) {
          const j = t + rng.int(m - t);
          const x = order[t];
          order[t] = order[j];
          order[j] = x;
        }
        const mask = new Array<number>(m).fill(0);
        for (let t = 0; t < c.size; t++) mask[order[t]] = 1;
        const complement = mask.map((b) => 1 - b);
        // One key per pair: the member holding feature 0.
        const key = (mask[0] === 1 ? mask : complement).join('');
        if (seen.has(key)) continue;
        seen.add(key);
        this.push(mask, w);
        this.push(complement, w);
      }
    });
  }

  private push(mask: number[], w: number): void {
    for (const b of mask) this.masks.push(b);
    this.weights.push(w);
  }

  finish(exhaustive: boolean): Coalitions {
    return { m: this.m, count: this.weights.length, masks: Uint8Array.from(this.masks), weights: Float64Array.from(this.weights), exhaustive };
  }
}
