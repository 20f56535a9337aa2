import { rankByScore, type ScoreMetrics, scoreMetricsByGroup } from '../metrics/index.js';
import { bootstrapRows, Random } from '../stats/index.js';

/** Score metrics whose differences get paired row-bootstrap intervals (threshold-free: they need the rows, not counts). */
export const SCORE_DELTA_METRICS = ['roc_auc', 'average_precision', 'log_loss', 'brier_score'] as const;
export type ScoreDeltaMetric = (typeof SCORE_DELTA_METRICS)[number];

/** Options of {@link pairedScoreBootstrap}. */
export interface ScoreBootstrapOptions {
  resamples: number;
  seed: number;
  /** Above this many rows in the scope, the bootstrap runs on a seeded sample of this many (m-out-of-n). */
  rowLimit: number;
}

/** Per-resample score metrics of both models over one set of groups. */
export interface ScoreResamples {
  /** Per metric of {@link SCORE_DELTA_METRICS}: the baseline's values, resample-major (`a[k][r * nGroups + g]`); NaN where undefined. */
  a: Float64Array[];
  /** The candidate's values, likewise. */
  b: Float64Array[];
  /** Set when the resamples came from a sample of the rows: its size and the rows it was drawn from. */
  sample: { rows: number; of: number } | null;
}

function take<A extends Float64Array | Int32Array | Uint8Array>(a: A, rows: Int32Array): A {
  const out = new (a.constructor as new (n: number) => A)(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = a[rows[k]];
  return out;
}

function valuesOf(m: ScoreMetrics, id: ScoreDeltaMetric, g: number): number {
  return m[id][g].value ?? NaN;
}

/** m distinct entries of `rows` drawn uniformly (Floyd's algorithm), kept in row order. */
function sampleRows(rows: Int32Array, m: number, random: Random): Int32Array {
  const chosen = new Uint8Array(rows.length);
  for (let j = rows.length - m; j < rows.length; j++) {
    const t = random.int(j + 1);
    chosen[chosen[t] ? j : t] = 1;
  }
  const out = new Int32Array(m);
  let k = 0;
  for (let i = 0; i < rows.length; i++) if (chosen[i]) out[k++] = rows[i];
  return out;
}

/**
 * Paired row bootstrap of two models' score metrics (ROC AUC, average precision, log loss, Brier
 * score) per group: each resample draws every group's rows with replacement (stratified, as
 * {@link bootstrapRows}), and *both* models are scored on that same draw — the pairing that makes
 * the interval of their difference reflect only how the models disagree. `label` is 0/1 (255 where
 * missing), `codes` the group of each row (-1 outside the scope).
 *
 * The scope's rows are compacted and ranked once per model, so a small cohort of a large table
 * costs its own size per resample. Above `rowLimit` rows, the resamples are drawn from a seeded
 * uniform sample of m = `rowLimit` rows (m-out-of-n bootstrap) and each resampled value v of group
 * g is mapped to θ + (v − θₘ)·√(mₐ/nₐ) — θ on all rows, θₘ on the sample, mₐ/nₐ the group's sampled
 * share — as `assess` does (Bickel, Götze & van Zwet, 1997): the sample's spread shrunk to the
 * full data's size, centred on the full-data estimate.
 */
export function pairedScoreBootstrap(label: Uint8Array, scoreA: Float64Array, scoreB: Float64Array, codes: Int32Array, nGroups: number, o: ScoreBootstrapOptions): ScoreResamples {
  let eligible = 0;
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) eligible++;
  const rows = new Int32Array(eligible);
  for (let i = 0, k = 0; i < codes.length; i++) if (codes[i] >= 0) rows[k++] = i;
  const sampled = eligible > o.rowLimit;
  const chosen = sampled ? sampleRows(rows, o.rowLimit, new Random(o.seed ^ 0x5bd1e995)) : rows;
  const groups = take(codes, chosen);
  const label0 = take(label, chosen);
  const rankA = rankByScore(label0, take(scoreA, chosen));
  const rankB = rankByScore(label0, take(scoreB, chosen));
  const size = o.resamples * nGroups;
  const out: ScoreResamples = { a: SCORE_DELTA_METRICS.map(() => new Float64Array(size)), b: SCORE_DELTA_METRICS.map(() => new Float64Array(size)), sample: null };
  bootstrapRows(
    groups,
    nGroups,
    (weight, r) => {
      const ma = scoreMetricsByGroup(rankA, groups, nGroups, { weight });
      const mb = scoreMetricsByGroup(rankB, groups, nGroups, { weight });
      SCORE_DELTA_METRICS.forEach((id, k) => {
        for (let g = 0; g < nGroups; g++) {
          out.a[k][r * nGroups + g] = valuesOf(ma, id, g);
          out.b[k][r * nGroups + g] = valuesOf(mb, id, g);
        }
      });
    },
    { resamples: o.resamples, seed: o.seed },
  );
  if (!sampled) return out;

  const allGroups = take(codes, rows);
  const allLabel = take(label, rows);
  const full = [rankByScore(allLabel, take(scoreA, rows)), rankByScore(allLabel, take(scoreB, rows))].map((r) => scoreMetricsByGroup(r, allGroups, nGroups));
  const part = [rankA, rankB].map((r) => scoreMetricsByGroup(r, groups, nGroups));
  const factor = new Float64Array(nGroups);
  for (let g = 0; g < nGroups; g++) factor[g] = full[0].n[g] > 0 ? Math.sqrt(part[0].n[g] / full[0].n[g]) : 0;
  [out.a, out.b].forEach((values, model) => {
    SCORE_DELTA_METRICS.forEach((id, k) => {
      for (let g = 0; g < nGroups; g++) {
        const theta = valuesOf(full[model], id, g);
        const thetaM = valuesOf(part[model], id, g);
        for (let r = 0; r < o.resamples; r++) {
          const j = r * nGroups + g;
          values[k][j] = theta + (values[k][j] - thetaM) * factor[g];
        }
      }
    });
  });
  out.sample = { rows: chosen.length, of: eligible };
  return out;
}
