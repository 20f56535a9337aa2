import type { AssessOptions } from '../../../src/index.js';
import type { Manifest } from '../../../src/dashboard/protocol.js';

/** The assess options every computation of the page starts from, read from the manifest. */
export interface Settings {
  readonly task: Manifest['task'];
  /** The label: a column or a boolean expression. */
  readonly label: string;
  /** The positive label value (binary), or null to infer it as `assess` does. */
  readonly positive: string | null;
  /** Score column of the positive class (binary); when set, the prediction is `score >= threshold`. */
  readonly score: string | null;
  /** Prediction column (or expression), used when there is no score. */
  readonly pred: string | null;
  /** The threshold the page opens with. */
  readonly threshold: number;
  /** Sensitive groupings (each a list of columns: several mean their intersection). */
  readonly sensitive: string[][];
  readonly reference: Record<string, string>;
  readonly weight: string | null;
  /** Rows outside this expression are never analysed (the run's own `--where`). */
  readonly where: string | null;
  readonly bootstrap: number;
  readonly seed: number;
  readonly confidence: number;
  readonly zeroDivision: 'null' | 0;
  readonly band: [number, number];
  readonly minGroupSize: number;
  readonly features: string[];
  /** Everything else the manifest's options hold, passed through to `assess`. */
  readonly extra: Partial<AssessOptions>;
}

const isStringArrays = (v: unknown): v is string[][] => Array.isArray(v) && v.every((x) => Array.isArray(x) && x.every((s) => typeof s === 'string'));

/**
 * The manifest's options as settings. The manifest's own fields (label, score, prediction,
 * threshold, sensitive) win over the same options, since the server wrote them for this data (a
 * live model's prediction and score columns, for one).
 */
export function settingsOf(manifest: Manifest): Settings {
  const o = (manifest.options ?? {}) as Partial<AssessOptions> & Record<string, unknown>;
  const sensitive = isStringArrays(o.sensitive) && o.sensitive.length > 0 ? o.sensitive : manifest.sensitive.map((s) => [s]);
  const score = manifest.score ?? (typeof o.score === 'string' ? o.score : null);
  const band = Array.isArray(o.band) && o.band.length === 2 ? ([Number(o.band[0]), Number(o.band[1])] as [number, number]) : ([0.8, 1.25] as [number, number]);
  const extra: Partial<AssessOptions> = {};
  if (typeof o.maxGroups === 'number') extra.maxGroups = o.maxGroups;
  if (typeof o.bootstrapRowLimit === 'number') extra.bootstrapRowLimit = o.bootstrapRowLimit;
  if (manifest.task === 'multiclass' && Array.isArray(o.score)) extra.score = o.score as string[];
  return {
    task: manifest.task,
    label: manifest.label,
    positive: manifest.positive ?? (typeof o.positive === 'string' ? o.positive : null),
    score: manifest.task === 'binary' ? score : null,
    pred: manifest.prediction ?? (typeof o.pred === 'string' ? o.pred : null),
    threshold: manifest.threshold ?? (typeof o.threshold === 'number' ? o.threshold : 0.5),
    sensitive,
    reference: o.reference && typeof o.reference === 'object' ? { ...(o.reference as Record<string, string>) } : {},
    weight: typeof o.weight === 'string' ? o.weight : null,
    where: typeof o.where === 'string' && o.where.trim() !== '' ? o.where : null,
    bootstrap: typeof o.bootstrap === 'number' ? o.bootstrap : 1000,
    seed: typeof o.seed === 'number' ? o.seed : 0,
    confidence: typeof o.confidence === 'number' ? o.confidence : 0.95,
    zeroDivision: o.zeroDivision === 0 ? 0 : 'null',
    band,
    minGroupSize: typeof o.minGroupSize === 'number' ? o.minGroupSize : 30,
    features: manifest.features,
    extra,
  };
}

/** `(a) and (b)` of the expressions given (empty ones skipped); '' when none. */
export function andAll(...parts: (string | null | undefined)[]): string {
  const present = parts.map((p) => (p ?? '').trim()).filter((p) => p !== '' && p !== 'true');
  if (present.length <= 1) return present[0] ?? '';
  return present.map((p) => `(${p})`).join(' and ');
}

/**
 * The options of `assess` for a cohort at a threshold: what `candor assess --where COHORT
 * --threshold T` runs with the same settings.
 */
export function assessOptionsFor(s: Settings, cohort: string, threshold: number | null, overrides: Partial<AssessOptions> = {}): AssessOptions {
  const where = andAll(s.where, cohort);
  const options: AssessOptions = {
    ...s.extra,
    label: s.label,
    task: s.task,
    sensitive: s.sensitive,
    reference: s.reference,
    bootstrap: s.bootstrap,
    seed: s.seed,
    confidence: s.confidence,
    zeroDivision: s.zeroDivision,
    band: s.band,
    minGroupSize: s.minGroupSize,
    curves: false,
    ...overrides,
  };
  if (s.positive !== null && s.task === 'binary') options.positive = s.positive;
  if (s.weight) options.weight = s.weight;
  if (where) options.where = where;
  if (s.score) {
    options.score = s.score;
    options.threshold = threshold ?? s.threshold;
  } else if (s.pred) options.pred = s.pred;
  return options;
}
