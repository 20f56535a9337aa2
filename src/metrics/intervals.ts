import { type ProportionInterval, wilsonInterval } from '../stats/wilson.js';
import type { BinaryMetricId } from './binary.js';
import type { ConfusionCounts } from './confusion.js';
import { type ConfusionCell, METRICS } from './registry.js';

/** Options for {@link binaryMetricIntervals}. */
export interface MetricIntervalOptions {
  /** Two-sided confidence level; defaults to 0.95. */
  readonly confidence?: number;
}

/**
 * Wilson score intervals per group for a proportion metric (selection rate, FPR, precision…; see
 * `METRICS[id].proportion`). Null for a group whose denominator is 0. Throws for metrics that are
 * not proportions (F1, balanced accuracy, counts): bootstrap those.
 */
export function binaryMetricIntervals(counts: ConfusionCounts, id: BinaryMetricId, options: MetricIntervalOptions = {}): (ProportionInterval | null)[] {
  const proportion = METRICS[id]?.proportion;
  if (!proportion) throw new RangeError(`${id} is not a proportion of confusion cells: use a bootstrap interval`);
  const out: (ProportionInterval | null)[] = [];
  for (let g = 0; g < counts.nGroups; g++) {
    const successes = sumCells(counts, g, proportion.numerator);
    const trials = sumCells(counts, g, proportion.denominator);
    out.push(trials > 0 ? wilsonInterval(successes, trials, options) : null);
  }
  return out;
}

function sumCells(counts: ConfusionCounts, g: number, cells: readonly ConfusionCell[]): number {
  let s = 0;
  for (const c of cells) s += counts[c][g];
  return s;
}
