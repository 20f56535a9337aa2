/**
 * Turns a run's JSON document into the tracker's normalised metric rows (one per model, cohort,
 * group and metric), so runs can be compared per cohort and metric in SQL. Pure: no I/O.
 *
 * What is extracted, by kind of run:
 *
 * - **assess** (the insights document, `src/report/insights.ts`), model `""`:
 *   - all rows (cohort and group null): `overall` with `overallCi`;
 *   - each sensitive group (group `race=Black`, an intersection `sex=Male & race=Black`): its
 *     `metrics` with `ci`;
 *   - each named cohort (cohort = its name): its `metrics` with `ci`;
 *   - each grouping's fairness summary (group = the grouping, `race` or `sex & race`, no `=`):
 *     `demographic_parity_difference` and the other Fairlearn summaries with their `ci`;
 *   - each grouping's disparities per metric: `<metric>_difference` and `<metric>_ratio` (with
 *     their intervals), `<metric>_difference_to_overall`, `<metric>_ratio_to_overall`.
 *   Curves, reference-group ratios and the error analysis stay in the stored document only.
 * - **compare** (the comparison document, `src/compare/schema.ts`), model = the model's name:
 *   - every model's metrics overall, per cohort and per group (no intervals: compare computes
 *     intervals of differences only);
 *   - each candidate's paired difference to the baseline as `<metric>_delta` with its paired
 *     bootstrap interval;
 *   - disparities per grouping: `<metric>_difference`, `<metric>_ratio` per model and their
 *     changes `<metric>_difference_delta`, `<metric>_ratio_delta` per candidate;
 *   - backward compatibility of each candidate: `btc`, `bec` (with intervals) and `new_errors`,
 *     overall, per cohort and per group.
 * - **mitigate**: the before/after comparisons of `mitigations` (`src/mitigate/schema.ts`, what
 *   `candor mitigate … --json` prints): model `before` holds the unmitigated metrics and model
 *   `after` the mitigated ones — or, when the document holds several mitigations (a sweep), each
 *   mitigation's `name` (`before` is then taken from the first) — overall and per group, each with
 *   its interval; the after model also gets each change as `<metric>_delta` with its paired
 *   interval, its disparities (group = the grouping, metric = the disparity's id, with
 *   `<disparity>_delta`), and `accuracy_cost` with its interval. A comparison on the rows of a
 *   cohort only (`data.where`, as `--cohort` adds) is filed under that cohort (cohort = the
 *   expression), for the model of the comparison before it.
 *   Failing that, a generic shape: a document shaped like an insights document (`overall`, and
 *   optionally `overallCi`, `groups`, `cohorts`, `fairness`, `disparities`) is read as an assess
 *   run with model `""`, and a top-level `before` and `after` of that shape with model `before`
 *   and `after`. Anything else is kept in the stored document only.
 *
 * Values that are not finite numbers become null (undefined for that group); an interval is kept
 * only when both ends are finite. When two entries would produce the same row, the first wins.
 */

/** The kinds of run the tracker records. */
export type RunKind = 'assess' | 'compare' | 'mitigate';

/** The run kinds, for validation and help. */
export const RUN_KINDS: readonly RunKind[] = ['assess', 'compare', 'mitigate'];

/** One metric of one run in one scope: the row of the store's `run_metrics` table. */
export interface MetricRow {
  /** The model's name in a compare run (`before`/`after` in a mitigate run); `""` for a run with one model. */
  model: string;
  /** A named cohort, or null for all rows. */
  cohort: string | null;
  /** A group (`race=Black`, `sex=Male & race=Black`), a grouping (`race`), or null. */
  group: string | null;
  /** Metric id (Fairlearn's snake_case names, as in the insights document). */
  metric: string;
  /** The value; null when undefined for the scope. */
  value: number | null;
  /** Confidence interval, when the run computed one. */
  lower: number | null;
  upper: number | null;
}

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const finite = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const interval = (x: unknown): [number, number] | null => (Array.isArray(x) && x.length === 2 && finite(x[0]) !== null && finite(x[1]) !== null ? [x[0] as number, x[1] as number] : null);
const array = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const strings = (x: unknown): string[] => array(x).filter((s): s is string => typeof s === 'string');

/**
 * The label of a sensitive group: `column=value` joined by ` & ` in the grouping's order.
 * @example groupLabel(['sex', 'race'], { sex: 'Male', race: 'Black' }) // "sex=Male & race=Black"
 */
export function groupLabel(by: readonly string[], key: Readonly<Record<string, string>>): string {
  return by.map((b) => `${b}=${key[b]}`).join(' & ');
}

/** The label of a grouping (where its fairness summaries and disparities are filed): `sex & race`. */
export function groupingLabel(by: readonly string[]): string {
  return by.join(' & ');
}

/** Collects rows, first one wins for a repeated (model, cohort, group, metric). */
class Rows {
  readonly rows: MetricRow[] = [];
  private readonly seen = new Set<string>();

  add(model: string, cohort: string | null, group: string | null, metric: string, value: unknown, ci: unknown = null): void {
    const k = `${model}\u0000${cohort ?? ''}\u0000${group ?? ''}\u0000${metric}`;
    if (this.seen.has(k)) return;
    this.seen.add(k);
    const iv = interval(ci);
    this.rows.push({ model, cohort, group, metric, value: finite(value), lower: iv ? iv[0] : null, upper: iv ? iv[1] : null });
  }

  /** Every numeric-or-null entry of `metrics`, with the matching interval of `cis`. */
  addAll(model: string, cohort: string | null, group: string | null, metrics: unknown, cis: unknown): void {
    if (!isObj(metrics)) return;
    const ci = isObj(cis) ? cis : {};
    for (const [metric, value] of Object.entries(metrics)) {
      if (typeof value === 'number' || value === null) this.add(model, cohort, group, metric, value, ci[metric]);
    }
  }
}

/** True when `doc` has the shape of an insights document (an `overall` record of metric values). */
function assessLike(doc: unknown): doc is Obj {
  return isObj(doc) && isObj(doc.overall);
}

function extractAssess(doc: Obj, model: string, out: Rows): void {
  out.addAll(model, null, null, doc.overall, doc.overallCi);
  for (const c of array(doc.cohorts)) {
    if (!isObj(c) || typeof c.name !== 'string') continue;
    out.addAll(model, c.name, null, c.metrics, c.ci);
  }
  for (const g of array(doc.groups)) {
    if (!isObj(g) || !isObj(g.key)) continue;
    out.addAll(model, null, groupLabel(strings(g.by), g.key as Record<string, string>), g.metrics, g.ci);
  }
  for (const f of array(doc.fairness)) {
    if (!isObj(f)) continue;
    const { by, ci, ...summaries } = f;
    out.addAll(model, null, groupingLabel(strings(by)), summaries, ci);
  }
  for (const d of array(doc.disparities)) {
    if (!isObj(d) || typeof d.metric !== 'string') continue;
    const grouping = groupingLabel(strings(d.by));
    const ci = isObj(d.ci) ? d.ci : {};
    out.add(model, null, grouping, `${d.metric}_difference`, d.difference, ci.difference);
    out.add(model, null, grouping, `${d.metric}_ratio`, d.ratio, ci.ratio);
    if ('difference_to_overall' in d) out.add(model, null, grouping, `${d.metric}_difference_to_overall`, d.difference_to_overall);
    if ('ratio_to_overall' in d) out.add(model, null, grouping, `${d.metric}_ratio_to_overall`, d.ratio_to_overall);
  }
}

/** One scope of a comparison: every model's metrics and every candidate's deltas. */
function extractScope(scope: Obj, cohort: string | null, group: string | null, out: Rows): void {
  if (isObj(scope.metrics)) {
    for (const [model, metrics] of Object.entries(scope.metrics)) out.addAll(model, cohort, group, metrics, null);
  }
  if (isObj(scope.deltas)) {
    for (const [model, deltas] of Object.entries(scope.deltas)) {
      if (!isObj(deltas)) continue;
      for (const [metric, d] of Object.entries(deltas)) if (isObj(d)) out.add(model, cohort, group, `${metric}_delta`, d.value, d.interval);
    }
  }
}

function extractCompare(doc: Obj, out: Rows): void {
  if (isObj(doc.overall)) extractScope(doc.overall, null, null, out);
  for (const c of array(doc.cohorts)) if (isObj(c) && typeof c.name === 'string') extractScope(c, c.name, null, out);
  for (const g of array(doc.groups)) if (isObj(g) && isObj(g.key)) extractScope(g, null, groupLabel(strings(g.by), g.key as Record<string, string>), out);
  for (const d of array(doc.disparities)) {
    if (!isObj(d) || typeof d.metric !== 'string') continue;
    const grouping = groupingLabel(strings(d.by));
    for (const [model, v] of Object.entries(isObj(d.values) ? d.values : {})) {
      if (!isObj(v)) continue;
      out.add(model, null, grouping, `${d.metric}_difference`, v.difference);
      out.add(model, null, grouping, `${d.metric}_ratio`, v.ratio);
    }
    for (const [model, v] of Object.entries(isObj(d.deltas) ? d.deltas : {})) {
      if (!isObj(v)) continue;
      if (isObj(v.difference)) out.add(model, null, grouping, `${d.metric}_difference_delta`, v.difference.value, v.difference.interval);
      if (isObj(v.ratio)) out.add(model, null, grouping, `${d.metric}_ratio_delta`, v.ratio.value, v.ratio.interval);
    }
  }
  for (const c of array(doc.compatibility)) {
    if (!isObj(c) || typeof c.model !== 'string') continue;
    const cohort = typeof c.cohort === 'string' ? c.cohort : null;
    const group = isObj(c.group) ? groupLabel(Object.keys(c.group), c.group as Record<string, string>) : null;
    out.add(c.model, cohort, group, 'btc', c.btc, c.btcInterval);
    out.add(c.model, cohort, group, 'bec', c.bec, c.becInterval);
    out.add(c.model, cohort, group, 'new_errors', c.newErrors);
  }
}

/** One before/after scope of a mitigation: `metrics` maps a metric id to `{ before, after, beforeCi, afterCi, delta }`. */
function extractBeforeAfter(metrics: unknown, after: string, cohort: string | null, group: string | null, out: Rows): void {
  if (!isObj(metrics)) return;
  for (const [metric, v] of Object.entries(metrics)) {
    if (!isObj(v)) continue;
    out.add('before', cohort, group, metric, v.before, v.beforeCi);
    out.add(after, cohort, group, metric, v.after, v.afterCi);
    if (isObj(v.delta)) out.add(after, cohort, group, `${metric}_delta`, v.delta.value, v.delta.interval);
  }
}

function extractMitigations(mitigations: unknown[], out: Rows): void {
  const results = mitigations.filter(isObj);
  // A comparison restricted to a cohort (`data.where`) is filed under that cohort, for the model of
  // the whole-data comparison before it.
  const whereOf = (r: Obj) => (isObj(r.data) && typeof r.data.where === 'string' ? r.data.where : null);
  const models = results.filter((r) => whereOf(r) === null).length;
  let after = 'after';
  for (const r of results) {
    const cohort = whereOf(r);
    if (cohort === null || models === 0) after = models <= 1 || typeof r.name !== 'string' ? 'after' : r.name;
    if (isObj(r.overall)) extractBeforeAfter(r.overall.metrics, after, cohort, null, out);
    for (const g of array(r.groups)) if (isObj(g) && isObj(g.key)) extractBeforeAfter(g.metrics, after, cohort, groupLabel(strings(g.by), g.key as Record<string, string>), out);
    for (const d of array(r.disparities)) {
      if (!isObj(d) || typeof d.metric !== 'string') continue;
      const { by, metric, ...value } = d;
      extractBeforeAfter({ [metric as string]: value }, after, cohort, groupingLabel(strings(by)), out);
    }
    if (isObj(r.accuracyCost)) out.add(after, cohort, null, 'accuracy_cost', r.accuracyCost.cost, r.accuracyCost.interval);
  }
}

/**
 * The metric rows of a run's document (see the module comment for what each kind yields), in
 * document order: all rows first, then cohorts, groups and groupings.
 * @throws Error when an assess or compare document has no `overall` (a caller's bug, not user input)
 */
export function extractRunMetrics(kind: RunKind, document: unknown): MetricRow[] {
  const out = new Rows();
  if (kind === 'assess') {
    if (!assessLike(document)) throw new Error('an assess run needs an insights document (with "overall")');
    extractAssess(document, '', out);
  } else if (kind === 'compare') {
    if (!isObj(document) || !isObj(document.overall)) throw new Error('a compare run needs a comparison document (with "overall")');
    extractCompare(document, out);
  } else if (isObj(document) && Array.isArray(document.mitigations) && document.mitigations.length > 0) {
    extractMitigations(document.mitigations, out);
  } else {
    if (assessLike(document)) extractAssess(document, '', out);
    if (isObj(document)) {
      for (const side of ['before', 'after'] as const) if (assessLike(document[side])) extractAssess(document[side], side, out);
    }
  }
  return out.rows;
}
