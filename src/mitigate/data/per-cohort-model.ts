import { childrenOf } from '../../cohort/ast.js';
import { columnsOf, evaluateMask, parseExpression, type Expr } from '../../cohort/index.js';
import { userError } from '../../errors/index.js';
import type { Model, ModelInput, Predictions, PredictOptions } from '../../model/index.js';
import type { Table } from '../../table/index.js';

/** One part of a {@link perCohortModel}: the rows where `cohort` is true, and the model that predicts them. */
export interface CohortModelPart {
  /** A cohort-language expression, e.g. `age < 30 and region = 'South'`. */
  readonly cohort: string;
  readonly model: Model;
}

/** Options of {@link perCohortModel}. */
export interface PerCohortModelOptions {
  /** A short name for reports. Defaults to `per-cohort(<fallback name>)`. */
  readonly name?: string;
}

/** A {@link Model} that routes rows to a model per cohort. */
export interface PerCohortModel extends Model {
  readonly parts: readonly CohortModelPart[];
  readonly fallback: Model;
}

/**
 * One {@link Model} from several: each row is predicted by the model of the first cohort whose
 * expression is true for it (SQL semantics: a comparison with a missing value is not true), and
 * by `fallback` when none is. Every model must have the same task and the same classes (in any
 * order: scores are arranged in the fallback's class order). `inputs` are the models' inputs plus
 * the columns the cohort expressions read.
 * @example
 * const model = perCohortModel([{ cohort: "region = 'South' and age < 30", model: youngSouth }], everyoneElse);
 */
export function perCohortModel(parts: readonly CohortModelPart[], fallback: Model, options: PerCohortModelOptions = {}): PerCohortModel {
  const exprs = parts.map((p) => parseExpression(p.cohort));
  const models = [...parts.map((p) => p.model), fallback];
  for (const m of models) {
    if (m.task !== fallback.task) throw userError('incompatible_models', `model ${JSON.stringify(m.name)} is ${m.task}, but the fallback ${JSON.stringify(fallback.name)} is ${fallback.task}; every part must predict the same task`, {});
    if (m.task !== 'regression' && !sameSet(m.classes, fallback.classes)) {
      throw userError(
        'incompatible_models',
        `model ${JSON.stringify(m.name)} predicts classes ${m.classes.join(', ')}, but the fallback ${JSON.stringify(fallback.name)} predicts ${fallback.classes.join(', ')}; every part must predict the same classes`,
        {},
      );
    }
  }
  const inputs = combinedInputs(models, exprs);
  return {
    name: options.name ?? `per-cohort(${fallback.name})`,
    task: fallback.task,
    classes: fallback.classes,
    inputs,
    parts,
    fallback,
    async predict(table: Table, opts: PredictOptions = {}): Promise<Predictions> {
      for (const input of inputs) table.column(input.name);
      const n = table.rowCount;
      // Which model predicts each row: the first cohort containing it, else the fallback (last).
      const owner = new Int32Array(n).fill(parts.length);
      const taken = new Uint8Array(n);
      exprs.forEach((expr, j) => {
        const mask = evaluateMask(expr, table).toMask();
        for (let i = 0; i < n; i++) {
          if (mask[i] && !taken[i]) {
            owner[i] = j;
            taken[i] = 1;
          }
        }
      });
      const out = emptyPredictions(fallback, n);
      let done = 0;
      for (let j = 0; j < models.length; j++) {
        const rows: number[] = [];
        for (let i = 0; i < n; i++) if (owner[i] === j) rows.push(i);
        if (rows.length === 0) continue;
        const part = await models[j].predict(table.take(rows), { batchSize: opts.batchSize, signal: opts.signal });
        scatter(out, part, rows, fallback.classes);
        done += rows.length;
        opts.onProgress?.(done / n);
      }
      return finish(out);
    },
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c) => b.includes(c));
}

/** Model inputs in order of first appearance, then the cohort columns no model reads. */
function combinedInputs(models: Model[], exprs: Expr[]): ModelInput[] {
  const byName = new Map<string, ModelInput>();
  for (const m of models) {
    for (const input of m.inputs) {
      const seen = byName.get(input.name);
      if (!seen) byName.set(input.name, input);
      else if (seen.type !== input.type) throw userError('incompatible_models', `the models read column ${JSON.stringify(input.name)} as both ${seen.type} and ${input.type}`, { column: input.name });
    }
  }
  for (const expr of exprs) {
    for (const name of columnsOf(expr)) if (!byName.has(name)) byName.set(name, { name, type: literalType(expr, name) });
  }
  return [...byName.values()];
}

/** How a cohort column is compared: with text literals it is categorical, otherwise numeric. */
function literalType(expr: Expr, column: string): ModelInput['type'] {
  let text = false;
  const visit = (e: Expr): void => {
    if (e.type === 'compare' && ((e.left.type === 'column' && e.left.name === column && e.right.type === 'literal' && typeof e.right.value === 'string') || (e.right.type === 'column' && e.right.name === column && e.left.type === 'literal' && typeof e.left.value === 'string'))) text = true;
    if (e.type === 'in' && e.operand.type === 'column' && e.operand.name === column && e.values.some((v) => v.type === 'literal' && typeof v.value === 'string')) text = true;
    for (const child of childrenOf(e)) visit(child);
  };
  visit(expr);
  return text ? 'categorical' : 'numeric';
}

interface Builder {
  task: Model['task'];
  classes: readonly string[];
  values: Float64Array;
  labels: Int32Array;
  scores: Float64Array[] | null;
}

function emptyPredictions(model: Model, n: number): Builder {
  const regression = model.task === 'regression';
  return {
    task: model.task,
    classes: model.classes,
    values: new Float64Array(regression ? n : 0),
    labels: new Int32Array(regression ? 0 : n),
    scores: regression ? null : model.classes.map(() => new Float64Array(n)),
  };
}

function scatter(out: Builder, part: Predictions, rows: number[], classes: readonly string[]): void {
  if (part.task === 'regression') {
    for (let r = 0; r < rows.length; r++) out.values[rows[r]] = part.values[r];
    return;
  }
  // The part's class k is the combined model's class map[k].
  const map = part.classes.map((c) => classes.indexOf(c));
  for (let r = 0; r < rows.length; r++) out.labels[rows[r]] = map[part.labels[r]];
  if (!part.scores) out.scores = null;
  if (!out.scores || !part.scores) return;
  for (let k = 0; k < map.length; k++) {
    const src = part.scores[k];
    const dst = out.scores[map[k]];
    for (let r = 0; r < rows.length; r++) dst[rows[r]] = src[r];
  }
}

function finish(b: Builder): Predictions {
  if (b.task === 'regression') return { task: 'regression', values: b.values };
  return { task: b.task, classes: b.classes, labels: b.labels, scores: b.scores };
}
