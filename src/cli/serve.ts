import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { readTable } from '../adapters/io/index.js';
import type { AssessOptions } from '../assess/index.js';
import { isUserError, userError } from '../errors/index.js';
import type { Model } from '../model/index.js';
import { decodeTable, type EncodedTable } from '../report/embed.js';
import { type Column, Table } from '../table/index.js';
import type { Dashboard } from '../server/dashboard.js';
import { DEFAULT_EXPORT_ROWS } from '../server/export.js';
import { formatOptions, numberOption, parseArgs, type OptionSpecs } from './args.js';
import { ASSESS_SPECS, resolveAssessArgs, scoreWithModel } from './assess.js';
import { list } from './read-options.js';
import { Progress } from './progress.js';

/** The assess flags that make sense for a dashboard (no outputs: the page is the output). */
const FROM_ASSESS = Object.fromEntries(Object.entries(ASSESS_SPECS).filter(([name]) => !['out', 'json', 'errors', 'mitigation', 'randomize', 'curves', 'color'].includes(name)));

/** The flags of `candor serve` itself. */
const OWN_SPECS: OptionSpecs = {
  port: { type: 'string', value: 'N', help: 'port to listen on; 0 picks a free one (default 8477, or a free port when it is taken)' },
  host: { type: 'string', value: 'H', help: 'address to bind (default 127.0.0.1: this machine only); any other address needs a token' },
  token: { type: 'string', value: 'T', help: 'the token every request must carry (default: generated when --host is not loopback)' },
  'no-token': { type: 'boolean', help: 'no token: allowed on a loopback address only (a non-loopback bind without a token is refused)' },
  open: { type: 'boolean', help: 'open the dashboard in the browser' },
  export: { type: 'string', value: 'FILE.html', help: 'write the dashboard as one self-contained HTML file (no server, no live model) and exit' },
  'max-rows': { type: 'string', value: 'N', help: 'rows sent to the page at most, above which a seeded sample (default: all when serving, 200,000 in an export)' },
  title: { type: 'string', value: 'TEXT', help: 'the page title (default "Candor dashboard — <data file>")' },
};

const SPECS: OptionSpecs = { ...FROM_ASSESS, ...OWN_SPECS };

export const SERVE_HELP = `Usage: candor serve DATA --label L (--pred P | --score S | --model M) [options]
       candor serve --config candor.yaml [options]
       candor serve insights.json | report.html [--model M] [options]

Starts the interactive dashboard: cohorts, model overview with a live threshold, fairness, error
analysis, a data explorer, explanations and what-if, over the rows of DATA (every row; the page
recomputes in a Web Worker). With --model the rows are scored at start and the model answers the
what-if and explanation views (exact TreeSHAP for tree models, KernelSHAP otherwise). With an
insights.json (its rows are read from the report.html beside it, when there) or a report.html, the
page shows those results. The server binds 127.0.0.1 unless --host says otherwise; any other
address needs a token, generated and printed with the URL. Stop it with Ctrl+C.

Options:
${formatOptions(SPECS)}

Examples:
  candor serve loans.csv --label repaid --model model.onnx --sensitive sex --sensitive sex,ethnicity
  candor serve --config candor-demo/candor.yaml --open
  candor serve candor-demo/insights.json --model candor-demo/model.onnx
  candor serve loans.csv --label repaid --score p --export dashboard.html`;

/** The dashboard flags, checked. */
function serveFlags(v: Record<string, unknown>) {
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const flags = {
    port: numberOption(str('port'), 'port', { min: 0, max: 65535, integer: true }),
    host: str('host'),
    token: str('token'),
    noToken: v['no-token'] === true,
    open: v.open === true,
    exportPath: str('export'),
    maxRows: numberOption(str('max-rows'), 'max-rows', { min: 1, integer: true }),
    title: str('title'),
  };
  if (flags.exportPath !== undefined) {
    const given = ['port', 'host', 'token', 'no-token', 'open'].filter((k) => v[k] !== undefined);
    if (given.length > 0) throw userError('invalid_option', `--export writes a file and starts no server: drop ${given.map((k) => `--${k}`).join(', ')}`);
    if (!/\.html?$/i.test(flags.exportPath)) throw userError('invalid_option', `--export ${flags.exportPath}: the file name should end in .html (it is a web page)`);
  }
  return flags;
}

/** What kind of file the positional argument is: results to show (insights.json, report.html) or data. */
async function kindOf(path: string): Promise<'insights' | 'report' | 'data'> {
  if (!existsSync(path)) return 'data';
  if (/\.html?$/i.test(path)) return 'report';
  if (!/\.json$/i.test(path)) return 'data';
  // An insights document starts with its schemaVersion; a JSON data file is an array or records.
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8').trimStart();
    return head.startsWith('{') && head.includes('"schemaVersion"') ? 'insights' : 'data';
  } finally {
    await handle.close();
  }
}

/** The text of `<script type="application/json" id=ID>` in a report, parsed; null when absent. */
function scriptJson(html: string, id: string, file: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`).exec(html);
  if (!m) return null;
  try {
    return JSON.parse(m[1]);
  } catch {
    throw userError('invalid_report', `${file}: the embedded ${id} block is not valid JSON (was the file edited?)`, { file });
  }
}

/** A table with these columns and no rows. */
function emptyTable(columns: readonly { name: string; type: string }[]): Table {
  return new Table(
    columns.map((c): Column => {
      if (c.type === 'numeric') return { type: 'numeric', name: c.name, values: new Float64Array(0) };
      if (c.type === 'boolean') return { type: 'boolean', name: c.name, values: new Uint8Array(0) };
      if (c.type === 'list') return { type: 'list', name: c.name, dictionary: [], offsets: new Int32Array(1), codes: new Int32Array(0), missing: new Uint8Array(0) };
      return { type: 'categorical', name: c.name, dictionary: [], codes: new Int32Array(0) };
    }),
    0,
  );
}

/** The assess options an insights document was made with (its `config`), when no report carries them. */
function optionsFromConfig(insights: Record<string, unknown>): AssessOptions {
  const c = (insights.config ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof c[k] === 'string' ? (c[k] as string) : undefined);
  const num = (k: string) => (typeof c[k] === 'number' ? (c[k] as number) : undefined);
  const label = str('label');
  if (!label) throw userError('invalid_insights', 'the insights document names no label (config.label); was it written by candor assess?');
  const cohorts = Array.isArray(insights.cohorts) ? (insights.cohorts as { name?: unknown; expression?: unknown }[]).filter((x) => typeof x.name === 'string' && typeof x.expression === 'string').map((x) => ({ name: x.name as string, expression: x.expression as string })) : [];
  return {
    label,
    pred: str('pred'),
    score: typeof c.score === 'string' || Array.isArray(c.score) ? (c.score as string | string[]) : undefined,
    threshold: num('threshold'),
    positive: str('positive'),
    task: insights.task as AssessOptions['task'],
    sensitive: Array.isArray(c.sensitive) ? (c.sensitive as string[][]) : [],
    reference: (c.reference ?? {}) as Record<string, string>,
    cohorts,
    where: str('where'),
    weight: str('weight'),
    bootstrap: num('bootstrap'),
    seed: num('seed'),
    confidence: num('confidence'),
    zeroDivision: c.zeroDivision === 0 ? 0 : 'null',
    minGroupSize: num('minGroupSize'),
    band: Array.isArray(c.band) && c.band.length === 2 ? [Number(c.band[0]), Number(c.band[1])] : undefined,
  };
}

/**
 * The results and rows of an insights.json (rows from the report.html beside it, when there) or of
 * a report.html (its embedded insights and rows): what `candor assess --out` writes.
 */
async function readResults(path: string, kind: 'insights' | 'report'): Promise<{ insights: Record<string, unknown>; table: Table; options: AssessOptions; note: string | null }> {
  let insights: unknown;
  let report: string | null = null;
  let reportPath: string | null = null;
  if (kind === 'insights') {
    try {
      insights = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      throw userError('invalid_insights', `${path} is not valid JSON: ${(e as Error).message}`, { file: path }, e);
    }
    const beside = join(dirname(path), 'report.html');
    if (existsSync(beside)) {
      report = await readFile(beside, 'utf8');
      reportPath = beside;
    }
  } else {
    report = await readFile(path, 'utf8');
    reportPath = path;
    insights = scriptJson(report, 'candor-insights', path);
    if (insights === null) throw userError('invalid_report', `${path} is not a Candor report (no embedded insights): give an insights.json, a report.html written by candor assess, or a data file`, { file: path });
  }
  const doc = insights as Record<string, unknown>;
  if (!doc || typeof doc !== 'object' || doc.schemaVersion !== 1 || !['binary', 'multiclass', 'regression'].includes(doc.task as string)) {
    throw userError('invalid_insights', `${path} is not a Candor insights document (schemaVersion 1 with a task)`, { file: path });
  }
  const embedded = report ? (scriptJson(report, 'candor-data', reportPath!) as EncodedTable | null) : null;
  if (embedded) {
    let table: Table;
    try {
      table = decodeTable(embedded);
    } catch (e) {
      throw userError('invalid_report', `${reportPath}: the embedded rows cannot be read: ${(e as Error).message}`, { file: reportPath }, e);
    }
    const options = (embedded.options as AssessOptions | undefined) ?? optionsFromConfig(doc);
    const note = kind === 'insights' ? `rows from ${reportPath}${embedded.sampled ? ` (a seeded sample of ${embedded.sampleRows.toLocaleString('en-US')} of ${embedded.totalRows.toLocaleString('en-US')} rows)` : ''}` : null;
    return { insights: doc, table, options, note };
  }
  const columns = ((doc.data as { columns?: { name: string; type: string }[] } | undefined)?.columns ?? []).filter((c) => typeof c.name === 'string');
  return { insights: doc, table: emptyTable(columns), options: optionsFromConfig(doc), note: 'no rows to explore: the views computed from the data are empty (serve the data file, or keep the report.html that candor assess --out writes beside insights.json)' };
}

/** Opens `url` in the user's browser; a failure is a note, never an error. */
function openBrowser(url: string): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const note = (why: string) => process.stderr.write(`note: could not open a browser (${why}); open the URL above yourself\n`);
  try {
    const child = spawn(command, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', (e) => note(e.message));
    child.unref();
  } catch (e) {
    note((e as Error).message);
  }
}

/** `candor serve`: the dashboard over HTTP, or `--export` to one HTML file. Resolves with 0 once stopped by SIGINT/SIGTERM. */
export async function runServe(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs(argv, SPECS, 'serve');
  const flags = serveFlags(values);
  const { resolveToken } = await import('../server/security.js');
  // A refused bind is said before any data is read.
  if (flags.exportPath === undefined) resolveToken(flags.host ?? '127.0.0.1', { token: flags.token, noToken: flags.noToken });
  const { prepareDashboard } = await import('../server/dashboard.js');
  const progress = new Progress();
  const notes: string[] = [];
  let dashboard: Dashboard;
  const kind = positionals.length === 1 ? await kindOf(positionals[0]) : 'data';
  if (kind !== 'data') {
    const path = positionals[0];
    const assessOnly = Object.keys(values).filter((k) => k in FROM_ASSESS && !['model', 'features', 'exclude', 'mapping'].includes(k));
    if (assessOnly.length > 0) throw userError('invalid_option', `${path} carries its own settings: drop ${assessOnly.map((k) => `--${k}`).join(', ')} (or serve the data file with them)`);
    const results = await readResults(path, kind);
    if (results.note) notes.push(results.note);
    const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
    let live: { model: Model; file: string; mappingInputs?: Record<string, string | string[]> } | null = null;
    const spec = str('model');
    if (spec) {
      if (results.table.rowCount === 0) throw userError('invalid_option', `--model needs rows to answer for, and ${path} has none (serve the data file with --model instead)`);
      const { loadModel } = await import('../adapters/load-model.js');
      const { LABEL_LIKE } = await import('./predict.js');
      const o = results.options;
      const outputs = new Set([o.label, o.pred, o.weight, ...[o.score ?? []].flat()].filter((x): x is string => typeof x === 'string'));
      const exclude = list(str('exclude')) ?? results.table.names().filter((n) => LABEL_LIKE.test(n) || outputs.has(n) || n === 'model_prediction' || n === 'model_score');
      const model = await loadModel(spec, { features: list(str('features')), exclude, mapping: str('mapping') });
      live = { model, file: spec, mappingInputs: await mappingInputs(str('mapping')) };
    }
    const file = (results.insights.source as { file?: string } | undefined)?.file ?? path;
    dashboard = await prepareDashboard({ table: results.table, options: results.options, source: file, title: flags.title, model: live, insights: results.insights, maxRows: flags.maxRows ?? (flags.exportPath ? DEFAULT_EXPORT_ROWS : undefined) });
  } else {
    const args = await resolveAssessArgs(argv, { name: 'serve', specs: SPECS });
    progress.update(0, 'reading');
    const { table } = await readTable(args.data, { ...args.read, onProgress: (f) => progress.update(f * 0.6, 'reading') });
    let scored: { table: Table; options: AssessOptions; live: Model | null } = { table, options: args.options, live: null };
    if (args.model) {
      progress.update(0.6, 'scoring');
      scored = await scoreWithModel(table, args.model, args.options);
    }
    progress.update(0.9, 'preparing');
    dashboard = await prepareDashboard({
      table: scored.table,
      options: scored.options,
      source: args.data,
      title: flags.title,
      model: scored.live && args.model ? { model: scored.live, file: args.model.spec, mappingInputs: await mappingInputs(args.model.mapping) } : null,
      maxRows: flags.maxRows ?? (flags.exportPath ? DEFAULT_EXPORT_ROWS : undefined),
    });
    progress.done();
  }
  if (flags.exportPath !== undefined) {
    try {
      const { writeDashboardExport } = await import('../server/export.js');
      await writeDashboardExport(dashboard, flags.exportPath);
    } finally {
      await dashboard.close();
    }
    const m = dashboard.manifest;
    const rows = m.sample ? `${m.sample.rows.toLocaleString('en-US')} of ${m.rows.toLocaleString('en-US')} rows (a sample, seed ${m.sample.seed})` : `${m.rows.toLocaleString('en-US')} rows`;
    process.stdout.write(`${notes.map((n) => `note: ${n}\n`).join('')}Wrote ${resolve(flags.exportPath)}: the dashboard with ${rows}; it opens from disk with no server (what-if and new explanations need candor serve).\n`);
    return 0;
  }

  // What the live model's explanations rest on matters only when there is a live model: not in an export.
  notes.push(...dashboard.notes);
  const { serveDashboard, untilSignal } = await import('../server/start.js');
  let running;
  try {
    running = await serveDashboard(dashboard, { host: flags.host, port: flags.port, token: flags.token, noToken: flags.noToken });
  } catch (e) {
    await dashboard.close();
    throw e;
  }
  const wildcard = flags.host === '0.0.0.0' || flags.host === '::';
  process.stdout.write(
    [
      `Candor dashboard: ${running.url}`,
      ...(wildcard ? [`  listening on every interface (${flags.host}): from another machine use this one's address, with the same ?token=`] : []),
      ...[...notes, ...running.notes.filter((n) => !notes.includes(n))].map((n) => `  note: ${n}`),
      '  Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  if (flags.open) openBrowser(running.url);
  const signal = await untilSignal();
  process.stderr.write(`\n${signal === 'SIGINT' ? 'Stopping' : `Stopping (${signal})`}…\n`);
  await running.close();
  return 0;
}

/** The `inputs` of an ONNX mapping file, for TreeSHAP's reading of the model's inputs. */
async function mappingInputs(path: string | undefined): Promise<Record<string, string | string[]> | undefined> {
  if (!path) return undefined;
  try {
    return (JSON.parse(await readFile(path, 'utf8')) as { inputs?: Record<string, string | string[]> }).inputs;
  } catch (e) {
    if (isUserError(e)) throw e;
    throw userError('invalid_option', `--mapping ${path}: cannot read it as JSON: ${(e as Error).message}`, { option: 'mapping' }, e);
  }
}
