import { userError } from '../../errors/index.js';
import type { Cells } from './cells.js';

/**
 * What to equalise: `labels` — the classes within each group (every class of a group as large as
 * its largest class, or as small as its smallest); `groups` — the groups' sizes, each group keeping
 * its own class proportions.
 */
export type Balance = 'labels' | 'groups';

/** Options that decide how many rows each (group, label) cell should have. */
export interface SamplingTarget {
  /** Defaults to `labels`. */
  readonly balance?: Balance;
  /**
   * How close to equal: after oversampling every unit (class within a group, or group) has at least
   * `round(ratio · largest)` rows; after undersampling at most `round(smallest / ratio)`. In (0, 1];
   * defaults to 1 (equal).
   */
  readonly ratio?: number;
}

/** Per-cell target counts and the problems met on the way. */
export interface SamplingPlan {
  readonly targets: Float64Array;
  readonly warnings: string[];
}

/** Checks and defaults a {@link SamplingTarget}. */
export function samplingTarget(options: SamplingTarget): { balance: Balance; ratio: number } {
  const { balance = 'labels', ratio = 1 } = options;
  if (balance !== 'labels' && balance !== 'groups') throw userError('invalid_option', `invalid balance: ${JSON.stringify(balance)} (expected labels or groups)`, { balance });
  if (!(ratio > 0 && ratio <= 1)) throw userError('invalid_option', `invalid ratio: ${ratio} (expected a number in (0, 1])`, { ratio });
  return { balance, ratio };
}

/**
 * How many rows each cell should have after over- (`grow`) or undersampling. Empty cells stay empty
 * (there is nothing to copy, and emptying a whole group to match one is never what anyone wants):
 * they are left out of the smallest/largest and reported as warnings.
 *
 * With `balance: 'groups'`, a group's target is split over its cells in proportion to their sizes by
 * largest remainders (Hamilton's method; ties to the earlier label), so the group total is exact and
 * its class shares stay as close as whole rows allow.
 */
export function planSampling(cells: Cells, grow: boolean, options: SamplingTarget): SamplingPlan {
  const { balance, ratio } = samplingTarget(options);
  const { groups, labels, counts } = cells;
  const L = labels.length;
  const targets = Float64Array.from(counts);
  const warnings: string[] = [];
  const goal = (sizes: number[]): number => {
    const present = sizes.filter((s) => s > 0);
    return grow ? Math.round(ratio * Math.max(...present)) : Math.round(Math.min(...present) / ratio);
  };
  const adjust = (n: number, t: number) => (grow ? Math.max(n, t) : Math.min(n, t));
  if (balance === 'labels') {
    for (let g = 0; g < groups.length; g++) {
      const sizes = Array.from(counts.subarray(g * L, (g + 1) * L));
      if (sizes.every((s) => s === 0)) continue;
      const t = goal(sizes);
      for (let y = 0; y < L; y++) {
        if (sizes[y] === 0) {
          if (L > 1) warnings.push(`group ${groups[g]} has no rows labelled ${labels[y]}; that cell stays empty`);
          continue;
        }
        targets[g * L + y] = adjust(sizes[y], t);
      }
    }
    return { targets, warnings };
  }
  const sizes = groups.map((_, g) => counts.subarray(g * L, (g + 1) * L).reduce((a, b) => a + b, 0));
  if (groups.length < 2) warnings.push(`only one group (${groups[0]}) in scope: balancing groups changes nothing`);
  const t = goal(sizes);
  for (let g = 0; g < groups.length; g++) {
    const n = sizes[g];
    if (n === 0) {
      warnings.push(`group ${groups[g]} has no labelled rows in scope; it stays empty`);
      continue;
    }
    const total = adjust(n, t);
    const quota = new Float64Array(L);
    let given = 0;
    for (let y = 0; y < L; y++) {
      quota[y] = (total * counts[g * L + y]) / n;
      targets[g * L + y] = Math.floor(quota[y]);
      given += targets[g * L + y];
    }
    const order = Array.from({ length: L }, (_, y) => y).sort((a, b) => quota[b] - Math.floor(quota[b]) - (quota[a] - Math.floor(quota[a])) || a - b);
    for (let r = 0; r < total - given; r++) targets[g * L + order[r]]++;
  }
  return { targets, warnings };
}
