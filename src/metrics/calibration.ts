import { userError } from '../errors/index.js';
import { checkGroups, checkLength, groupOutOfRange } from './validate.js';

/** One bin of a reliability diagram. */
export interface CalibrationBin {
  /** Bin edges [lower, upper); the last bin includes 1. */
  readonly lower: number;
  readonly upper: number;
  /** Rows in the bin (unweighted). */
  readonly count: number;
  /** Total weight in the bin (= count without weights). */
  readonly weight: number;
  /** Mean score in the bin (weighted); null for an empty bin. */
  readonly meanPredicted: number | null;
  /** Share of positives in the bin (weighted); null for an empty bin. */
  readonly observedRate: number | null;
}

/** A group's reliability diagram. */
export interface GroupCalibration {
  readonly bins: CalibrationBin[];
  /** Expected calibration error Σ (weight_b / W) · |observed_b − predicted_b|; null for an empty group. */
  readonly ece: number | null;
  /** Rows left out (label not 0/1, NaN score, invalid weight). */
  readonly missing: number;
}

/** Options for {@link calibrationByGroup}. */
export interface CalibrationOptions {
  /** Number of equal-width bins over [0, 1]; defaults to 10. */
  readonly bins?: number;
  readonly weight?: Float64Array;
}

/**
 * Reliability diagram per group: equal-width bins over [0, 1] with the edges and bin assignment
 * of scikit-learn's `calibration_curve(strategy='uniform')` (edges k/bins computed as numpy's
 * linspace, a score on an inner edge goes to the upper bin, scores outside [0, 1] to the end
 * bins); empty bins are kept with null means. One pass.
 */
export function calibrationByGroup(groups: Int32Array, nGroups: number, label: Uint8Array, score: Float64Array, options: CalibrationOptions = {}): GroupCalibration[] {
  const { bins = 10, weight } = options;
  if (!(Number.isInteger(bins) && bins >= 1)) throw userError('invalid_option', `invalid bins: ${bins} (expected a positive integer)`, { bins });
  checkGroups(groups, nGroups);
  const rows = groups.length;
  checkLength('label', label, rows);
  checkLength('score', score, rows);
  checkLength('weight', weight, rows);
  // numpy.linspace(0, 1, bins + 1): k · (1 / bins), last edge exactly 1.
  const step = 1 / bins;
  const edges = new Float64Array(bins + 1);
  for (let k = 0; k <= bins; k++) edges[k] = k * step;
  edges[bins] = 1;
  // acc[(g·bins + b)·4 + …]: count, weight, Σ w·score, Σ w·label.
  const acc = new Float64Array(nGroups * bins * 4);
  const missing = new Float64Array(nGroups);
  const bad = binScores(groups, nGroups, label, score, weight ?? null, edges, acc, missing);
  if (bad >= 0) throw groupOutOfRange(groups[bad], nGroups);
  const out: GroupCalibration[] = [];
  for (let g = 0; g < nGroups; g++) {
    const list: CalibrationBin[] = [];
    let total = 0;
    let err = 0;
    for (let b = 0; b < bins; b++) {
      const o = (g * bins + b) * 4;
      const w = acc[o + 1];
      const meanPredicted = w > 0 ? acc[o + 2] / w : null;
      const observedRate = w > 0 ? acc[o + 3] / w : null;
      if (w > 0) {
        total += w;
        err += w * Math.abs((observedRate as number) - (meanPredicted as number));
      }
      list.push({ lower: edges[b], upper: edges[b + 1], count: acc[o], weight: w, meanPredicted, observedRate });
    }
    out.push({ bins: list, ece: total > 0 ? err / total : null, missing: missing[g] });
  }
  return out;
}

function binScores(groups: Int32Array, nGroups: number, label: Uint8Array, score: Float64Array, weight: Float64Array | null, edges: Float64Array, acc: Float64Array, missing: Float64Array): number {
  const bins = edges.length - 1;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (g < 0) continue;
    if (g >= nGroups) return i;
    const y = label[i];
    const s = score[i];
    const w = weight === null ? 1 : weight[i];
    if (y > 1 || s !== s || !(w >= 0 && w < Infinity)) {
      missing[g]++;
      continue;
    }
    // searchsorted(edges[1:-1], s, side='right'): the number of inner edges ≤ s.
    let b = Math.floor(s * bins);
    if (b < 0) b = 0;
    else if (b > bins - 1) b = bins - 1;
    while (b > 0 && edges[b] > s) b--;
    while (b < bins - 1 && edges[b + 1] <= s) b++;
    const o = (g * bins + b) * 4;
    acc[o]++;
    acc[o + 1] += w;
    acc[o + 2] += w * s;
    acc[o + 3] += w * y;
  }
  return -1;
}
