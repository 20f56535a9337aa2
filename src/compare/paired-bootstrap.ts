import { type ConfusionCounts, emptyConfusionCounts } from '../metrics/index.js';
import { Random, sampleMultinomial } from '../stats/index.js';
import { confusionFromJoint } from './joint-counts.js';

/**
 * Paired bootstrap over joint cells (see {@link jointCounts}), stratified by group: each resample
 * draws every group's 8 cells from Multinomial(n_g, observed cell shares). That is exactly the
 * distribution of the joint cells when the group's rows are resampled with replacement, and since
 * both models' confusion counts come from the same draw, their metrics are computed on the same
 * resample — the pairing that makes the interval of a difference narrow when the models agree.
 * Cost O(groups) per resample, whatever the number of rows.
 * `visit` receives the baseline's and the candidate's counts (reused between calls) and the cells.
 */
export function pairedBootstrap(
  cells: Float64Array,
  nGroups: number,
  resamples: number,
  seed: number,
  visit: (baseline: ConfusionCounts, candidate: ConfusionCounts, cells: Float64Array, resample: number) => void,
): void {
  const random = new Random(seed);
  const drawn = new Float64Array(cells.length);
  const draw = new Float64Array(8);
  const a = emptyConfusionCounts(nGroups);
  const b = emptyConfusionCounts(nGroups);
  const sizes = new Float64Array(nGroups);
  for (let g = 0; g < nGroups; g++) for (let k = 0; k < 8; k++) sizes[g] += cells[8 * g + k];
  for (let r = 0; r < resamples; r++) {
    for (let g = 0; g < nGroups; g++) {
      if (sizes[g] === 0) continue;
      sampleMultinomial(random, sizes[g], cells.subarray(8 * g, 8 * g + 8), draw);
      drawn.set(draw, 8 * g);
    }
    confusionFromJoint(drawn, nGroups, 0, a);
    confusionFromJoint(drawn, nGroups, 1, b);
    visit(a, b, drawn, r);
  }
}

/** FNV-1a of a salt mixed with the seed: an independent, reproducible stream per scope and model. */
export function streamSeed(seed: number, salt: string): number {
  let h = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < salt.length; i++) h = Math.imul(h ^ salt.charCodeAt(i), 0x01000193);
  return h | 0;
}
