import { userError } from '../errors/index.js';
import type { Model, Predictions, XgboostModel } from '../model/index.js';
import { predictXgboostMargins } from '../model/index.js';
import type { Table } from '../table/index.js';

/**
 * Where KernelSHAP's contributions live:
 * - `margin`: the model's own raw margin (XGBoost models, whose trees Candor evaluates), as
 *   XGBoost's `pred_contribs`;
 * - `log-odds`: logit of a black-box classifier's probability for the class, clipped to
 *   [{@link PROBABILITY_CLIP}, 1 − {@link PROBABILITY_CLIP}];
 * - `probability`: the class probability;
 * - `predicted_share`: 1 when the row is predicted as the class, else 0 (models without scores);
 * - `value`: a regression model's prediction.
 */
export type ShapSpace = 'margin' | 'log-odds' | 'probability' | 'predicted_share' | 'value';

/**
 * Probabilities are clipped to [1e-9, 1 − 1e-9] before the logit, so a saturated black-box output
 * maps to ±20.7 instead of ±Infinity. (A float32 probability already rounds to 1 beyond a log-odds
 * of about 16.6; a float64 one beyond about 36.7.)
 */
export const PROBABILITY_CLIP = 1e-9;

/** How one explained output is computed from a model; plain data so it can be sent to a worker. */
export type ShapOutput =
  | { readonly kind: 'value' }
  | { readonly kind: 'margin'; readonly group: number; readonly sign: 1 | -1; readonly class: number }
  | { readonly kind: 'logit' | 'probability'; readonly class: number };

/**
 * The outputs explained for `model`: a regression model's value; the chosen class of a
 * classifier, else the positive class (`classes[1]`) of a binary model and every class of a
 * multiclass model. Raw space unless `output` is `probability`.
 */
export function shapOutputs(model: Model, output: 'raw' | 'probability', cls: string | undefined): { outputs: ShapOutput[]; names: string[] } {
  if (model.task === 'regression') {
    if (cls !== undefined) throw userError('invalid_option', `a regression model has no classes (got class ${JSON.stringify(cls)})`);
    if (output === 'probability') throw userError('invalid_option', 'output probability applies to classifiers; a regression model is explained in the space of its value');
    return { outputs: [{ kind: 'value' }], names: ['value'] };
  }
  let classes: number[];
  if (cls !== undefined) {
    const k = model.classes.indexOf(cls);
    if (k < 0) throw userError('invalid_option', `unknown class: ${JSON.stringify(cls)} (classes are ${model.classes.map((c) => JSON.stringify(c)).join(', ')})`, { class: cls });
    classes = [k];
  } else classes = model.task === 'binary' ? [1] : model.classes.map((_, k) => k);
  const booster = (model as Partial<XgboostModel>).booster;
  const outputs = classes.map((k): ShapOutput => {
    if (output === 'probability') return { kind: 'probability', class: k };
    if (booster) return model.task === 'binary' ? { kind: 'margin', group: 0, sign: k === 1 ? 1 : -1, class: k } : { kind: 'margin', group: k, sign: 1, class: k };
    return { kind: 'logit', class: k };
  });
  return { outputs, names: classes.map((k) => model.classes[k]) };
}

/** The space of the outputs (they share one); `labelsOnly` when the classifier returned no scores. */
export function spaceOf(outputs: readonly ShapOutput[], labelsOnly: boolean): ShapSpace {
  const kind = outputs[0].kind;
  return kind === 'value' ? 'value' : kind === 'margin' ? 'margin' : kind === 'logit' ? 'log-odds' : labelsOnly ? 'predicted_share' : 'probability';
}

/**
 * Each output of `outputs` for every row of `table`: one model call (XGBoost margins are
 * computed from the booster). A classifier without scores is explained through the predicted-class
 * indicator in probability space, and refused in raw space.
 */
export async function scoreOutputs(model: Model, table: Table, outputs: readonly ShapOutput[], signal?: AbortSignal): Promise<{ values: Float64Array[]; labelsOnly: boolean }> {
  if (outputs.some((o) => o.kind === 'margin')) {
    signal?.throwIfAborted();
    const margins = predictXgboostMargins((model as XgboostModel).booster, table);
    const values = outputs.map((o) => {
      if (o.kind !== 'margin') throw new Error('mixed output kinds');
      const m = margins[o.group];
      return o.sign === 1 ? m : Float64Array.from(m, (x) => -x);
    });
    return { values, labelsOnly: false };
  }
  const p: Predictions = await model.predict(table, { signal });
  const labelsOnly = p.task !== 'regression' && !p.scores;
  const values = outputs.map((o) => {
    if (o.kind === 'value') {
      if (p.task !== 'regression') throw new Error('expected regression predictions');
      return p.values;
    }
    if (p.task === 'regression' || o.kind === 'margin') throw new Error('expected class predictions');
    if (!p.scores) {
      if (o.kind === 'logit') throw userError('unsupported_model', `${model.name} returns labels without probabilities: explain the predicted class with output: 'probability' (--output probability)`);
      return Float64Array.from(p.labels, (l) => (l === o.class ? 1 : 0));
    }
    const s = p.scores[o.class];
    if (o.kind === 'probability') return s;
    const out = new Float64Array(s.length);
    const lo = PROBABILITY_CLIP;
    const hi = 1 - PROBABILITY_CLIP;
    for (let i = 0; i < s.length; i++) {
      const q = s[i] < lo ? lo : s[i] > hi ? hi : s[i];
      // NaN stays NaN: an undefined output is not clipped into a value.
      out[i] = Math.log(q) - Math.log1p(-q);
    }
    return out;
  });
  return { values, labelsOnly };
}
