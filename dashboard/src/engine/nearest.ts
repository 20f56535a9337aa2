import { MISSING_BOOL, userError, valueAt } from '../../../src/index.js';
import type { RowValues } from '../../../src/dashboard/protocol.js';
import type { Engine } from './engine.js';
import type { Neighbour } from './types.js';

const sdCache = new WeakMap<Engine, Map<string, number>>();

/** Standard deviation of a numeric column over its present values (1 when constant or empty, so it never divides by 0). */
function sdOf(engine: Engine, name: string, values: Float64Array): number {
  let cache = sdCache.get(engine);
  if (!cache) sdCache.set(engine, (cache = new Map()));
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  // Welford's running mean and variance.
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    n++;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
  }
  const sd = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
  const out = sd > 0 ? sd : 1;
  cache.set(name, out);
  return out;
}

/**
 * The rows of the data nearest to `values` among those the model decides differently — the
 * closest real cases on the other side of the decision. Distance: Σ |x − q| / sd over numeric
 * features (standardised, so no feature dominates by its unit) plus 1 for each categorical or
 * boolean feature that differs (Gower-style mismatch); a value missing on one side only counts 1.
 * One pass per feature over the whole data, then a k-smallest selection.
 */
export function nearestDifferent(engine: Engine, params: { values: RowValues; prediction: string | null; score?: number | null; threshold: number | null; k?: number; exclude?: number }): Neighbour[] {
  const table = engine.table;
  const n = table.rowCount;
  const k = Math.max(1, Math.min(50, params.k ?? 5));
  const features = engine.settings.features.filter((f) => table.has(f) && table.column(f).type !== 'list');
  if (features.length === 0) throw userError('invalid_option', 'the manifest lists no features to compare rows on');
  const dist = new Float64Array(n);
  for (const f of features) {
    const c = table.column(f);
    const q = params.values[f] ?? null;
    if (c.type === 'numeric') {
      const qv = q === null || q === '' ? NaN : Number(q);
      const sd = sdOf(engine, f, c.values);
      addNumeric(dist, c.values, qv, sd);
    } else if (c.type === 'categorical') {
      addCodes(dist, c.codes, q === null ? -1 : c.dictionary.indexOf(String(q)), q === null, -1);
    } else if (c.type === 'boolean') {
      const qb = q === null ? -1 : q === true || q === 'true' || q === 1 ? 1 : 0;
      addBytes(dist, c.values, qb);
    }
  }
  // Rows decided differently from the query (prediction known on both sides).
  const p = engine.predictedAt(params.threshold);
  const target = engine.target;
  let other: (i: number) => boolean;
  if (p && target) {
    // The query's decision: its score against the threshold when given, else its predicted label.
    const th = params.threshold ?? engine.settings.threshold;
    const q = params.score !== undefined && params.score !== null && target.score ? (params.score >= th ? 1 : 0) : params.prediction === null ? -1 : params.prediction === target.positive ? 1 : 0;
    other = (i) => p[i] !== 255 && p[i] !== q;
  } else {
    other = (i) => {
      const t = engine.predictionText(i, params.threshold);
      return t !== null && t !== params.prediction;
    };
  }
  const best: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i === params.exclude || !other(i)) continue;
    const d = dist[i];
    if (best.length === k && d >= dist[best[k - 1]]) continue;
    let at = best.length === k ? k - 1 : best.length;
    if (best.length < k) best.push(i);
    while (at > 0 && dist[best[at - 1]] > d) {
      best[at] = best[at - 1];
      at--;
    }
    best[at] = i;
  }
  return best.map((i) => {
    const differences: Neighbour['differences'] = [];
    for (const f of features) {
      const v = valueAt(table.column(f), i);
      const q = params.values[f] ?? null;
      const same = v === null || q === null ? v === q : typeof v === 'number' ? v === Number(q) : String(v) === String(q);
      if (!same) differences.push({ feature: f, value: Array.isArray(v) ? v.join(', ') : v });
    }
    const score = engine.settings.score ? (valueAt(table.column(engine.settings.score), i) as number | null) : null;
    return { index: i, distance: dist[i], prediction: engine.predictionText(i, params.threshold), score, differences };
  });
}

function addNumeric(dist: Float64Array, values: Float64Array, q: number, sd: number): void {
  const qMissing = q !== q;
  for (let i = 0; i < dist.length; i++) {
    const v = values[i];
    if (v !== v) dist[i] += qMissing ? 0 : 1;
    else dist[i] += qMissing ? 1 : Math.abs(v - q) / sd;
  }
}

function addCodes(dist: Float64Array, codes: Int32Array, q: number, qMissing: boolean, missing: number): void {
  for (let i = 0; i < dist.length; i++) {
    const c = codes[i];
    if (c === missing) dist[i] += qMissing ? 0 : 1;
    else dist[i] += qMissing || c !== q ? 1 : 0;
  }
}

function addBytes(dist: Float64Array, values: Uint8Array, q: number): void {
  for (let i = 0; i < dist.length; i++) {
    const v = values[i];
    if (v === MISSING_BOOL) dist[i] += q < 0 ? 0 : 1;
    else dist[i] += q < 0 || v !== q ? 1 : 0;
  }
}
