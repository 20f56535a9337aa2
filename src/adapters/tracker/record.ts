/**
 * Recording a CLI run in the tracker: the options every recording verb (`assess`, `compare`,
 * `mitigate`) adds, and the one call it makes after computing its document. This module stays
 * light — the SQLite store is loaded only when a run is recorded.
 */
import { resolve } from 'node:path';
import type { OptionSpecs, ParsedArgs } from '../../cli/args.js';
import { userError } from '../../errors/index.js';
import type { RunKind } from './extract.js';
import { fingerprintData, fingerprintModels, type ModelSource } from './fingerprint.js';
import { checkRunName, checkTag } from './names.js';
import type { RunSummary } from './store.js';

/** The tracking options, for a verb's option specs (`{ ...SPECS, ...TRACK_SPECS }`). */
export const TRACK_SPECS: OptionSpecs = {
  track: { type: 'boolean', help: 'record the run in the run store (see candor runs); --store, --run-name and --tag imply it' },
  store: { type: 'string', value: 'PATH', help: 'the run store (default $CANDOR_STORE, else .candor/runs.sqlite in the current directory)' },
  'run-name': { type: 'string', value: 'NAME', help: 'a unique name for the recorded run' },
  tag: { type: 'string', multiple: true, value: 'T[,T]', help: 'tag the recorded run (repeat or separate with commas)' },
};

/** The keys of {@link TRACK_SPECS}: left out of the recorded options. */
const TRACK_KEYS = new Set(Object.keys(TRACK_SPECS));

/** The default store: `$CANDOR_STORE`, else `.candor/runs.sqlite` under `cwd`. */
export const DEFAULT_STORE = '.candor/runs.sqlite';

/** The store path: `--store`, else `$CANDOR_STORE`, else `.candor/runs.sqlite` under `cwd` (absolute). */
export function storePath(explicit?: string, env: Record<string, string | undefined> = process.env, cwd = process.cwd()): string {
  return resolve(cwd, explicit ?? (env.CANDOR_STORE || DEFAULT_STORE));
}

/** What to record with: the store and the run's name and tags. */
export interface TrackOptions {
  store: string;
  name: string | null;
  tags: string[];
}

type Values = ParsedArgs['values'];

/**
 * The tracking options from parsed arguments, validated (run name, tags), or null when the run is
 * not to be recorded: recording is on with `--track`, or when `--store`, `--run-name` or `--tag` is
 * given; `--no-track` turns it off.
 */
export function trackOptionsFrom(values: Values): TrackOptions | null {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const tagValues = Array.isArray(values.tag) ? values.tag : typeof values.tag === 'string' ? [values.tag] : [];
  const implied = str('store') !== undefined || str('run-name') !== undefined || tagValues.length > 0;
  const on = values.track === true || (values.track !== false && implied);
  if (!on) return null;
  const name = str('run-name');
  const tags = [...new Set(tagValues.flatMap((t) => t.split(',')).map(checkTag))];
  return { store: storePath(str('store')), name: name === undefined ? null : checkRunName(name), tags };
}

/**
 * Checks, before the work, that a run can be recorded: the options are valid, the store opens
 * (created when missing) and the name is free. Returns the options, or null when not recording.
 * A verb calls it first so a taken name fails before a long computation rather than after.
 */
export async function preflightTracking(values: Values): Promise<TrackOptions | null> {
  const options = trackOptionsFrom(values);
  if (!options) return null;
  const { openStore } = await import('./store.js');
  const store = openStore(options.store);
  try {
    if (options.name !== null && store.runByName(options.name)) {
      throw userError('run_name_taken', `a run named ${JSON.stringify(options.name)} already exists in ${store.path}; choose another --run-name`, { name: options.name });
    }
  } finally {
    store.close();
  }
  return options;
}

/** What a verb hands over to record its run. */
export interface RecordRequest {
  kind: RunKind;
  /** The verb's arguments as given (after the verb). */
  argv: readonly string[];
  /** The data files read. */
  dataPaths: readonly string[];
  /**
   * Model files or URLs scored by the run: a string for a run with one model, `{ name, path }`
   * for a named model of a compare run. Models not listed are fingerprinted from their prediction
   * columns as the document records them (`config.pred`/`config.score` of an insights document,
   * `models` of a comparison).
   */
  modelPaths?: readonly (string | { name: string; path: string })[];
  /** The run's JSON document (what `--json` prints). */
  document: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const text = (x: unknown): string | null => (typeof x === 'string' ? x : Array.isArray(x) ? x.join(',') : null);

/** The run's models: the files and URLs given, and the prediction columns the document names. */
export function modelSources(document: unknown, modelPaths: RecordRequest['modelPaths'] = []): ModelSource[] {
  const files = modelPaths.map((m) => (typeof m === 'string' ? { name: '', path: m } : m));
  if (isObj(document) && Array.isArray(document.models)) {
    // A comparison: every model by name, from its file when one was given.
    const out: ModelSource[] = [];
    for (const m of document.models) {
      if (!isObj(m) || typeof m.name !== 'string') continue;
      const file = files.find((f) => f.name === m.name);
      out.push(file ?? { name: m.name, pred: text(m.pred) ?? '', score: text(m.score) });
    }
    return [...out, ...files.filter((f) => !out.some((o) => o.name === f.name))];
  }
  if (files.length) return files;
  const config = isObj(document) && isObj(document.config) ? document.config : null;
  if (!config) return [];
  const pred = text(config.pred);
  const score = text(config.score);
  if (pred === null && score === null) return [];
  const threshold = typeof config.threshold === 'number' ? config.threshold : 0.5;
  return [{ name: '', pred: pred ?? `${score} >= ${threshold}`, score }];
}

/**
 * Records a CLI run when the options ask for it (see {@link trackOptionsFrom}), and says so on
 * stderr (stdout stays the verb's output; `io.log` replaces stderr). The recorded options are the
 * parsed values without the tracking options. Returns the recorded run, or null when not recording.
 * @example
 * // After computing `doc`, what --json prints:
 * await recordRunFromCli(values, { kind: 'assess', argv, dataPaths: [data], modelPaths: model ? [model] : [], document: doc });
 */
export async function recordRunFromCli(values: Values, request: RecordRequest, io: { log?: (line: string) => void } = {}): Promise<RunSummary | null> {
  const options = trackOptionsFrom(values);
  if (!options) return null;
  const data = await fingerprintData(request.dataPaths);
  const models = await fingerprintModels(modelSources(request.document, request.modelPaths), data.fingerprint);
  const config = Object.fromEntries(Object.entries(values).filter(([k, v]) => !TRACK_KEYS.has(k) && v !== undefined));
  const { openStore } = await import('./store.js');
  const store = openStore(options.store);
  try {
    const run = store.recordRun({
      kind: request.kind,
      document: request.document,
      name: options.name,
      tags: options.tags,
      dataFingerprint: data.fingerprint,
      modelFingerprint: models.fingerprint,
      config,
      argv: request.argv,
      inputs: [...data.inputs, ...models.inputs],
    });
    (io.log ?? ((line) => process.stderr.write(`${line}\n`)))(`Recorded run #${run.id}${run.name ? ` (${run.name})` : ''} in ${store.path}`);
    return run;
  } finally {
    store.close();
  }
}
