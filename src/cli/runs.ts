import { metricInfo } from '../metrics/index.js';
import { userError } from '../errors/index.js';
import { MARK_SYMBOL, openStore, parseRunRef, RUN_KINDS, storePath, defaultMetrics, type DiffRow, type Mark, type RunKind, type RunRecord, type RunStore, type RunSummary, type TrackerCell, type TrackerTable } from '../adapters/tracker/index.js';
import { formatOptions, numberOption, parseArgs, type OptionSpecs } from './args.js';
import { list } from './read-options.js';
import { formatTable, makeStyle, type Style } from './text-table.js';

const COMMON: OptionSpecs = {
  store: { type: 'string', value: 'PATH', help: 'the run store (default $CANDOR_STORE, else .candor/runs.sqlite in the current directory)' },
  json: { type: 'boolean', help: 'print JSON on stdout (and nothing else)' },
  color: { type: 'boolean', help: 'colour terminal output (default: when stdout is a terminal)' },
};

const FILTER: OptionSpecs = {
  tag: { type: 'string', value: 'T', help: 'only runs with this tag' },
  kind: { type: 'string', value: 'assess|compare|mitigate', help: 'only runs of this kind' },
  limit: { type: 'string', value: 'N', help: 'only the N most recent runs' },
};

const METRICS: OptionSpecs = {
  metrics: { type: 'string', value: 'A,B,…|all', help: 'the metrics shown (default: count, accuracy, f1… as the runs have them; all for every one)' },
};

const SPECS: Record<string, OptionSpecs> = {
  list: { ...FILTER, ...COMMON },
  show: { ...METRICS, ...COMMON },
  diff: { ...METRICS, changed: { type: 'boolean', help: 'only the rows marked ↑ or ↓' }, ...COMMON },
  table: { baseline: { type: 'string', value: 'RUN[:MODEL]', help: 'show each value with its change against this run (a compare run: its baseline model unless one is named)' }, ...METRICS, ...FILTER, ...COMMON },
  tag: COMMON,
  untag: COMMON,
  name: COMMON,
  check: COMMON,
};

export const RUNS_HELP = `Usage: candor runs <list|show|diff|table|tag|untag|name|check> [arguments] [options]

The run store: every assess, compare and mitigate run recorded with --track (or --run-name, --tag,
--store), with fingerprints of its data and model, its options, Candor's version, the time, every
metric per cohort and group, and the full JSON document. The store is an SQLite file
(.candor/runs.sqlite, or $CANDOR_STORE, or --store); query it with any SQLite client.

A run is named by its id (12 or #12) or its name; RUN:MODEL picks one model of a compare run.

Commands:
  list                     the runs, oldest first
  show RUN                 a run's fingerprints, options, command and metrics per cohort and group
  diff A B                 every metric of B against A, per cohort and group: A, B, the change B − A
                           and ↑/↓, or ≈ when it is 0 or the runs' confidence intervals overlap
  table [--baseline RUN]   the tracker table: runs as rows with their cohorts and groups nested,
                           metrics as columns, each value's change against the baseline run
  tag RUN TAG...           add tags;  untag RUN TAG... removes them
  name RUN NAME            name (or rename) a run; names are unique, not numbers, without ":"
  check                    check the store's integrity (exit 1 on a problem)

Options of list:
${formatOptions(SPECS.list)}

Options of show:
${formatOptions(SPECS.show)}

Options of diff:
${formatOptions(SPECS.diff)}

Options of table:
${formatOptions(SPECS.table)}

Examples:
  candor assess preds.csv --label y --pred p --sensitive sex --track --run-name v1 --tag release
  candor runs list --tag release
  candor runs diff v1 v2 --metrics accuracy,false_positive_rate --changed
  candor runs table --baseline v1 --metrics accuracy,f1`;

type Values = Record<string, string | boolean | string[] | undefined>;

/** Runs `candor runs`. */
export async function runRuns(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined) throw userError('missing_command', `no command: candor runs ${Object.keys(SPECS).join('|')} (see candor runs --help)`);
  const specs = SPECS[sub];
  if (!specs) throw userError('unknown_command', `unknown command "runs ${sub}"; commands are ${Object.keys(SPECS).join(', ')} (see candor runs --help)`, { command: sub });
  const { positionals, values } = parseArgs(rest, specs, `runs ${sub}`);
  const style = makeStyle(typeof values.color === 'boolean' ? values.color : Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  const store = openStore(storePath(typeof values.store === 'string' ? values.store : undefined), { mustExist: true });
  try {
    const out = COMMANDS[sub](store, positionals, values, style);
    process.stdout.write(`${out.text}\n`);
    return out.code;
  } finally {
    store.close();
  }
}

type Command = (store: RunStore, args: string[], values: Values, style: Style) => { text: string; code: number };

const json = (x: unknown) => JSON.stringify(x, null, 2);
const ok = (text: string) => ({ text, code: 0 });

function expectArgs(args: string[], min: number, max: number, usage: string): void {
  if (args.length < min || args.length > max) throw userError('invalid_arguments', `expected ${usage}, found ${args.length === 0 ? 'nothing' : args.map((a) => JSON.stringify(a)).join(' ')}`);
}

const COMMANDS: Record<string, Command> = {
  list(store, args, v, style) {
    expectArgs(args, 0, 0, 'no arguments (candor runs list [--tag T] [--kind K])');
    const runs = store.listRuns(filterOf(v));
    if (v.json === true) return ok(json({ store: store.path, runs }));
    if (runs.length === 0) return ok(`No runs in ${store.path}${v.tag !== undefined || v.kind !== undefined ? ' match' : ' (record one with candor assess … --track)'}`);
    const rows = runs.map((r) => [String(r.id), r.name ?? '', r.kind, when(r.createdAt), r.codeVersion, short(r.dataFingerprint), short(r.modelFingerprint), r.models.filter((m) => m !== '').join(', '), r.tags.join(', ')]);
    return ok(`${style.bold('Runs')} in ${store.path} (${runs.length})\n${formatTable(['id', 'name', 'kind', 'created (UTC)', 'version', 'data', 'model', 'models', 'tags'], rows, style)}`);
  },

  show(store, args, v, style) {
    expectArgs(args, 1, 1, 'one run (candor runs show RUN)');
    const ref = parseRunRef(args[0]);
    const run = store.getRun(ref.run);
    if (v.json === true) return ok(json({ ...run, metrics: store.runMetrics(run.id, { model: ref.model }) }));
    const metrics = chooseMetrics(store, [run.id], v);
    const table = store.trackerTable([run], metrics);
    if (ref.model !== null) table.rows = table.rows.filter((r) => r.model === ref.model);
    return ok([...describeRun(run, style), '', table.rows.length ? renderTrackerTable(table, style, 'model') : 'No metrics recorded for this run.'].join('\n'));
  },

  diff(store, args, v, style) {
    expectArgs(args, 2, 2, 'two runs (candor runs diff A B)');
    const metrics = v.metrics === 'all' ? null : (list(v.metrics as string | undefined) ?? null);
    const d = store.diffRuns(parseRunRef(args[0]), parseRunRef(args[1]), metrics);
    const rows = v.changed === true ? d.rows.filter((r) => r.mark === 'up' || r.mark === 'down') : d.rows;
    const sameData = d.a.dataFingerprint !== null && d.a.dataFingerprint === d.b.dataFingerprint;
    if (v.json === true) return ok(json({ a: d.a, b: d.b, sameData, rows }));
    return ok(renderDiff(d.a, d.b, args, rows, sameData, style));
  },

  table(store, args, v, style) {
    expectArgs(args, 0, 0, 'no arguments (candor runs table [--baseline RUN])');
    const baseline = typeof v.baseline === 'string' ? parseRunRef(v.baseline) : null;
    const runs = store.listRuns(filterOf(v));
    // The baseline is always a row, first when the filters leave it out.
    if (baseline) {
      const b = store.resolveRun(baseline.run);
      if (!runs.some((r) => r.id === b.id)) runs.unshift(b);
    }
    const metrics = chooseMetrics(store, runs.map((r) => r.id), v);
    const table = store.trackerTable(runs, metrics, baseline);
    if (v.json === true) return ok(json({ store: store.path, runs, ...table }));
    if (runs.length === 0) return ok(`No runs in ${store.path}${v.tag !== undefined || v.kind !== undefined ? ' match' : ''}`);
    const head = `${style.bold('Tracker')}: ${runs.length} run${runs.length === 1 ? '' : 's'} in ${store.path}${table.baseline ? `; change against the baseline ${runLabel(table.baseline.run, table.baseline.name, table.baseline.model)} (${MARKS_LEGEND})` : ''}`;
    return ok(`${head}\n${renderTrackerTable(table, style, 'run')}`);
  },

  tag(store, args, v) {
    if (args.length < 2) throw userError('invalid_arguments', 'expected a run and at least one tag (candor runs tag RUN TAG...)');
    const run = store.tagRun(args[0], args.slice(1).flatMap((t) => t.split(',')));
    return ok(v.json === true ? json(run) : `Run #${run.id} tags: ${run.tags.join(', ') || 'none'}`);
  },

  untag(store, args, v) {
    if (args.length < 2) throw userError('invalid_arguments', 'expected a run and at least one tag (candor runs untag RUN TAG...)');
    const run = store.untagRun(args[0], args.slice(1).flatMap((t) => t.split(',')));
    return ok(v.json === true ? json(run) : `Run #${run.id} tags: ${run.tags.join(', ') || 'none'}`);
  },

  name(store, args, v) {
    expectArgs(args, 2, 2, 'a run and a name (candor runs name RUN NAME)');
    const run = store.nameRun(args[0], args[1]);
    return ok(v.json === true ? json(run) : `Run #${run.id} is named ${run.name}`);
  },

  check(store, args, v) {
    expectArgs(args, 0, 0, 'no arguments (candor runs check)');
    const report = store.integrityCheck();
    const code = report.ok ? 0 : 1;
    if (v.json === true) return { text: json({ store: store.path, runs: store.count(), ...report }), code };
    return { text: report.ok ? `${store.path}: ok (${store.count()} runs)` : `${store.path}: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}\n${report.problems.map((p) => `  ${p}`).join('\n')}`, code };
  },
};

function filterOf(v: Values): { tag?: string; kind?: RunKind; limit?: number } {
  const kind = typeof v.kind === 'string' ? v.kind : undefined;
  if (kind !== undefined && !RUN_KINDS.includes(kind as RunKind)) throw userError('invalid_option', `invalid --kind: ${JSON.stringify(kind)} (expected ${RUN_KINDS.join(', ')})`, { option: 'kind' });
  return { tag: typeof v.tag === 'string' ? v.tag.trim() : undefined, kind: kind as RunKind | undefined, limit: numberOption(typeof v.limit === 'string' ? v.limit : undefined, 'limit', { min: 1, integer: true }) };
}

/** `--metrics`, checked against what the runs have; the default set otherwise. */
function chooseMetrics(store: RunStore, runIds: number[], v: Values): string[] {
  const available = store.metricIds(runIds);
  if (v.metrics === 'all') return available;
  const asked = list(typeof v.metrics === 'string' ? v.metrics : undefined);
  if (!asked) return defaultMetrics(available);
  const missing = asked.filter((m) => !available.includes(m));
  if (missing.length === asked.length && runIds.length > 0) throw userError('unknown_metric', `no run here has ${missing.map((m) => JSON.stringify(m)).join(', ')} (they have ${available.slice(0, 12).join(', ')}${available.length > 12 ? ', …' : ''})`, { metrics: missing });
  return asked;
}

const MARKS_LEGEND = '↑/↓ up/down, ≈ no change or within both runs\' intervals';

const short = (fp: string | null) => (fp === null ? '—' : fp.slice(0, 12));
const when = (iso: string) => iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, '');
const runLabel = (id: number, name: string | null, model: string) => `#${id}${name ? ` ${name}` : ''}${model ? ` · ${model}` : ''}`;

/** A value: integers as they are, others to 3 decimals (or 2 significant digits when smaller). */
function num(v: number | null): string {
  if (v === null) return '—';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 0.001 ? v.toFixed(3) : v.toPrecision(2);
}

const signed = (v: number) => (v === 0 ? '0' : `${v > 0 ? '+' : '−'}${num(Math.abs(v))}`);

/** Green when the change is an improvement, red when a regression (by the metric's direction); plain otherwise. */
function colorMark(text: string, metric: string, mark: Mark | null, style: Style): string {
  const better = metricInfo(metric)?.higherIsBetter ?? (metric === 'btc' || metric === 'bec' ? true : null);
  if (better === null || mark === null || mark === 'same') return text;
  return (mark === 'up') === better ? style.green(text) : style.red(text);
}

function cellText(c: TrackerCell | null, metric: string, style: Style): string {
  if (c === null) return '';
  if (c.change === null || c.mark === null) return num(c.value);
  return colorMark(`${num(c.value)} ${MARK_SYMBOL[c.mark]} ${signed(c.change)}`, metric, c.mark, style);
}

const scopeLabel = (cohort: string | null, group: string | null) => (cohort === null && group === null ? 'all rows' : [cohort !== null ? `cohort ${cohort}` : null, group].filter(Boolean).join(' · '));

/**
 * The tracker table as text. With `by: 'run'`, a run's label on its first row and its scopes nested
 * under it; with `by: 'model'` (one run), the model instead.
 */
export function renderTrackerTable(table: TrackerTable, style: Style, by: 'run' | 'model'): string {
  const rows: string[][] = [];
  let last: string | null = null;
  for (const r of table.rows) {
    const label = by === 'run' ? `${runLabel(r.run, r.name, r.model)}${r.baseline ? ' (baseline)' : ''}` : r.model;
    rows.push([label !== last ? label : '', scopeLabel(r.cohort, r.group), ...table.metrics.map((m) => cellText(r.values[m], m, style))]);
    last = label;
  }
  if (by === 'model' && table.rows.every((r) => r.model === '')) return formatTable(['scope', ...table.metrics], rows.map((r) => r.slice(1)), style);
  return formatTable([by, 'scope', ...table.metrics], rows, style);
}

function describeRun(run: RunRecord, style: Style): string[] {
  const fingerprint = (role: 'data' | 'model', fp: string | null) => {
    const inputs = run.inputs.filter((i) => i.role === role).map((i) => `${i.name ? `${i.name}: ` : ''}${i.kind === 'column' ? `columns ${i.source}` : i.source}${i.bytes !== null ? `, ${i.bytes.toLocaleString('en-US')} bytes` : ''}`);
    return `${role.padEnd(7)} ${fp ?? '—'}${inputs.length ? `  (${inputs.join('; ')})` : ''}`;
  };
  return [
    `${style.bold(`Run ${runLabel(run.id, run.name, '')}`)} · ${run.kind} · ${run.createdAt.replace('T', ' ').replace('Z', ' UTC')} · candor ${run.codeVersion}`,
    ...(run.tags.length ? [`tags    ${run.tags.join(', ')}`] : []),
    fingerprint('data', run.dataFingerprint),
    fingerprint('model', run.modelFingerprint),
    ...(run.argv.length ? [`command candor ${run.kind} ${run.argv.map(shellQuote).join(' ')}`] : []),
  ];
}

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function sideText(s: DiffRow['a']): string {
  if (s === null) return '';
  return s.lower !== null && s.upper !== null ? `${num(s.value)} [${num(s.lower)}, ${num(s.upper)}]` : num(s.value);
}

function renderDiff(a: RunSummary, b: RunSummary, refs: string[], rows: DiffRow[], sameData: boolean, style: Style): string {
  const [ra, rb] = refs.map(parseRunRef);
  const la = runLabel(a.id, a.name, ra.model ?? '');
  const lb = runLabel(b.id, b.name, rb.model ?? '');
  const lines = [`${style.bold('Diff')} ${la} → ${lb}: change = B − A; ${MARKS_LEGEND}`];
  if (!sameData) lines.push(style.yellow(a.dataFingerprint === null || b.dataFingerprint === null ? 'note: a run has no data fingerprint; they may have seen different data' : `note: the runs saw different data (${short(a.dataFingerprint)} vs ${short(b.dataFingerprint)})`));
  if (rows.length === 0) return [...lines, 'No rows to show.'].join('\n');
  const withModel = rows.some((r) => r.model !== null && r.model !== '');
  const table = rows.map((r) => [
    ...(withModel ? [r.model ?? ''] : []),
    scopeLabel(r.cohort, r.group),
    r.metric,
    sideText(r.a),
    sideText(r.b),
    r.change === null ? (r.a === null ? 'only in B' : r.b === null ? 'only in A' : '—') : colorMark(`${signed(r.change)} ${r.mark ? MARK_SYMBOL[r.mark] : ''}`.trimEnd(), r.metric, r.mark, style),
  ]);
  lines.push(formatTable([...(withModel ? ['model'] : []), 'scope', 'metric', `A ${la}`, `B ${lb}`, 'change'], table, style));
  return lines.join('\n');
}
