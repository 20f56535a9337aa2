import { disparityByReference, fairnessMetrics, summarizeGroups } from '../fairness/index.js';
import type { Disparity, FairnessSummary, ReferenceResult } from '../report/insights.js';
import { userError } from '../errors/index.js';
import { type GroupComputation, type MetricColumns } from './compute.js';
import { groupLabel, type Grouping } from './groups.js';
import type { GroupIntervals } from './intervals.js';
import type { ZeroDivision } from '../metrics/index.js';

/** Metrics that are bookkeeping rather than performance: no disparity is reported for them. */
const NO_DISPARITY = new Set(['tp', 'fp', 'tn', 'fn']);

/** Fairlearn MetricFrame's aggregates for every metric of a grouping. */
export function disparitiesOf(grouping: Grouping, metrics: MetricColumns, overall: Record<string, number | null>, ci: GroupIntervals): Disparity[] {
  const out: Disparity[] = [];
  for (const [metric, values] of Object.entries(metrics)) {
    if (NO_DISPARITY.has(metric)) continue;
    const s = summarizeGroups(values, overall[metric] ?? null);
    out.push({
      by: grouping.by,
      metric,
      difference: s.difference,
      ratio: s.ratio,
      difference_to_overall: s.differenceToOverall,
      ratio_to_overall: s.ratioToOverall,
      min: s.groupMin === null ? null : { value: s.groupMin, group: grouping.keys[s.groupMinIndex] },
      max: s.groupMax === null ? null : { value: s.groupMax, group: grouping.keys[s.groupMaxIndex] },
      ci: ci.disparity[metric] ?? {},
      excluded: s.leftOut.map((g) => grouping.keys[g]),
    });
  }
  return out;
}

/** Fairness summaries (demographic parity, equalized odds, equal opportunity) of a grouping. */
export function fairnessOf(grouping: Grouping, computed: GroupComputation, zeroDivision: ZeroDivision, ci: GroupIntervals): FairnessSummary {
  const f = fairnessMetrics(computed.counts!, { zeroDivision });
  const out: FairnessSummary = { by: grouping.by };
  for (const [id, v] of Object.entries(f.metrics)) out[id] = v.value;
  if (Object.keys(ci.fairness).length) out.ci = ci.fairness;
  return out;
}

/**
 * Every rate of every group divided by the reference group's, with pass/fail against the band.
 * The reference is the named group, or the largest.
 */
export function referenceOf(grouping: Grouping, computed: GroupComputation, reference: string | undefined, band: [number, number]): ReferenceResult {
  const labels = grouping.keys.map((k) => groupLabel(k, grouping.by));
  let ref: number | undefined;
  if (reference !== undefined) {
    ref = labels.indexOf(reference);
    if (ref < 0) {
      throw userError(
        'invalid_reference',
        `--reference ${grouping.by.join(',')}=${reference}: no such group; groups are ${labels.slice(0, 12).map((l) => JSON.stringify(l)).join(', ')}${labels.length > 12 ? ', …' : ''}${grouping.by.length > 1 ? ' (name an intersection as "A | B")' : ''}`,
      );
    }
  }
  const byMetric = disparityByReference(computed.counts!, computed.metrics as never, { reference: ref, lower: band[0], upper: band[1] });
  const refIndex = Object.values(byMetric)[0]?.reference ?? ref ?? -1;
  const disparity: ReferenceResult['disparity'] = {};
  const pass: ReferenceResult['pass'] = {};
  labels.forEach((label, g) => {
    disparity[label] = {};
    pass[label] = {};
    for (const [metric, d] of Object.entries(byMetric)) {
      disparity[label][metric] = d!.groups[g].ratio;
      pass[label][metric] = d!.groups[g].pass;
    }
  });
  return { by: grouping.by, group: refIndex >= 0 ? grouping.keys[refIndex] : {}, band, disparity, pass };
}
