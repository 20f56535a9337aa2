import type { Mark } from '../../compare/result.js';

export type { Mark };

/** A metric's value in one run, with its confidence interval when the run computed one. */
export interface MetricSide {
  value: number | null;
  lower: number | null;
  upper: number | null;
}

/** A metric's change from one run (`a`, the baseline) to another (`b`). */
export interface Change {
  /** b − a; null when either value is undefined. */
  change: number | null;
  /** See {@link changeMark}. */
  mark: Mark | null;
}

/**
 * The change of a metric between two runs and its mark:
 * - `same` (≈) when the change is 0, or when both runs have an interval and the two intervals
 *   overlap (the values are within each other's uncertainty);
 * - otherwise `up` (↑) when b > a and `down` (↓) when b < a;
 * - null when either value is undefined.
 *
 * Without an interval on both sides the mark is the sign of the change. Overlap is a conservative
 * test: two 95% intervals that do not overlap mean a difference significant well below 5%, while
 * overlapping intervals can still hide a real difference. For two models on the same rows, the
 * paired intervals of `candor compare` are sharper (a compare run stores them as `<metric>_delta`).
 */
export function changeMark(a: MetricSide, b: MetricSide): Change {
  if (a.value === null || b.value === null) return { change: null, mark: null };
  const change = b.value - a.value;
  if (change === 0) return { change, mark: 'same' };
  if (a.lower !== null && a.upper !== null && b.lower !== null && b.upper !== null && Math.max(a.lower, b.lower) <= Math.min(a.upper, b.upper)) return { change, mark: 'same' };
  return { change, mark: change > 0 ? 'up' : 'down' };
}

/** One row of a diff between two runs: a metric in a scope, in either run or both. */
export interface DiffRow extends Change {
  /** The model, or null when the diff compares one chosen model of each run. */
  model: string | null;
  cohort: string | null;
  group: string | null;
  metric: string;
  /** The value in run A (the baseline of the change); null when A does not have this row. */
  a: MetricSide | null;
  b: MetricSide | null;
}

/** The arrow of a mark: ↑, ↓ or ≈. */
export const MARK_SYMBOL: Readonly<Record<Mark, string>> = { up: '↑', down: '↓', same: '≈' };
