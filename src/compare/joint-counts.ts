import { type ConfusionCounts, emptyConfusionCounts } from '../metrics/index.js';

/**
 * Joint cells of the label and two models' predictions, 8 per group: cell `8g + 4·label + 2·a + b`
 * counts the rows of group g with that label, baseline prediction `a` and candidate prediction `b`.
 * Every count metric of both models, their differences and backward compatibility are functions
 * of these cells — which is what makes the paired multinomial bootstrap exact.
 * Rows with code -1, or a label or prediction that is not 0/1, are skipped.
 */
export function jointCounts(codes: Int32Array, nGroups: number, label: Uint8Array, a: Uint8Array, b: Uint8Array): Float64Array {
  const cells = new Float64Array(nGroups * 8);
  for (let i = 0; i < codes.length; i++) {
    const g = codes[i];
    if (g < 0) continue;
    const l = label[i];
    const x = a[i];
    const y = b[i];
    if (l > 1 || x > 1 || y > 1) continue;
    cells[8 * g + 4 * l + 2 * x + y]++;
  }
  return cells;
}

/** Confusion counts of the baseline (`which = 0`) or the candidate (`which = 1`) from joint cells. */
export function confusionFromJoint(cells: Float64Array, nGroups: number, which: 0 | 1, out?: ConfusionCounts): ConfusionCounts {
  const c = out ?? emptyConfusionCounts(nGroups);
  for (let g = 0; g < nGroups; g++) {
    const o = 8 * g;
    // Cell index bits: label (4), baseline (2), candidate (1).
    const at = (l: number, p: number) => (which === 0 ? cells[o + 4 * l + 2 * p] + cells[o + 4 * l + 2 * p + 1] : cells[o + 4 * l + p] + cells[o + 4 * l + 2 + p]);
    c.tn[g] = at(0, 0);
    c.fp[g] = at(0, 1);
    c.fn[g] = at(1, 0);
    c.tp[g] = at(1, 1);
    c.n[g] = c.tn[g] + c.fp[g] + c.fn[g] + c.tp[g];
  }
  return c;
}
