import { userError } from '../errors/index.js';
import type { ScoreRanking } from './rank.js';
import { rankedGroupsOf } from './ranked-groups.js';
import { checkGroups, checkLength } from './validate.js';

/** ROC curve points, from the highest threshold down; the first point (0, 0) has threshold null. */
export interface RocCurve {
  readonly fpr: number[];
  readonly tpr: number[];
  /** Score threshold of each point (prediction = score ≥ threshold); null for the starting point. */
  readonly threshold: (number | null)[];
}

/** Precision–recall curve points, from the highest threshold down; the first point (recall 0, precision 1) has threshold null. */
export interface PrCurve {
  readonly recall: number[];
  readonly precision: number[];
  readonly threshold: (number | null)[];
}

/** One group's curves; a curve is null (with `reason`) when the group lacks a class. */
export interface GroupCurves {
  readonly roc: RocCurve | null;
  readonly pr: PrCurve | null;
  /** Distinct thresholds in the group before downsampling. */
  readonly thresholds: number;
  readonly reason?: string;
}

/** Options for {@link curvesByGroup}. */
export interface CurveOptions {
  /** Most points kept per curve, endpoints included; defaults to 200 (at least 3). */
  readonly maxPoints?: number;
  /** Row-order weights instead of the ranking's. */
  readonly weight?: Float64Array;
}

/**
 * ROC and precision–recall curves per group from a shared {@link rankByScore} ranking, with the
 * points of scikit-learn's `roc_curve(drop_intermediate=False)` and `precision_recall_curve`
 * (one point per distinct score in the group). Curves with more points than `maxPoints` are
 * downsampled evenly over the thresholds, keeping both endpoints. Two passes over the ranked rows.
 */
export function curvesByGroup(ranking: ScoreRanking, groups: Int32Array, nGroups: number, options: CurveOptions = {}): GroupCurves[] {
  const { maxPoints = 200, weight } = options;
  if (!(Number.isInteger(maxPoints) && maxPoints >= 3)) throw userError('invalid_option', `invalid maxPoints: ${maxPoints} (expected an integer >= 3)`, { maxPoints });
  checkGroups(groups, nGroups);
  checkLength('groups', groups, ranking.rowCount);
  checkLength('weight', weight, ranking.rowCount);
  const m = ranking.size;
  const ranked = rankedGroupsOf(ranking.rank, m, groups, nGroups, weight, new Float64Array(nGroups));
  const rg = ranked.groups;
  const w = weight ? ranked.weight : ranking.weight;
  const score = ranking.score;
  const label = ranking.label;

  // Pass 1: totals and distinct thresholds per group.
  const P = new Float64Array(nGroups);
  const N = new Float64Array(nGroups);
  const count = new Float64Array(nGroups);
  const lastBlock = new Float64Array(nGroups).fill(-1);
  let block = -1;
  for (let j = 0; j < m; j++) {
    if (j === 0 || score[j] !== score[j - 1]) block++;
    const g = rg[j];
    if (g < 0) continue;
    const wj = w === null ? 1 : w[j];
    if (label[j] === 1) P[g] += wj;
    else N[g] += wj;
    if (lastBlock[g] !== block) {
      lastBlock[g] = block;
      count[g]++;
    }
  }

  // Pass 2: cumulative counts at the end of each block, keeping every stride-th point and the last.
  const stride = new Float64Array(nGroups);
  for (let g = 0; g < nGroups; g++) stride[g] = count[g] <= maxPoints - 1 ? 1 : Math.ceil(count[g] / (maxPoints - 2));
  const tp = new Float64Array(nGroups);
  const fp = new Float64Array(nGroups);
  const seen = new Float64Array(nGroups);
  const points: { tp: number[]; fp: number[]; t: number[] }[] = [];
  for (let g = 0; g < nGroups; g++) points.push({ tp: [], fp: [], t: [] });
  const touched = new Int32Array(nGroups);
  const pending = new Uint8Array(nGroups);
  let j = 0;
  while (j < m) {
    const s = score[j];
    let top = 0;
    let k = j;
    for (; k < m && score[k] === s; k++) {
      const g = rg[k];
      if (g < 0) continue;
      const wk = w === null ? 1 : w[k];
      if (label[k] === 1) tp[g] += wk;
      else fp[g] += wk;
      if (pending[g] === 0) {
        pending[g] = 1;
        touched[top++] = g;
      }
    }
    for (let t = 0; t < top; t++) {
      const g = touched[t];
      pending[g] = 0;
      const i = ++seen[g];
      if (i % stride[g] === 0 || i === count[g]) {
        const p = points[g];
        p.tp.push(tp[g]);
        p.fp.push(fp[g]);
        p.t.push(s);
      }
    }
    j = k;
  }

  const out: GroupCurves[] = [];
  for (let g = 0; g < nGroups; g++) {
    const p = points[g];
    const pos = P[g];
    const neg = N[g];
    let roc: RocCurve | null = null;
    let pr: PrCurve | null = null;
    if (pos > 0 && neg > 0) {
      roc = { fpr: [0, ...p.fp.map((x) => x / neg)], tpr: [0, ...p.tp.map((x) => x / pos)], threshold: [null, ...p.t] };
    }
    if (pos > 0) {
      pr = {
        recall: [0, ...p.tp.map((x) => x / pos)],
        precision: [1, ...p.tp.map((x, i) => (x + p.fp[i] > 0 ? x / (x + p.fp[i]) : 0))],
        threshold: [null, ...p.t],
      };
    }
    const reason = count[g] === 0 ? 'empty group (no rows)' : pos > 0 && neg > 0 ? undefined : pos > 0 ? 'no negatives: no ROC curve' : 'no positives: no ROC or precision-recall curve';
    out.push(reason === undefined ? { roc, pr, thresholds: count[g] } : { roc, pr, thresholds: count[g], reason });
  }
  return out;
}
