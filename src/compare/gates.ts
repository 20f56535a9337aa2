import { z } from 'zod';
import { userError } from '../errors/index.js';

/**
 * A comparison bound, written as text: an operator and a number, `'>= 0.8'`, `'< 0.05'`, `'>= -0.01'`.
 * Operators: `>=`, `>`, `<=`, `<`, `==`.
 */
export type BoundText = string;

const BOUND = /^\s*(>=|>|<=|<|==)\s*(-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*$/i;
const OPS = ['>=', '>', '<=', '<', '=='] as const;
/** A comparison operator of a bound. */
export type Op = (typeof OPS)[number];
/** A parsed bound: the value must satisfy `value op bound`. */
export interface Bound {
  op: Op;
  value: number;
}

const boundText = z.string().regex(BOUND, "expected an operator and a number, e.g. '>= 0.8'");
/** Where a check applies: all rows (default), one cohort, one group, or each cohort / group / both. */
const Scope = z.enum(['overall', 'every cohort', 'every group', 'everywhere']);
const Group = z.record(z.string(), z.string());
const Where = { cohort: z.string().optional(), group: Group.optional(), scope: Scope.optional(), model: z.string().optional(), name: z.string().optional() };
const metric = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a metric id such as accuracy or false_positive_rate');

const ValueGate = z.strictObject({ metric, op: z.enum(OPS), value: z.number(), ...Where });
const DisparityGate = z
  .strictObject({ metric, by: z.union([z.string(), z.array(z.string()).min(1)]), ratio: boundText.optional(), difference: boundText.optional(), model: z.string().optional(), name: z.string().optional() })
  .refine((g) => (g.ratio === undefined) !== (g.difference === undefined), { message: 'give exactly one of ratio or difference' });
const ChangeGate = z.strictObject({ metric, change: boundText, ...Where });
const CompatibilityGate = z
  .strictObject({ btc: boundText.optional(), bec: boundText.optional(), ...Where })
  .refine((g) => (g.btc === undefined) !== (g.bec === undefined), { message: 'give exactly one of btc or bec' });

/** One check of a gate file (see {@link GateFile}). */
export const Gate = z.union([ValueGate, DisparityGate, ChangeGate, CompatibilityGate]);
export type Gate = z.infer<typeof Gate>;

/**
 * A gate file: `gates:` followed by a list of checks, in YAML or JSON. Four kinds:
 *
 * - value: `{ metric: accuracy, op: '>=', value: 0.8 }` — the metric of the gated model(s);
 * - disparity: `{ metric: false_positive_rate, by: race, ratio: '>= 0.8' }` (or `difference: '<= 0.1'`)
 *   — between the groups of a sensitive grouping (min/max and max−min);
 * - change: `{ metric: accuracy, change: '>= -0.01' }` — candidate − baseline, point estimate;
 * - compatibility: `{ btc: '>= 0.95' }` or `{ bec: '>= 0.9' }` — with the baseline.
 *
 * Value, change and compatibility checks apply to all rows unless they say `cohort: NAME`,
 * `group: { race: X }`, or `scope: 'every cohort' | 'every group' | 'everywhere'` (one check per
 * cohort/group). Every check applies to each candidate (each model but the baseline; the only
 * model when there is one) unless it names `model:`; value and disparity checks may name the
 * baseline. `name:` labels a check in reports.
 * @example
 * gates:
 *   - { metric: accuracy, op: '>=', value: 0.8 }
 *   - { metric: accuracy, change: '>= -0.01', scope: every cohort }
 *   - { metric: false_positive_rate, by: race, ratio: '>= 0.8' }
 *   - { btc: '>= 0.95' }
 */
export const GateFile = z.strictObject({ gates: z.array(Gate).min(1) });
export type GateFile = z.infer<typeof GateFile>;

/** `'>= 0.8'` as `{ op: '>=', value: 0.8 }`. */
export function parseBound(text: string): Bound {
  const m = BOUND.exec(text);
  if (!m) throw userError('invalid_bound', `invalid bound: ${JSON.stringify(text)} (expected an operator and a number, e.g. '>= 0.8')`);
  return { op: m[1] as Op, value: Number(m[2]) };
}

/** Whether `value op bound` holds. */
export function satisfies(value: number, bound: Bound): boolean {
  switch (bound.op) {
    case '>=':
      return value >= bound.value;
    case '>':
      return value > bound.value;
    case '<=':
      return value <= bound.value;
    case '<':
      return value < bound.value;
    case '==':
      return Math.abs(value - bound.value) <= 1e-12 * Math.max(1, Math.abs(bound.value));
  }
}

/** The schema of the kind of check an entry looks like, from its keys. */
function kindOf(entry: Record<string, unknown>) {
  if ('btc' in entry || 'bec' in entry) return CompatibilityGate;
  if ('change' in entry) return ChangeGate;
  if ('by' in entry || 'ratio' in entry || 'difference' in entry) return DisparityGate;
  return ValueGate;
}

/**
 * Validates a parsed gate file (from YAML or JSON; a bare list is taken as the gates). Each entry
 * is checked against the kind of check its keys say it is; every problem is reported at once, in
 * one user error listing them by path (`gates[2].op: …`).
 * @param source the file name, for messages
 */
export function parseGates(raw: unknown, source = 'gates'): Gate[] {
  const input = Array.isArray(raw) ? { gates: raw } : raw;
  const problems: string[] = [];
  const gates: Gate[] = [];
  if (!input || typeof input !== 'object' || !Array.isArray((input as { gates?: unknown }).gates)) {
    problems.push("expected an object with a list of checks under 'gates:'");
  } else {
    const extra = Object.keys(input).filter((k) => k !== 'gates');
    if (extra.length) problems.push(`unknown key${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')} (a gate file holds 'gates:')`);
    const list = (input as { gates: unknown[] }).gates;
    if (list.length === 0) problems.push('gates: the list is empty');
    list.forEach((entry, i) => {
      if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
        problems.push(`gates[${i}]: expected a check such as { metric: accuracy, op: '>=', value: 0.8 }`);
        return;
      }
      const r = kindOf(entry as Record<string, unknown>).safeParse(entry);
      if (r.success) gates.push(r.data);
      else for (const issue of r.error.issues) problems.push(`gates[${i}]${issue.path.map((k) => `.${String(k)}`).join('')}: ${issue.message}`);
    });
  }
  if (problems.length) throw userError('invalid_gates', `${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}`, { problems });
  return gates;
}
