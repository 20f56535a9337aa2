// Deterministic synthetic rows for the report tests: a binary label, a score with a planted gap for
// one group, a numeric feature, two sensitive columns, and a hostile category value.
import { categoricalColumn, numericColumn, Table } from '../../src/index.js';

export const HOSTILE_REGION = `<img src=x onerror="window.__pwned=1">`;

/** A small seeded generator (LCG) so the test data never changes. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** `n` rows of loan-like data. */
export function makeRows(n: number, seed = 1): Table {
  const u = lcg(seed);
  const age = new Float64Array(n);
  const income = new Float64Array(n);
  const repaid = new Float64Array(n);
  const score = new Float64Array(n);
  const sex: string[] = [];
  const region: string[] = [];
  const regions = ['North', 'South', 'East', HOSTILE_REGION];
  for (let i = 0; i < n; i++) {
    sex.push(u() < 0.48 ? 'Female' : 'Male');
    // The hostile region is rare (about 2%), so it is also a small group.
    const r = u();
    region.push(r < 0.02 ? regions[3] : regions[Math.floor(((r - 0.02) / 0.98) * 3)]);
    age[i] = Math.round(18 + u() * 60);
    income[i] = u() < 0.03 ? NaN : Math.round(20 + u() * 80);
    const z = -1 + 0.03 * (age[i] - 40) + 0.02 * ((Number.isNaN(income[i]) ? 60 : income[i]) - 60) + (u() - 0.5) * 3;
    repaid[i] = z > 0 ? 1 : 0;
    const noise = (u() - 0.5) * 2.2;
    const s = 1 / (1 + Math.exp(-(z + noise - (sex[i] === 'Female' ? 0.8 : 0))));
    score[i] = Math.round(s * 1e4) / 1e4;
  }
  return new Table([
    numericColumn('age', age),
    numericColumn('income', income),
    categoricalColumn('sex', sex, 'sensitive'),
    categoricalColumn('region', region, 'sensitive'),
    numericColumn('repaid', repaid, 'label'),
    numericColumn('score', score, 'score'),
  ]);
}
