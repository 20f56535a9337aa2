import { userError } from '../errors/index.js';
import type { Gate } from './gates.js';
import { type Bound, parseBound, satisfies } from './gates.js';
import type { Comparison, ScopeComparison } from './result.js';

/** The outcome of one check on one model and scope. */
export interface CheckResult {
  /** What was checked, e.g. `v2: accuracy in cohort "seniors" >= 0.8`. */
  description: string;
  model: string;
  /** The measured value; null when undefined for these rows (the check then fails). */
  value: number | null;
  /** The bound as written, e.g. `>= 0.8`. */
  bound: string;
  /** The cohort, or null. */
  cohort: string | null;
  /** The sensitive group, or null. */
  group: Record<string, string> | null;
  passed: boolean;
  /** Why a check failed without a value. */
  reason?: string;
}

/** What {@link evaluateGates} returns. */
export interface GateResult {
  passed: boolean;
  checks: CheckResult[];
}

interface Target {
  cohort: string | null;
  group: Record<string, string> | null;
  scope: ScopeComparison | null;
}

const groupText = (g: Record<string, string>) => Object.entries(g).map(([k, v]) => `${k} = ${v}`).join(', ');
const sameGroup = (a: Record<string, string>, b: Record<string, string>) => Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/**
 * Evaluates gate checks (see {@link GateFile}) against a comparison. References that do not exist
 * (an unknown model, cohort, group, grouping or metric; a change check with one model) are
 * collected and reported together in one user error; a value that is undefined fails its check.
 */
export function evaluateGates(comparison: Comparison, gates: Gate[]): GateResult {
  const names = comparison.models.map((m) => m.name);
  const candidates = names.length === 1 ? names : names.filter((n) => n !== comparison.baseline);
  const problems: string[] = [];
  const checks: CheckResult[] = [];
  const knownMetrics = new Set(Object.keys(comparison.overall.metrics[comparison.baseline] ?? {}));

  gates.forEach((gate, index) => {
    const at = `gates[${index}]`;
    const models = gate.model !== undefined ? [gate.model] : candidates;
    if (gate.model !== undefined && !names.includes(gate.model)) problems.push(`${at}.model: unknown model ${JSON.stringify(gate.model)} (models are ${names.join(', ')})`);
    if ('metric' in gate && !knownMetrics.has(gate.metric)) problems.push(`${at}.metric: unknown metric ${JSON.stringify(gate.metric)} (known: ${[...knownMetrics].join(', ')})`);
    const label = gate.name !== undefined ? `${gate.name}: ` : '';

    if ('by' in gate) {
      const by = [gate.by].flat();
      const kind = gate.ratio !== undefined ? 'ratio' : 'difference';
      const text = (gate.ratio ?? gate.difference)!;
      const d = comparison.disparities.find((x) => x.by.join(',') === by.join(',') && x.metric === gate.metric);
      if (!d) {
        if (knownMetrics.has(gate.metric)) problems.push(`${at}.by: no sensitive grouping ${by.join(',')} in the comparison (pass --sensitive ${by.join(',')})`);
        return;
      }
      for (const model of models) {
        const value = d.values[model]?.[kind] ?? null;
        checks.push(result(`${label}${model}: ${gate.metric} ${kind} between ${by.join(' × ')} groups ${text}`, model, value, text, parseBound(text), null, null));
      }
      return;
    }

    const targets = targetsOf(comparison, gate, at, problems);
    if ('change' in gate || 'btc' in gate || 'bec' in gate) {
      if (names.length < 2) {
        problems.push(`${at}: a change or compatibility check needs a baseline and a candidate (give two models)`);
        return;
      }
      if (models.includes(comparison.baseline) && gate.model !== undefined) problems.push(`${at}.model: ${JSON.stringify(gate.model)} is the baseline; a change check gates a candidate`);
    }
    for (const model of models) {
      for (const t of targets) {
        const where = t.cohort !== null ? ` in cohort "${t.cohort}"` : t.group !== null ? ` for ${groupText(t.group)}` : '';
        if ('op' in gate) {
          const text = `${gate.op} ${gate.value}`;
          const value = t.scope?.metrics[model]?.[gate.metric] ?? null;
          checks.push(result(`${label}${model}: ${gate.metric}${where} ${text}`, model, value, text, { op: gate.op, value: gate.value }, t.cohort, t.group));
        } else if ('change' in gate) {
          const value = t.scope?.deltas[model]?.[gate.metric]?.value ?? null;
          checks.push(result(`${label}${model}: change of ${gate.metric} vs ${comparison.baseline}${where} ${gate.change}`, model, value, gate.change, parseBound(gate.change), t.cohort, t.group));
        } else {
          const which = gate.btc !== undefined ? 'btc' : 'bec';
          const text = (gate.btc ?? gate.bec)!;
          const c = comparison.compatibility.find((x) => x.model === model && x.cohort === t.cohort && (x.group === null ? t.group === null : t.group !== null && sameGroup(x.group, t.group)));
          checks.push(result(`${label}${model}: ${which.toUpperCase()} vs ${comparison.baseline}${where} ${text}`, model, c?.[which] ?? null, text, parseBound(text), t.cohort, t.group));
        }
      }
    }
  });
  if (problems.length) throw userError('invalid_gates', `${problems.length} problem${problems.length === 1 ? '' : 's'} in the gates: ${problems.join('; ')}`, { problems });
  return { passed: checks.every((c) => c.passed), checks };
}

function result(description: string, model: string, value: number | null, bound: string, parsed: Bound, cohort: string | null, group: Record<string, string> | null): CheckResult {
  const out: CheckResult = { description, model, value, bound, cohort, group, passed: value !== null && satisfies(value, parsed) };
  if (value === null) out.reason = 'undefined for these rows';
  return out;
}

/** The sets of rows a value, change or compatibility check applies to. */
function targetsOf(comparison: Comparison, gate: Exclude<Gate, { by: unknown }>, at: string, problems: string[]): Target[] {
  const overall: Target = { cohort: null, group: null, scope: comparison.overall };
  const cohorts = comparison.cohorts.map((c): Target => ({ cohort: c.name, group: null, scope: c }));
  const groups = comparison.groups.map((g): Target => ({ cohort: null, group: g.key, scope: g }));
  const picked = [gate.cohort !== undefined, gate.group !== undefined, gate.scope !== undefined].filter(Boolean).length;
  if (picked > 1) problems.push(`${at}: give at most one of cohort, group and scope`);
  if (gate.cohort !== undefined) {
    const t = cohorts.find((c) => c.cohort === gate.cohort);
    if (!t) problems.push(`${at}.cohort: unknown cohort ${JSON.stringify(gate.cohort)} (cohorts are ${comparison.cohorts.map((c) => c.name).join(', ') || 'none: pass --cohort NAME=EXPR'})`);
    return t ? [t] : [];
  }
  if (gate.group !== undefined) {
    const t = groups.find((g) => sameGroup(g.group!, gate.group!));
    if (!t) problems.push(`${at}.group: no group ${groupText(gate.group)} (pass --sensitive ${Object.keys(gate.group).join(',')}, and check the value)`);
    return t ? [t] : [];
  }
  switch (gate.scope ?? 'overall') {
    case 'overall':
      return [overall];
    case 'every cohort':
      if (!cohorts.length) problems.push(`${at}.scope: 'every cohort' but the comparison has no cohorts (pass --cohort NAME=EXPR)`);
      return cohorts;
    case 'every group':
      if (!groups.length) problems.push(`${at}.scope: 'every group' but the comparison has no groups (pass --sensitive COL)`);
      return groups;
    case 'everywhere':
      return [overall, ...cohorts, ...groups];
  }
}
