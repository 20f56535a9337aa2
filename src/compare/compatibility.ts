/** Backward compatibility of a candidate model with a baseline, over one set of rows. */
export interface CompatibilityCounts {
  /**
   * Backward Trust Compatibility (Bansal et al., 2019, "Updates in Human-AI Teams"; Microsoft
   * BackwardCompatibilityML): among the rows the baseline got right, the share the candidate also
   * gets right. Null when the baseline got no row right.
   */
  btc: number | null;
  /**
   * Backward Error Compatibility (same sources): among the rows the candidate gets wrong, the share
   * the baseline also got wrong — 1 means the update introduced no new kind of error. Null when
   * the candidate makes no error.
   */
  bec: number | null;
  /** Rows the baseline got right and the candidate gets wrong: the "new errors". */
  newErrors: number;
  /** Rows counted. */
  n: number;
}

/**
 * BTC and BEC of group g from joint cells (see {@link jointCounts}): with cell (label, a, b),
 * baseline right = (0,0,·)+(1,1,·), both right = (0,0,0)+(1,1,1); candidate wrong = (0,·,1)+(1,·,0),
 * both wrong = (0,1,1)+(1,0,0).
 */
export function compatibilityOf(cells: ArrayLike<number>, g = 0): CompatibilityCounts {
  const o = 8 * g;
  const c = (k: number) => cells[o + k];
  const baselineRight = c(0) + c(1) + c(6) + c(7);
  const bothRight = c(0) + c(7);
  const candidateWrong = c(1) + c(3) + c(4) + c(6);
  const bothWrong = c(3) + c(4);
  let n = 0;
  for (let k = 0; k < 8; k++) n += c(k);
  return {
    btc: baselineRight > 0 ? bothRight / baselineRight : null,
    bec: candidateWrong > 0 ? bothWrong / candidateWrong : null,
    newErrors: c(1) + c(6),
    n,
  };
}

/** 1 for the rows (where `include` is 1) the baseline got right and the candidate gets wrong. */
export function newErrorsMask(label: Uint8Array, baseline: Uint8Array, candidate: Uint8Array, include: Uint8Array): { mask: Uint8Array; count: number } {
  const mask = new Uint8Array(label.length);
  let count = 0;
  for (let i = 0; i < mask.length; i++) {
    if (include[i] && label[i] <= 1 && baseline[i] === label[i] && candidate[i] <= 1 && candidate[i] !== label[i]) {
      mask[i] = 1;
      count++;
    }
  }
  return { mask, count };
}
