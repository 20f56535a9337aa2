import { basename } from 'node:path';
import type { AssessOptions } from '../assess/index.js';
import { prepare } from '../assess/prepare.js';
import { columnsOf, parseExpression } from '../cohort/index.js';
import { encodeDataContainer } from '../dashboard/data-container.js';
import { type ColumnInfo, DASHBOARD_PROTOCOL_VERSION, Manifest } from '../dashboard/protocol.js';
import type { Model } from '../model/index.js';
import { embeddableOptions, sampleIndices } from '../report/embed.js';
import type { Table } from '../table/index.js';
import { VERSION } from '../version.js';
import { treeExplainerFor } from './explainer.js';
import { LiveModel } from './model-service.js';

/** A live model for the dashboard: the one that scored the rows. */
export interface LiveModelInput {
  readonly model: Model;
  /** The model's file: an .onnx file is read once more at start, for exact TreeSHAP of a tree ensemble. */
  readonly file?: string;
  /** ONNX only: input name -> the column(s) it reads, as the model's mapping file says. */
  readonly mappingInputs?: Record<string, string | string[]>;
  /** Name shown in the page. Defaults to the model's name. */
  readonly name?: string;
}

/** What a dashboard shows. */
export interface DashboardInput {
  /** The rows, with the prediction and score columns `options` names (a live model's already added). */
  readonly table: Table;
  /** The assessment the page recomputes: label, prediction or score, sensitive features, cohorts… */
  readonly options: AssessOptions;
  /** The data file (only its base name is shown). Defaults to `data`. */
  readonly source?: string;
  /** The page title. Defaults to "Candor dashboard — <source>". */
  readonly title?: string;
  /** The live model, for what-if predictions and explanations; without one those endpoints answer 404. */
  readonly model?: LiveModelInput | null;
  /** Precomputed results (an insights document: explanations, comparison, mitigations) shown beside the data. */
  readonly insights?: unknown;
  /** Rows sent to the page at most: above, a seeded sample (said in the manifest). Defaults to all rows. */
  readonly maxRows?: number;
  /** Seed of that sample. Defaults to `options.seed`, else 0. */
  readonly seed?: number;
}

/** A dashboard ready to serve or export: the manifest, the rows, the live model. */
export interface Dashboard {
  readonly manifest: Manifest;
  /** Every row (what the model endpoints sample and take column types from). */
  readonly table: Table;
  /** The rows the page receives (a seeded sample above `maxRows`). */
  readonly page: Table;
  /** The page's rows as a data container (encoded once, on first use). */
  data(): Uint8Array;
  readonly live: LiveModel | null;
  /** Things worth telling the user at start (why KernelSHAP rather than TreeSHAP…). */
  readonly notes: readonly string[];
  /** Releases the live model (its ONNX session). */
  close(): Promise<void>;
}

/** The columns a label or prediction spec reads: itself when it is a column, else those its expression names. */
function specColumns(table: Table, spec: string | undefined): string[] {
  if (spec === undefined) return [];
  if (table.has(spec)) return [spec];
  try {
    return columnsOf(parseExpression(spec));
  } catch {
    return [];
  }
}

/** The task and positive value the page works with: resolved by the assessment's own rules, or read from the insights when there are no rows. */
function resolveTargets(table: Table, options: AssessOptions, insights: unknown): { task: Manifest['task']; positive: string | null; threshold: number | null } {
  if (table.rowCount === 0) {
    const doc = (insights ?? {}) as { task?: unknown; config?: { positive?: unknown; threshold?: unknown } };
    const task = doc.task === 'binary' || doc.task === 'multiclass' || doc.task === 'regression' ? doc.task : (options.task ?? 'binary');
    const positive = typeof doc.config?.positive === 'string' ? doc.config.positive : (options.positive ?? null);
    const threshold = typeof doc.config?.threshold === 'number' ? doc.config.threshold : (options.threshold ?? null);
    return { task, positive: task === 'binary' ? positive : null, threshold };
  }
  // The same checks `candor assess` makes (a missing column, a label with too many values…) fail here, at start, not in the page.
  const { resolved } = prepare(table, { ...options, bootstrap: 0, cohorts: [], sensitive: [], onProgress: undefined });
  return { task: resolved.task, positive: resolved.positive ?? null, threshold: resolved.threshold ?? null };
}

/**
 * Prepares a dashboard: checks the options against the rows as `candor assess` would, builds the
 * manifest, chooses the rows sent to the page, and sets up the live model (exact TreeSHAP when it
 * is a tree model Candor reads, else KernelSHAP against a seeded background sample).
 */
export async function prepareDashboard(input: DashboardInput): Promise<Dashboard> {
  const { table, options, insights = null } = input;
  const seed = input.seed ?? options.seed ?? 0;
  const { task, positive, threshold } = resolveTargets(table, options, insights);
  const score = task === 'binary' && typeof options.score === 'string' ? options.score : null;
  const scoreColumns = [options.score ?? []].flat();
  const sensitive = [...new Set((options.sensitive ?? []).flat())];
  const roles = new Map<string, string>();
  for (const c of table.columns) if (c.role) roles.set(c.name, c.role);
  for (const s of sensitive) roles.set(s, 'sensitive');
  if (options.weight) roles.set(options.weight, 'weight');
  for (const s of scoreColumns) roles.set(s, 'score');
  for (const c of specColumns(table, options.pred)) roles.set(c, 'prediction');
  for (const c of specColumns(table, options.label)) roles.set(c, 'label');

  const notes: string[] = [];
  let live: LiveModel | null = null;
  if (input.model) {
    const { model } = input.model;
    // A model fed every column learns its inputs on its first call.
    if (model.inputs.length === 0 && table.rowCount > 0) await model.predict(table.take([0]));
    const explainer = table.rowCount > 0 ? await treeExplainerFor(model, table, { file: input.model.file, mappingInputs: input.model.mappingInputs }) : { tree: null, note: 'the data have no rows' };
    if (explainer.note) notes.push(`explanations use KernelSHAP: ${explainer.note}`);
    if (explainer.tree?.covers) notes.push(explainer.tree.covers);
    live = new LiveModel(model, table, explainer.tree, positive, input.model.name ?? model.name);
  }
  const features = live
    ? live.inputs()
    : table.columns.filter((c) => c.type !== 'list' && !['label', 'prediction', 'score', 'weight', 'id', 'ignore'].includes(roles.get(c.name) ?? 'feature')).map((c) => c.name);

  const maxRows = input.maxRows ?? Infinity;
  const sampled = table.rowCount > maxRows;
  const page = sampled ? table.take(sampleIndices(table.rowCount, maxRows, seed)) : table;
  const columns: ColumnInfo[] = table.columns.map((c) => ({ name: c.name, type: c.type, role: roles.get(c.name) ?? 'feature' }));
  const source = basename(input.source ?? 'data');
  const manifest = Manifest.parse({
    protocol: DASHBOARD_PROTOCOL_VERSION,
    version: VERSION,
    title: input.title ?? `Candor dashboard — ${source}`,
    source,
    rows: table.rowCount,
    sample: sampled ? { rows: page.rowCount, seed } : null,
    columns,
    task,
    label: options.label,
    positive,
    prediction: options.pred ?? null,
    score,
    threshold: score !== null ? (threshold ?? options.threshold ?? 0.5) : null,
    sensitive,
    features,
    options: embeddableOptions(options),
    model: live ? live.info() : null,
    insights,
    exported: false,
  });
  let data: Uint8Array | null = null;
  return {
    manifest,
    table,
    page,
    data: () => (data ??= encodeDataContainer(page)),
    live,
    notes,
    async close() {
      const release = (live?.model as { release?: () => Promise<void> } | undefined)?.release;
      if (typeof release === 'function') await release.call(live!.model);
    },
  };
}
