import { resolve } from 'node:path';
import { readTable, writeTableCsv, writeTableParquet } from '../adapters/io/index.js';
import { loadModel } from '../adapters/load-model.js';
import { userError } from '../errors/index.js';
import { cachedPredict, predictionColumns } from '../model/index.js';
import { formatOptions, numberOption, parseArgs, type OptionSpecs } from './args.js';
import { Progress } from './progress.js';
import { list, READ_SPECS, readOptionsFrom } from './read-options.js';

const SPECS: OptionSpecs = {
  model: { type: 'string', value: 'FILE|URL', help: 'an .onnx file, an XGBoost .json model, or an http(s):// endpoint' },
  features: { type: 'string', value: 'A,B,…', help: 'columns fed to a model taking one feature tensor, in order' },
  exclude: { type: 'string', value: 'A,B,…', help: 'columns never fed to it (label, ids, sensitive attributes)' },
  mapping: { type: 'string', value: 'FILE.json', help: 'ONNX: input/output names and classes the model does not declare (see the README)' },
  out: { type: 'string', value: 'FILE', help: 'write the rows with their predictions: .csv or .parquet' },
  mitigation: { type: 'string', value: 'FILE.json', help: 'apply a mitigation (candor mitigate postprocess) to its score column: adds mitigated_prediction (and mitigated_probability, P(positive))' },
  seed: { type: 'string', value: 'N', help: 'with --mitigation: seed of the randomised decisions (default 0); the same seed gives the same decisions' },
  ...READ_SPECS,
};

export const PREDICT_HELP = `Usage: candor predict --model FILE|URL DATA [--features A,B,…|--exclude A,B,…] --out preds.csv|preds.parquet
       candor predict DATA --mitigation mitigation.json [--seed N] --out decisions.csv

Scores every row of DATA with the model and writes the input's columns plus "prediction" (the
class label, or the value for regression) and, for classifiers, "probability_<class>" per class.
With --mitigation, applies the mitigation's group thresholds to its score column (after the model's
columns, when --model is given too) and adds "mitigated_probability" (P(positive)) and
"mitigated_prediction" (a seeded randomised draw for a randomised rule).

Options:
${formatOptions(SPECS)}`;

/** Columns a model should not read by default: the usual label, prediction and id names. */
export const LABEL_LIKE = /^(label|target|y|y_true|y_pred|prediction|pred|y_score|id|row_index)$/i;

/** `candor predict`. */
export async function runPredict(argv: string[]): Promise<number> {
  const { positionals, values: v } = parseArgs(argv, SPECS, 'predict');
  if (positionals.length !== 1) throw userError('invalid_arguments', `expected one data file, found ${positionals.length}${positionals.length ? `: ${positionals.join(' ')}` : ''} (see candor predict --help)`);
  const spec = typeof v.model === 'string' ? v.model : undefined;
  const mitigation = typeof v.mitigation === 'string' ? v.mitigation : undefined;
  if (!spec && !mitigation) throw userError('missing_option', 'no model: pass --model model.onnx, --model model.json (XGBoost) or --model http://host/v2/models/NAME (or --mitigation mitigation.json to apply a mitigation to a score column)');
  if (v.seed !== undefined && !mitigation) throw userError('invalid_option', '--seed applies to --mitigation only (the randomised decisions)');
  const out = typeof v.out === 'string' ? v.out : undefined;
  if (!out) throw userError('missing_option', 'no output: pass --out preds.csv or --out preds.parquet');
  if (!/\.(csv|parquet)$/i.test(out)) throw userError('invalid_option', `--out ${out}: the file must end in .csv or .parquet`);
  const progress = new Progress();
  const seed = numberOption(typeof v.seed === 'string' ? v.seed : undefined, 'seed', { integer: true }) ?? 0;
  const { table } = await readTable(positionals[0], readOptionsFrom(v));
  const started = Date.now();
  let result = table;
  const done: string[] = [];
  if (spec) {
    const exclude = list(v.exclude as string | undefined) ?? table.names().filter((n) => LABEL_LIKE.test(n));
    const model = await loadModel(spec, { features: list(v.features as string | undefined), exclude, mapping: typeof v.mapping === 'string' ? v.mapping : undefined });
    const predictions = await cachedPredict(model, table, { onProgress: (f) => progress.update(f, 'scoring') });
    progress.done();
    for (const column of predictionColumns(predictions)) {
      if (table.has(column.name)) throw userError('column_exists', `the data already has a column ${JSON.stringify(column.name)}; rename it before predicting`);
      result = result.withColumn(column);
    }
    done.push(`Scored ${table.rowCount.toLocaleString('en-US')} rows with ${model.name} (${model.task}) in ${((Date.now() - started) / 1000).toFixed(2)} s`);
  }
  if (mitigation) {
    const { mitigatedColumns } = await import('./mitigate-postprocess.js');
    const applied = await mitigatedColumns(result, mitigation, seed);
    for (const column of applied.columns) {
      if (result.has(column.name)) throw userError('column_exists', `the data already has a column ${JSON.stringify(column.name)}; rename it before applying the mitigation`);
      result = result.withColumn(column);
    }
    done.push(applied.summary);
  }
  if (/\.parquet$/i.test(out)) await writeTableParquet(result, out);
  else await writeTableCsv(result, out);
  process.stdout.write(`${done.join('\n')}\nWrote ${resolve(out)}\n`);
  return 0;
}
