import { resolve } from 'node:path';
import { readTable, writeTableCsv, writeTableParquet } from '../adapters/io/index.js';
import { loadModel } from '../adapters/load-model.js';
import { userError } from '../errors/index.js';
import { cachedPredict, predictionColumns } from '../model/index.js';
import { formatOptions, parseArgs, type OptionSpecs } from './args.js';
import { Progress } from './progress.js';
import { list, READ_SPECS, readOptionsFrom } from './read-options.js';

const SPECS: OptionSpecs = {
  model: { type: 'string', value: 'FILE|URL', help: 'an .onnx file, an XGBoost .json model, or an http(s):// endpoint' },
  features: { type: 'string', value: 'A,B,…', help: 'columns fed to a model taking one feature tensor, in order' },
  exclude: { type: 'string', value: 'A,B,…', help: 'columns never fed to it (label, ids, sensitive attributes)' },
  mapping: { type: 'string', value: 'FILE.json', help: 'ONNX: input/output names and classes the model does not declare (see the README)' },
  out: { type: 'string', value: 'FILE', help: 'write the rows with their predictions: .csv or .parquet' },
  ...READ_SPECS,
};

export const PREDICT_HELP = `Usage: candor predict --model FILE|URL DATA [--features A,B,…|--exclude A,B,…] --out preds.csv|preds.parquet

Scores every row of DATA with the model and writes the input's columns plus "prediction" (the
class label, or the value for regression) and, for classifiers, "probability_<class>" per class.

Options:
${formatOptions(SPECS)}`;

/** Columns a model should not read by default: the usual label, prediction and id names. */
export const LABEL_LIKE = /^(label|target|y|y_true|y_pred|prediction|pred|y_score|id|row_index)$/i;

/** `candor predict`. */
export async function runPredict(argv: string[]): Promise<number> {
  const { positionals, values: v } = parseArgs(argv, SPECS, 'predict');
  if (positionals.length !== 1) throw userError('invalid_arguments', `expected one data file, found ${positionals.length}${positionals.length ? `: ${positionals.join(' ')}` : ''} (see candor predict --help)`);
  const spec = typeof v.model === 'string' ? v.model : undefined;
  if (!spec) throw userError('missing_option', 'no model: pass --model model.onnx, --model model.json (XGBoost) or --model http://host/v2/models/NAME');
  const out = typeof v.out === 'string' ? v.out : undefined;
  if (!out) throw userError('missing_option', 'no output: pass --out preds.csv or --out preds.parquet');
  if (!/\.(csv|parquet)$/i.test(out)) throw userError('invalid_option', `--out ${out}: the file must end in .csv or .parquet`);
  const progress = new Progress();
  const { table } = await readTable(positionals[0], readOptionsFrom(v));
  const exclude = list(v.exclude as string | undefined) ?? table.names().filter((n) => LABEL_LIKE.test(n));
  const model = await loadModel(spec, { features: list(v.features as string | undefined), exclude, mapping: typeof v.mapping === 'string' ? v.mapping : undefined });
  const started = Date.now();
  const predictions = await cachedPredict(model, table, { onProgress: (f) => progress.update(f, 'scoring') });
  progress.done();
  let result = table;
  for (const column of predictionColumns(predictions)) {
    if (table.has(column.name)) throw userError('column_exists', `the data already has a column ${JSON.stringify(column.name)}; rename it before predicting`);
    result = result.withColumn(column);
  }
  if (/\.parquet$/i.test(out)) await writeTableParquet(result, out);
  else await writeTableCsv(result, out);
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`Scored ${table.rowCount.toLocaleString('en-US')} rows with ${model.name} (${model.task}) in ${seconds.toFixed(2)} s\nWrote ${resolve(out)}\n`);
  return 0;
}
