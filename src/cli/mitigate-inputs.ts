/**
 * Checks of a `candor mitigate` method's inputs, made before any fitting so a mistake fails in a
 * second with its fix rather than after the training: the held-out data the methods compare
 * before and after on (`--eval`), read with its own read options (`--eval-skip-rows`,
 * `--eval-columns`: UCI's adult.test opens with a line that is not data, which adult.data does
 * not), its columns and the spelling of its label; the learner's features (identifiers that no
 * learner can use); and, after, a warning when the unmitigated model is suspiciously perfect.
 */
import { type ReadOptions, readTable } from '../adapters/io/index.js';
import type { Expr } from '../cohort/ast.js';
import { columnsOf, evaluateColumn, exprToString, parseExpression } from '../cohort/index.js';
import { didYouMean, isUserError, userError } from '../errors/index.js';
import { type Column, type Table, valueAt } from '../table/index.js';
import type { MitigationResult } from '../mitigate/schema.js';
import { numberOption, type OptionSpecs, type ParsedArgs } from './args.js';
import { list } from './read-options.js';

/** The --eval options, with the method's own help for --eval. */
export function evalSpecs(evalHelp: string): OptionSpecs {
  return {
    eval: { type: 'string', value: 'DATA', help: evalHelp },
    'eval-skip-rows': { type: 'string', value: 'N', help: 'lines to skip at the top of the --eval file (default: as --skip-rows; UCI adult.test needs 1)' },
    'eval-columns': { type: 'string', value: 'A,B,…', help: 'column names for an --eval file without a header, in its order (default: as --columns)' },
  };
}

/**
 * The read options of the --eval file: the training file's, with --eval-skip-rows and
 * --eval-columns over them. Call it with the other options, so a bad value fails before any work.
 */
export function evalReadOptions(values: ParsedArgs['values'], read: ReadOptions): ReadOptions {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const skipRows = numberOption(str('eval-skip-rows'), 'eval-skip-rows', { min: 0, integer: true });
  const columns = list(str('eval-columns'));
  if (str('eval') === undefined && (skipRows !== undefined || columns !== undefined)) {
    throw userError('invalid_option', `--eval-${skipRows !== undefined ? 'skip-rows' : 'columns'} is a read option of the --eval file: pass --eval DATA too`, { option: 'eval' });
  }
  return { ...read, skipRows: skipRows ?? read.skipRows, columns: columns ?? read.columns };
}

/**
 * Reads the --eval file with its read options. A file whose first line does not match the rest
 * (a preamble such as adult.test's "|1x3 Cross validator") is a user error that names
 * --eval-skip-rows.
 */
export async function readEvalTable(path: string, options: ReadOptions): Promise<Table> {
  try {
    return (await readTable(path, options)).table;
  } catch (e) {
    if (isUserError(e) && (e.code === 'column_count_mismatch' || e.code === 'ragged_row')) {
      // A first row of one field before wider rows: a title or comment line, as in adult.test.
      const preamble = e.details.expected === 1 && Number(e.details.found) > 1;
      const hint = preamble ? `; if the file opens with lines that are not data (a title, a comment), skip them with --eval-skip-rows N${options.skipRows ? ` (now ${options.skipRows})` : ''}` : '';
      const columns = e.code === 'column_count_mismatch' ? `; if its columns differ from the training file's, name them with --eval-columns` : '';
      throw userError(e.code, `--eval: ${e.message}${hint}${columns}`, { ...e.details, file: path }, e);
    }
    throw e;
  }
}

/**
 * Every column the comparison reads must be in the --eval file: one user error naming all the
 * missing ones (with the closest names), what they are for, and the file.
 */
export function requireEvalColumns(table: Table, needed: Record<string, readonly string[]>, path: string): void {
  const missing: string[] = [];
  for (const [role, names] of Object.entries(needed)) {
    for (const name of new Set(names)) if (!table.has(name)) missing.push(`${JSON.stringify(name)} (${role})${didYouMean(name, table.names())}`);
  }
  if (missing.length === 0) return;
  const shown = table.names();
  throw userError(
    'unknown_column',
    `the --eval file ${path} lacks ${missing.length === 1 ? 'a column' : `${missing.length} columns`} the comparison needs: ${missing.join(', ')}; its columns are ${shown.slice(0, 20).join(', ')}${shown.length > 20 ? ', …' : ''} (a file without a header? pass --eval-columns, or --columns for both files)`,
    { file: path, missing },
  );
}

/** A label's classes on one file with their row counts (rows with a label only), or null for a numeric label. */
interface LabelClasses {
  counts: Map<string, number>;
  /** The label is a condition (counts are of "true" and "false"). */
  condition: boolean;
}

const MAX_CLASSES = 50;

function labelClasses(table: Table, spec: string): LabelClasses | null {
  let column: Column;
  let condition = false;
  if (table.has(spec)) column = table.column(spec);
  else {
    column = evaluateColumn(parseExpression(spec), table, '__candor_label_check');
    if (column.type !== 'boolean') return null;
    condition = true;
  }
  if (column.type === 'list') return null;
  const counts = new Map<string, number>();
  for (let i = 0; i < table.rowCount; i++) {
    const v = valueAt(column, i);
    if (v === null || (typeof v === 'number' && Number.isNaN(v))) continue;
    if (column.type === 'numeric' && !Number.isInteger(v)) return null;
    const k = String(v);
    counts.set(k, (counts.get(k) ?? 0) + 1);
    if (counts.size > MAX_CLASSES) return null;
  }
  return { counts, condition };
}

/** A value as the cohort language writes it. */
const literal = (v: string) => exprToString({ type: 'literal', value: v, start: 0, end: 0 } as Expr);

/** Case, spaces and punctuation other than comparison signs left out: '>50K.' and '>50K' match. */
const loose = (v: string) => v.toLowerCase().replace(/[^\p{L}\p{N}<>=]/gu, '');

/** `col in ('a', 'b')`. */
function inCondition(column: string, values: readonly string[]): string {
  const expr = {
    type: 'in',
    negated: false,
    operand: { type: 'column', name: column, start: 0, end: 0 },
    values: values.map((value) => ({ type: 'literal', value, start: 0, end: 0 })),
    start: 0,
    end: 0,
  } as unknown as Expr;
  return exprToString(expr);
}

/** Up to `max` values, quoted, and how many more. */
function quoted(values: Iterable<string>, max = 8): string {
  const all = [...values];
  return `${all.slice(0, max).map(literal).join(', ')}${all.length > max ? `, … (${all.length - max} more)` : ''}`;
}

/** The categories of a column over its labelled rows (null for non-categorical columns). */
function categories(table: Table, name: string): Set<string> | null {
  if (!table.has(name)) return null;
  const c = table.column(name);
  if (c.type !== 'categorical' && c.type !== 'boolean') return null;
  const out = new Set<string>();
  for (let i = 0; i < table.rowCount; i++) {
    const v = valueAt(c, i);
    if (v !== null) out.add(String(v));
  }
  return out;
}

/**
 * The label must mean the same on the training and the --eval rows. A label column with classes
 * the training rows never have ('>50K.' against '>50K'), or a condition that holds for no row (or
 * for every row) of --eval while it splits the training rows, is a user error that says where each
 * spelling is and how to write a label true in both files (`income in ('>50K', '>50K.')`).
 * Numeric labels (regression) are not checked.
 */
export function checkEvalLabel(train: Table, evaluation: Table, spec: string, files: { train: string; eval: string }, positive?: string): void {
  const a = labelClasses(train, spec);
  const b = labelClasses(evaluation, spec);
  if (!a || !b) return;
  if (!a.condition) {
    const unseen = [...b.counts.keys()].filter((k) => !a.counts.has(k)).sort();
    if (unseen.length === 0) return;
    const known = [...a.counts.keys()].sort();
    const target = positive ?? known[known.length - 1];
    const alike = unseen.filter((u) => loose(u) === loose(target));
    const example = inCondition(spec, [target, ...(alike.length ? alike : ['…'])]).replace("'…'", '…');
    throw userError(
      'label_mismatch',
      `the label ${JSON.stringify(spec)} of the --eval file ${files.eval} has ${unseen.length === 1 ? 'a value' : 'values'} the training file ${files.train} never has: ${quoted(unseen)} (training: ${quoted(known)}); ` +
        `if the files spell the classes differently, write the label as a condition true in both, e.g. --label "${example}"`,
      { file: files.eval, label: spec, unseen },
    );
  }
  const trueIn = (c: LabelClasses) => c.counts.get('true') ?? 0;
  const falseIn = (c: LabelClasses) => c.counts.get('false') ?? 0;
  const splitsTraining = trueIn(a) > 0 && falseIn(a) > 0;
  const constant = trueIn(b) === 0 ? 'false' : falseIn(b) === 0 ? 'true' : null;
  if (!splitsTraining || constant === null || trueIn(b) + falseIn(b) === 0) return;
  const inputs = columnsOf(parseExpression(spec));
  const spellings = inputs
    .map((name) => {
      const [ct, ce] = [categories(train, name), categories(evaluation, name)];
      return ct && ce ? `${name} holds ${quoted([...ct].sort())} in ${files.train} but ${quoted([...ce].sort())} in ${files.eval}` : null;
    })
    .filter((s) => s !== null);
  let example = "income in ('>50K', '>50K.')";
  if (inputs.length === 1) {
    // The training values the condition keeps, and the --eval values spelled like one of them.
    const name = inputs[0];
    const column = evaluateColumn(parseExpression(spec), train, '__candor_label_check');
    const kept = new Set<string>();
    const source = train.has(name) ? train.column(name) : null;
    if (source && column.type === 'boolean' && (source.type === 'categorical' || source.type === 'boolean')) {
      for (let i = 0; i < train.rowCount; i++) if (column.values[i] === 1) kept.add(String(valueAt(source, i)));
      const ce = categories(evaluation, name) ?? new Set<string>();
      const loosely = new Set([...kept].map(loose));
      const alike = [...ce].filter((v) => !kept.has(v) && loosely.has(loose(v)));
      if (kept.size <= 8 && alike.length) example = inCondition(name, [...kept, ...alike]);
    }
  }
  throw userError(
    'label_mismatch',
    `--label ${JSON.stringify(spec)} is ${constant} for every labelled row of the --eval file ${files.eval}, though it splits the training rows (${trueIn(a).toLocaleString('en-US')} true, ${falseIn(a).toLocaleString('en-US')} false)` +
      `${spellings.length ? `: ${spellings.join('; ')}` : ''}; if the files spell the label differently, write a condition true in both, e.g. --label "${example}"`,
    { file: files.eval, label: spec },
  );
}

/**
 * Categorical features with more distinct values than the learner takes — gradient boosting bins
 * at most 255 categories; logistic regression one-hot encodes each, and beyond about 1,000
 * columns a fit takes minutes — are usually identifiers, names, dates or free text: one user
 * error listing every such column with the --exclude that leaves them out, before any fitting.
 */
export function checkLearnerFeatures(table: Table, features: readonly string[], learner: string, exclude: readonly string[] = []): void {
  const limit = learner === 'gbdt' ? 255 : learner === 'logistic' ? 1000 : Infinity;
  if (limit === Infinity) return;
  const wide: [string, number][] = [];
  for (const name of features) {
    const c = table.column(name);
    if (c.type !== 'categorical' || c.dictionary.length <= limit) continue;
    const used = new Uint8Array(c.dictionary.length);
    let distinct = 0;
    for (const code of c.codes) {
      if (code < 0 || used[code] === 1) continue;
      used[code] = 1;
      distinct++;
    }
    if (distinct > limit) wide.push([name, distinct]);
  }
  if (wide.length === 0) return;
  const listed = wide.map(([n, d]) => `${JSON.stringify(n)} (${d.toLocaleString('en-US')})`).join(', ');
  throw userError(
    'too_many_categories',
    `${wide.length === 1 ? 'a categorical feature has' : `${wide.length} categorical features have`} too many distinct values for ${learner === 'gbdt' ? 'gradient boosting (at most 255 bins)' : 'logistic regression (over 1,000, one indicator column each)'}: ${listed} — identifiers, names, dates or free text? Leave ${wide.length === 1 ? 'it' : 'them'} out with --exclude ${[...new Set([...exclude, ...wide.map(([n]) => n)])].join(',')}`,
    { columns: wide.map(([n]) => n), limit },
  );
}

/**
 * A warning for a comparison whose unmitigated model is (almost) always right: a feature likely
 * leaks the label (COMPAS's is_recid and r_* columns describe the very reoffence two_year_recid
 * records), and a fairness constraint then has nothing to trade.
 */
export function perfectModelWarning(result: MitigationResult): void {
  const before = result.accuracyCost.before;
  if (before === null || before < 0.99 || result.data.rows < 30) return;
  result.warnings.push({
    code: 'perfect_model',
    message: `the model before the mitigation is right on ${before === 1 ? 'every one' : `${(100 * before).toFixed(1)}%`} of these ${result.data.rows.toLocaleString('en-US')} rows: check that they are not the rows it was trained on, and that no feature leaks the label (columns recorded after the outcome, or copies of it; leave them out with --exclude)`,
  });
}
