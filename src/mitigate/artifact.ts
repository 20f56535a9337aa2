import { z } from 'zod';
import { userError } from '../errors/index.js';
import { THRESHOLD_CONSTRAINTS, THRESHOLD_OBJECTIVES } from './threshold-optimizer-fit.js';

/**
 * `mitigation.json`: a fitted post-processing rule, versioned, that `candor predict --mitigation`
 * and `candor assess --mitigation` apply to a score column. JSON has no infinities, so a threshold
 * that selects nothing (`> +∞`) or everything (`> −∞`) is written as the string `"Infinity"` or
 * `"-Infinity"`.
 */
export const MITIGATION_SCHEMA_VERSION = 1;

const Threshold = z.union([z.number(), z.literal('Infinity'), z.literal('-Infinity')]);
const Operation = z.object({ operator: z.enum(['>', '<']), threshold: Threshold });
const Probability = z.number().min(0).max(1);
const GroupKey = z.record(z.string(), z.string());

/** One group's interpolated thresholder (see `GroupRule`), with its operating point on the training rows. */
export const BinaryGroupRule = z.object({
  key: GroupKey,
  p0: Probability,
  operation0: Operation,
  p1: Probability,
  operation1: Operation,
  p_ignore: Probability,
  prediction_constant: Probability,
  training: z.object({
    rows: z.number(),
    /** The constrained rate at the rule (false positive rate for equalized odds). */
    x: z.number(),
    /** Equalized odds: the true positive rate; otherwise the objective within the group. */
    y: z.number(),
  }),
});
export type BinaryGroupRule = z.infer<typeof BinaryGroupRule>;

export const MulticlassGroupRule = z.object({
  key: GroupKey,
  /** Added to each class's score (in `classes` order) before the argmax. */
  offsets: z.array(z.number()),
  training: z.object({ rows: z.number(), rates: z.array(z.number()), accuracy: z.number().nullable() }),
});
export type MulticlassGroupRule = z.infer<typeof MulticlassGroupRule>;

const common = {
  kind: z.literal('candor-mitigation'),
  schemaVersion: z.literal(MITIGATION_SCHEMA_VERSION),
  method: z.literal('threshold_optimizer'),
  generator: z.object({ name: z.string(), version: z.string() }).optional(),
  /** The label the rule was fitted on (a column or an expression). */
  label: z.string(),
  /** The sensitive column(s); several mean their intersection. */
  sensitive: z.array(z.string()).min(1),
  training: z.object({ file: z.string().nullable(), rows: z.number(), where: z.string().nullable() }),
  /** Largest between-group difference of the constrained rate(s) on the training rows. */
  violation: z.number(),
};

export const BinaryMitigation = z.object({
  ...common,
  task: z.literal('binary'),
  score: z.string(),
  /** [negative, positive] label values; the rule gives P(prediction = positive). */
  classes: z.tuple([z.string(), z.string()]),
  constraint: z.enum(THRESHOLD_CONSTRAINTS),
  objective: z.enum(THRESHOLD_OBJECTIVES),
  grid: z.number().int().positive(),
  relax: z.number().min(0).max(1),
  /** False for the deterministic variant (one threshold per group). */
  randomized: z.boolean(),
  target: z.object({ x: z.number(), y: z.number().nullable() }),
  groups: z.array(BinaryGroupRule).min(1),
});
export type BinaryMitigation = z.infer<typeof BinaryMitigation>;

export const MulticlassMitigation = z.object({
  ...common,
  task: z.literal('multiclass'),
  /** One score column per class, in `classes` order. */
  scores: z.array(z.string()).min(2),
  classes: z.array(z.string()).min(2),
  constraint: z.literal('demographic_parity'),
  objective: z.literal('expected_accuracy'),
  /** The common rate of each class. */
  rates: z.array(z.number()),
  groups: z.array(MulticlassGroupRule).min(1),
});
export type MulticlassMitigation = z.infer<typeof MulticlassMitigation>;

export const Mitigation = z.discriminatedUnion('task', [BinaryMitigation, MulticlassMitigation]);
export type Mitigation = z.infer<typeof Mitigation>;

/** A threshold as JSON: ±Infinity as strings. */
export function thresholdToJson(t: number): number | 'Infinity' | '-Infinity' {
  return t === Infinity ? 'Infinity' : t === -Infinity ? '-Infinity' : t;
}

/** A threshold from JSON. */
export function thresholdFromJson(t: number | 'Infinity' | '-Infinity'): number {
  return t === 'Infinity' ? Infinity : t === '-Infinity' ? -Infinity : t;
}

/**
 * Validates a parsed `mitigation.json`; a user error listing every problem (path: message) and
 * the fix otherwise. `where` names the file in messages.
 * @example
 * const m = parseMitigation(JSON.parse(text), 'mitigation.json');
 */
export function parseMitigation(raw: unknown, where = 'mitigation.json'): Mitigation {
  if (raw && typeof raw === 'object' && (raw as { kind?: unknown }).kind !== 'candor-mitigation') {
    throw userError('invalid_mitigation', `${where} is not a Candor mitigation (no "kind": "candor-mitigation"); write one with candor mitigate postprocess … --out ${where}`, { file: where });
  }
  const version = raw && typeof raw === 'object' ? (raw as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (typeof version === 'number' && version !== MITIGATION_SCHEMA_VERSION) {
    throw userError('invalid_mitigation', `${where} has schemaVersion ${version}, but this Candor reads version ${MITIGATION_SCHEMA_VERSION}; refit it with this version (candor mitigate postprocess)`, { file: where });
  }
  const parsed = Mitigation.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.map(String).join('.') : '(top level)'}: ${i.message}`);
    const more = parsed.error.issues.length > 5 ? `; and ${parsed.error.issues.length - 5} more` : '';
    throw userError('invalid_mitigation', `${where} is not a valid mitigation: ${problems.join('; ')}${more}; refit it with candor mitigate postprocess rather than editing it by hand`, { file: where, issues: parsed.error.issues });
  }
  const m = parsed.data;
  const keys = new Set<string>();
  for (const g of m.groups) {
    const names = Object.keys(g.key);
    if (names.length !== m.sensitive.length || !m.sensitive.every((s) => s in g.key)) {
      throw userError('invalid_mitigation', `${where}: group ${JSON.stringify(g.key)} does not name exactly the sensitive columns ${m.sensitive.join(', ')}`, { file: where });
    }
    const id = JSON.stringify(m.sensitive.map((s) => g.key[s]));
    if (keys.has(id)) throw userError('invalid_mitigation', `${where}: group ${JSON.stringify(g.key)} appears twice`, { file: where });
    keys.add(id);
    if (m.task === 'multiclass' && 'offsets' in g && g.offsets.length !== m.classes.length) {
      throw userError('invalid_mitigation', `${where}: group ${JSON.stringify(g.key)} has ${g.offsets.length} offsets for ${m.classes.length} classes`, { file: where });
    }
  }
  if (m.task === 'multiclass' && m.scores.length !== m.classes.length) {
    throw userError('invalid_mitigation', `${where}: ${m.scores.length} score columns for ${m.classes.length} classes`, { file: where });
  }
  return m;
}
