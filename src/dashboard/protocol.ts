import { z } from 'zod';

/**
 * The dashboard's wire protocol, shared by the server (`candor serve`, src/server/) and the app
 * (dashboard/). The app computes everything that needs only the data — cohort metrics with
 * intervals, fairness, threshold sweeps, the error tree and heat map, the data explorer — in a Web
 * Worker with the same core code the CLI uses, from the columns `GET /api/data` sends once. The
 * server answers what needs the live model (what-if predictions, row explanations) or heavy
 * model calls (global explanations). The exported dashboard embeds the manifest and the data, so
 * it keeps every view that does not need the live model.
 *
 * Endpoints (all JSON unless said; errors are `ApiError` with a 4xx/5xx status):
 * - `GET  /api/manifest`     -> {@link Manifest}
 * - `GET  /api/data`         -> the table as a {@link DATA_MEDIA_TYPE} container (see `encodeDataContainer`)
 * - `POST /api/predict`      {@link PredictRequest}    -> {@link PredictResponse}      (needs a model)
 * - `POST /api/explain-row`  {@link ExplainRowRequest} -> {@link ExplainRowResponse}   (needs a model)
 * - `POST /api/explain`      {@link ExplainRequest}    -> {@link ExplainResponse}      (needs a model)
 * When the server binds a non-loopback address every request carries `Authorization: Bearer <token>`
 * (or `?token=` on the page URL, which the app then sends as the header).
 */
export const DASHBOARD_PROTOCOL_VERSION = 1;

/** Media type of `GET /api/data`: u32 little-endian header length, the JSON header, then column bytes. */
export const DATA_MEDIA_TYPE = 'application/vnd.candor.table';

export const ApiError = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});
export type ApiError = z.infer<typeof ApiError>;

export const ColumnInfo = z.object({
  name: z.string(),
  type: z.enum(['numeric', 'categorical', 'boolean', 'list']),
  role: z.string().optional(),
});
export type ColumnInfo = z.infer<typeof ColumnInfo>;

export const ModelInfo = z.object({
  name: z.string(),
  task: z.enum(['binary', 'multiclass', 'regression']),
  classes: z.array(z.string()),
  inputs: z.array(z.object({ name: z.string(), type: z.enum(['numeric', 'categorical']) })),
  /** Whether `/api/explain-row` uses exact TreeSHAP (tree models) or KernelSHAP. */
  explainer: z.enum(['treeshap', 'kernelshap']).nullable(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const Manifest = z.object({
  protocol: z.literal(DASHBOARD_PROTOCOL_VERSION),
  /** Candor's version. */
  version: z.string(),
  title: z.string(),
  /** The data file's name (never a full path). */
  source: z.string(),
  /** Rows in the source and rows sent to the page; a sample is seeded and said so. */
  rows: z.number(),
  sample: z.object({ rows: z.number(), seed: z.number() }).nullable(),
  columns: z.array(ColumnInfo),
  task: z.enum(['binary', 'multiclass', 'regression']),
  label: z.string(),
  positive: z.string().nullable(),
  /** Column holding the predicted label (for a live model: written by the server from its predictions). */
  prediction: z.string().nullable(),
  /** Column holding the positive class's score; enables the threshold slider and score metrics. */
  score: z.string().nullable(),
  threshold: z.number().nullable(),
  sensitive: z.array(z.string()),
  features: z.array(z.string()),
  /** The assess options the page recomputes with (same shape a report embeds). */
  options: z.record(z.string(), z.unknown()),
  model: ModelInfo.nullable(),
  /** Precomputed results (explanations, comparison, mitigations) when the server was given an insights.json or computed them. */
  insights: z.unknown().nullable(),
  /** True when the page was exported to a file: no server, no live model. */
  exported: z.boolean(),
});
export type Manifest = z.infer<typeof Manifest>;

/** A row as the user edits it: column -> value (null = missing). */
export const RowValues = z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]));
export type RowValues = z.infer<typeof RowValues>;

export const PredictRequest = z.object({ rows: z.array(RowValues).min(1).max(1000) });
export type PredictRequest = z.infer<typeof PredictRequest>;

export const RowPrediction = z.object({
  /** Predicted class (classification). */
  label: z.string().optional(),
  /** Class -> probability (classification, when the model gives them). */
  scores: z.record(z.string(), z.number()).optional(),
  /** Predicted value (regression). */
  value: z.number().optional(),
});
export type RowPrediction = z.infer<typeof RowPrediction>;

export const PredictResponse = z.object({ predictions: z.array(RowPrediction) });
export type PredictResponse = z.infer<typeof PredictResponse>;

export const ExplainRowRequest = z.object({
  row: RowValues,
  /** Class explained (default: the positive class / the predicted class). */
  class: z.string().optional(),
});
export type ExplainRowRequest = z.infer<typeof ExplainRowRequest>;

export const Contribution = z.object({ feature: z.string(), value: z.union([z.number(), z.string(), z.null()]), contribution: z.number() });
export type Contribution = z.infer<typeof Contribution>;

export const ExplainRowResponse = z.object({
  method: z.enum(['treeshap', 'kernelshap']),
  /** `raw`: log-odds for classifiers (as XGBoost's pred_contribs); `probability` otherwise. */
  output: z.enum(['raw', 'probability']),
  class: z.string().nullable(),
  base: z.number(),
  /** Every feature's contribution, largest |contribution| first; base + sum = the model's output. */
  contributions: z.array(Contribution),
  prediction: RowPrediction,
});
export type ExplainRowResponse = z.infer<typeof ExplainRowResponse>;

export const ExplainRequest = z.object({
  /** Named cohorts whose mean |SHAP| is shown side by side (the whole data is always included as "all"). */
  cohorts: z.array(z.object({ name: z.string().min(1).max(100), expression: z.string().max(2000) })).max(8).default([]),
  /** Rows explained (a seeded sample when fewer than the data); default chosen by the server. */
  rows: z.number().int().positive().max(1_000_000).optional(),
  seed: z.number().int().default(0),
});
export type ExplainRequest = z.infer<typeof ExplainRequest>;

export const ExplainResponse = z.object({
  method: z.enum(['treeshap', 'kernelshap']),
  output: z.enum(['raw', 'probability']),
  sample: z.object({ rows: z.number(), seed: z.number() }).nullable(),
  /** One entry per feature, sorted by the "all" importance: cohort name -> mean |SHAP|. */
  importance: z.array(z.object({ feature: z.string(), cohorts: z.record(z.string(), z.number()) })),
  /** Rows of each cohort among the explained rows. */
  counts: z.record(z.string(), z.number()),
});
export type ExplainResponse = z.infer<typeof ExplainResponse>;

/** Largest request body the server accepts, in bytes. */
export const MAX_BODY_BYTES = 1 << 20;

/**
 * Ids of the elements in which an exported dashboard file carries its data: the manifest as JSON in
 * `<script type="application/json" id=EXPORT_MANIFEST_ELEMENT_ID>` and the data container
 * (see `encodeDataContainer`) as base64 in `<script type="application/octet-stream" id=EXPORT_DATA_ELEMENT_ID>`.
 * Non-executable script types, so the page's CSP needs no hash for them.
 */
export const EXPORT_MANIFEST_ELEMENT_ID = 'candor-manifest';
export const EXPORT_DATA_ELEMENT_ID = 'candor-data';
