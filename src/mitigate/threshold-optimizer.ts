import { groupLabel, groupRows } from '../assess/groups.js';
import { choosePositive, distinctValues, numericValues, resolveColumn, toBinary } from '../assess/resolve.js';
import { evaluateMask, parseExpression } from '../cohort/index.js';
import { userError } from '../errors/index.js';
import { type Column, MISSING_BOOL, type Table } from '../table/index.js';
import { VERSION } from '../version.js';
import { type BinaryMitigation, MITIGATION_SCHEMA_VERSION, type Mitigation, type MulticlassMitigation, thresholdToJson } from './artifact.js';
import { fitThresholdRules, type ThresholdFitOptions } from './threshold-optimizer-fit.js';
import { fitMulticlassParity } from './threshold-optimizer-multiclass.js';

/** Options of {@link thresholdOptimizer}. */
export interface ThresholdOptimizerOptions extends ThresholdFitOptions {
  /** The label: a column or a boolean expression. */
  label: string;
  /** The score column; several columns (one per class, in class order) fit the multiclass rule. */
  score: string | string[];
  /** Sensitive column(s); several mean their intersection. */
  sensitive: string[];
  /** The positive label value (binary). Defaults as in `assess`: 1/true, else the larger of two values. */
  positive?: string;
  /** Multiclass: the class of each score column, in order. Defaults to the label's values, sorted. */
  classes?: string[];
  /** Fit only on the rows where this expression is true. */
  where?: string;
  /** The training file, recorded in the artifact. */
  file?: string;
  /** A sensitive column with more distinct values is refused. Defaults to 1000. */
  maxGroups?: number;
}

/**
 * Fits the threshold optimizer on a table and returns the `mitigation.json` artifact: group-
 * specific thresholds on one score (binary; see {@link fitThresholdRules} for the constraints,
 * objectives, `relax` and the deterministic variant) or, given one score column per class,
 * per-group class offsets for one-vs-rest selection-rate parity (see `fitMulticlassParity`).
 * Rows with a missing label or score are left out; a missing sensitive value is its own group.
 * @example
 * const m = thresholdOptimizer(train, { label: 'y_true', score: 'y_score', sensitive: ['sex'], constraint: 'equalized_odds' });
 * m.groups[0].p0 // mixing probability of the group's first threshold
 */
export function thresholdOptimizer(table: Table, options: ThresholdOptimizerOptions): Mitigation {
  const { label, sensitive, where, maxGroups = 1000 } = options;
  if (sensitive.length === 0) throw userError('missing_option', 'no sensitive feature: pass --sensitive COLUMN (e.g. --sensitive sex)');
  for (const s of sensitive) table.column(s);
  const scoreNames = Array.isArray(options.score) ? options.score : [options.score];
  if (scoreNames.length === 0) throw userError('missing_option', 'no score: pass --score COLUMN (one per class for a multiclass rule)');
  const scores = scoreNames.map((s) => scoreValues(table, s));
  const include = new Uint8Array(table.rowCount).fill(1);
  if (where !== undefined && where.trim() !== '') {
    const mask = evaluateMask(parseExpression(where), table);
    if (mask.count() === 0) throw userError('no_rows', `no rows left after --where ${JSON.stringify(where)} (0 of ${table.rowCount} rows match); check the expression's values and columns`, { where });
    include.set(mask.toMask());
  }
  const labelColumn = resolveColumn(table, label, 'label');
  const common = {
    kind: 'candor-mitigation' as const,
    schemaVersion: MITIGATION_SCHEMA_VERSION as 1,
    method: 'threshold_optimizer' as const,
    generator: { name: 'candor', version: VERSION },
    label,
    sensitive: [...sensitive],
  };
  if (scores.length === 1) return binary(table, options, labelColumn, scores[0], scoreNames[0], include, common, maxGroups);
  return multiclass(table, options, labelColumn, scores, scoreNames, include, common, maxGroups);
}

/** A score column's values; a clear error when it is missing or not numeric. */
export function scoreValues(table: Table, name: string): Float64Array {
  if (!table.has(name)) table.column(name);
  const column = table.column(name);
  if (column.type !== 'numeric') {
    const sample = column.type === 'categorical' ? column.dictionary.slice(0, 3).map((v) => JSON.stringify(v)).join(', ') : column.type;
    throw userError('not_numeric', `score column ${JSON.stringify(name)} is not numeric (it holds values like ${sample}); the thresholds apply to a numeric score such as a probability — pass that column, or --type ${name}=numeric if it was misread`, { column: name });
  }
  return numericValues(column, 'score', name);
}

type Common = Pick<Mitigation, 'kind' | 'schemaVersion' | 'method' | 'generator' | 'label' | 'sensitive'>;

function binary(table: Table, options: ThresholdOptimizerOptions, labelColumn: Column, score: Float64Array, scoreName: string, include: Uint8Array, common: Common, maxGroups: number): BinaryMitigation {
  const positive = choosePositive(labelColumn, include, options.positive, options.label);
  const values = distinctValues(labelColumn, include, 3).values;
  const negative = values.find((v) => v !== positive && !(labelColumn.type === 'numeric' && Number(v) === Number(positive))) ?? (positive === 'true' ? 'false' : positive === '1' ? '0' : `not ${positive}`);
  const y = toBinary(labelColumn, positive);
  const usable = new Uint8Array(table.rowCount);
  for (let i = 0; i < usable.length; i++) usable[i] = include[i] && y[i] !== MISSING_BOOL && !Number.isNaN(score[i]) ? 1 : 0;
  const grouping = groupRows(table, options.sensitive, usable, maxGroups);
  const names = grouping.keys.map((k) => `${options.sensitive.join(' × ')} = ${groupLabel(k, options.sensitive)}`);
  const fit = fitThresholdRules({ label: y, score, codes: grouping.codes, nGroups: grouping.keys.length, names }, options);
  const rows = fit.groups.reduce((a, g) => a + g.rows, 0);
  return {
    ...common,
    task: 'binary',
    training: { file: options.file ?? null, rows, where: options.where ?? null },
    violation: fit.violation,
    score: scoreName,
    classes: [negative, positive],
    constraint: fit.constraint,
    objective: fit.objective,
    grid: fit.grid,
    relax: fit.relax,
    randomized: fit.randomized,
    target: fit.target,
    groups: fit.groups.map((g, k) => ({
      key: grouping.keys[k],
      p0: g.rule.p0,
      operation0: { operator: g.rule.operation0.operator, threshold: thresholdToJson(g.rule.operation0.threshold) },
      p1: g.rule.p1,
      operation1: { operator: g.rule.operation1.operator, threshold: thresholdToJson(g.rule.operation1.threshold) },
      p_ignore: g.rule.pIgnore,
      prediction_constant: g.rule.predictionConstant,
      training: { rows: g.rows, x: g.x, y: g.y },
    })),
  };
}

function multiclass(table: Table, options: ThresholdOptimizerOptions, labelColumn: Column, scores: Float64Array[], scoreNames: string[], include: Uint8Array, common: Common, maxGroups: number): MulticlassMitigation {
  if ((options.constraint ?? 'demographic_parity') !== 'demographic_parity') {
    throw userError('invalid_option', `a multiclass rule (${scoreNames.length} score columns) supports --constraint demographic_parity (one-vs-rest selection-rate parity) only, not ${options.constraint}`);
  }
  if (options.objective !== undefined && options.objective !== 'accuracy_score') throw userError('invalid_option', `a multiclass rule maximises the expected accuracy; --objective ${options.objective} applies to binary scores only`);
  if (options.relax) throw userError('invalid_option', '--relax applies to binary scores only; the multiclass rule equalises the class rates up to whole rows');
  const labelValues = distinctValues(labelColumn, include, 1000).values;
  const classes = options.classes ?? labelValues;
  if (classes.length !== scores.length) {
    throw userError('invalid_option', `--score has ${scores.length} columns but the label has ${classes.length} classes (${classes.slice(0, 10).join(', ')}); give one score column per class, in that order, or name the classes with --classes`);
  }
  const foreign = labelValues.filter((v) => !classes.includes(v));
  if (foreign.length) throw userError('invalid_option', `the label has values not among --classes: ${foreign.slice(0, 5).map((v) => JSON.stringify(v)).join(', ')}`);
  const index = new Map(classes.map((c, k) => [c, k]));
  const label = new Int32Array(table.rowCount).fill(-1);
  for (let i = 0; i < label.length; i++) {
    const v = valueText(labelColumn, i);
    if (v !== null) label[i] = index.get(v) ?? -1;
  }
  const usable = new Uint8Array(table.rowCount);
  for (let i = 0; i < usable.length; i++) usable[i] = include[i] && label[i] >= 0 && scores.every((s) => !Number.isNaN(s[i])) ? 1 : 0;
  const grouping = groupRows(table, options.sensitive, usable, maxGroups);
  const names = grouping.keys.map((k) => `${options.sensitive.join(' × ')} = ${groupLabel(k, options.sensitive)}`);
  const fit = fitMulticlassParity({ scores, label, codes: grouping.codes, nGroups: grouping.keys.length, names });
  return {
    ...common,
    task: 'multiclass',
    training: { file: options.file ?? null, rows: fit.groups.reduce((a, g) => a + g.rows, 0), where: options.where ?? null },
    violation: fit.violation,
    scores: [...scoreNames],
    classes: [...classes],
    constraint: 'demographic_parity',
    objective: 'expected_accuracy',
    rates: fit.rates,
    groups: fit.groups.map((g, k) => ({ key: grouping.keys[k], offsets: g.offsets, training: { rows: g.rows, rates: g.rates, accuracy: g.accuracy } })),
  };
}

/** A label value as text (as `distinctValues` names it), or null when missing. */
function valueText(column: Column, i: number): string | null {
  if (column.type === 'categorical') return column.codes[i] < 0 ? null : column.dictionary[column.codes[i]];
  if (column.type === 'numeric') return Number.isNaN(column.values[i]) ? null : String(column.values[i]);
  if (column.type === 'boolean') return column.values[i] === MISSING_BOOL ? null : column.values[i] ? 'true' : 'false';
  return null;
}
