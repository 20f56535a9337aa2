import { groupLabel, groupRows } from '../assess/groups.js';
import { userError } from '../errors/index.js';
import { Random } from '../stats/index.js';
import type { Table } from '../table/index.js';
import { type BinaryMitigation, type Mitigation, type MulticlassMitigation, thresholdFromJson } from './artifact.js';
import { scoreValues } from './threshold-optimizer.js';
import { offsetArgmax } from './threshold-optimizer-multiclass.js';

/**
 * Each row's group in the artifact (an index into `m.groups`), or −1 for a row whose scores are
 * missing (or that `include` leaves out). A group the rule was not fitted on is an error when any
 * of its rows has a score: a threshold cannot be guessed for it.
 */
export function mitigationGroups(table: Table, m: Mitigation, hasScore: (i: number) => boolean): Int32Array {
  for (const s of m.sensitive) {
    if (!table.has(s)) throw userError('unknown_column', `the data has no sensitive column ${JSON.stringify(s)}, which the mitigation was fitted on (${m.sensitive.join(', ')}); add it, or refit the mitigation on the columns this data has`, { column: s });
  }
  const grouping = groupRows(table, m.sensitive, null, Math.max(1000, m.groups.length));
  const known = new Map(m.groups.map((g, k) => [JSON.stringify(m.sensitive.map((s) => g.key[s])), k]));
  const map = grouping.keys.map((key) => known.get(JSON.stringify(m.sensitive.map((s) => key[s]))) ?? -1);
  const out = new Int32Array(table.rowCount);
  const unknownRows = new Float64Array(grouping.keys.length);
  for (let i = 0; i < out.length; i++) {
    const g = grouping.codes[i];
    out[i] = hasScore(i) ? map[g] : -1;
    if (map[g] < 0 && hasScore(i)) unknownRows[g]++;
  }
  const unknown = grouping.keys.map((key, g) => ({ key, rows: unknownRows[g] })).filter((u) => u.rows > 0);
  if (unknown.length) {
    const by = m.sensitive.join(' × ');
    const names = m.groups.map((g) => JSON.stringify(groupLabel(g.key, m.sensitive)));
    const first = unknown[0];
    throw userError(
      'unknown_group',
      `${by} = ${JSON.stringify(groupLabel(first.key, m.sensitive))} (${first.rows} row${first.rows === 1 ? '' : 's'}${unknown.length > 1 ? `, and ${unknown.length - 1} more group${unknown.length > 2 ? 's' : ''}` : ''}) is not a group the mitigation was fitted on (${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}), so it has no thresholds; refit on data that includes the group, or leave its rows out of the data (assess: --where)`,
      { groups: unknown.map((u) => u.key) },
    );
  }
  return out;
}

const hit = (op: { operator: '>' | '<'; threshold: number | 'Infinity' | '-Infinity' }, s: number) => {
  const t = thresholdFromJson(op.threshold);
  return (op.operator === '>' ? s > t : s < t) ? 1 : 0;
};

/**
 * P(prediction = positive) per row under a binary rule (NaN where the score is missing):
 * p_ignore·c + (1 − p_ignore)·(p0·[s op0 t0] + p1·[s op1 t1]) with the row's group's parameters.
 * Rows that `include` (1 per row) leaves out get NaN.
 */
export function positiveProbability(table: Table, m: BinaryMitigation, include?: Uint8Array): Float64Array {
  const score = scoreValues(table, m.score);
  const groups = mitigationGroups(table, m, (i) => (!include || include[i] === 1) && !Number.isNaN(score[i]));
  const out = new Float64Array(table.rowCount);
  for (let i = 0; i < out.length; i++) {
    const g = groups[i];
    if (g < 0) {
      out[i] = NaN;
      continue;
    }
    const r = m.groups[g];
    const s = score[i];
    const base = r.p0 * hit(r.operation0, s) + r.p1 * hit(r.operation1, s);
    out[i] = r.p_ignore * r.prediction_constant + (1 - r.p_ignore) * base;
  }
  return out;
}

/**
 * One randomised draw of decisions: row i is positive when u_i < p_i, the u_i drawn in row order
 * from one seeded stream (one draw per row, missing or not), so the same seed on the same rows
 * gives the same decisions. 255 marks a missing decision.
 */
export function randomizedDecisions(probability: Float64Array, seed: number): Uint8Array {
  if (!Number.isInteger(seed)) throw userError('invalid_option', `invalid seed: ${seed} (expected a whole number)`);
  const random = new Random(seed);
  const out = new Uint8Array(probability.length);
  for (let i = 0; i < out.length; i++) {
    const u = random.next();
    const p = probability[i];
    out[i] = Number.isNaN(p) ? 255 : u < p ? 1 : 0;
  }
  return out;
}

/** The class index per row under a multiclass rule (−1 where a score is missing, or `include` leaves the row out). */
export function multiclassDecisions(table: Table, m: MulticlassMitigation, include?: Uint8Array): Int32Array {
  const scores = m.scores.map((s) => scoreValues(table, s));
  const groups = mitigationGroups(table, m, (i) => (!include || include[i] === 1) && scores.every((s) => !Number.isNaN(s[i])));
  const out = new Int32Array(table.rowCount);
  for (let i = 0; i < out.length; i++) out[i] = groups[i] < 0 ? -1 : offsetArgmax(scores, i, m.groups[groups[i]].offsets);
  return out;
}
