import type { z } from 'zod';
import { ApiError, ExplainResponse, ExplainRowResponse, PredictResponse, type ExplainRequest, type ExplainRowRequest, type PredictRequest } from '../../src/dashboard/protocol.js';

let token: string | null = null;

/** The bearer token every API request carries (from the page URL's `?token=`). */
export function setToken(value: string | null): void {
  token = value;
}

/** An API call that failed, with the server's message. */
export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function post<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
  } catch (e) {
    throw new ApiFailure(`The server did not answer (${e instanceof Error ? e.message : String(e)}); is candor serve still running?`, 0);
  }
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const err = ApiError.safeParse(json);
    throw new ApiFailure(err.success ? err.data.error.message : `HTTP ${response.status} ${response.statusText}`, response.status);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiFailure(`The server's answer to ${path} is not what this page expects: ${parsed.error.issues[0]?.message}`, response.status);
  return parsed.data;
}

/** Predictions of the live model for edited rows. */
export const predict = (request: PredictRequest) => post('/api/predict', request, PredictResponse);
/** One row's SHAP explanation from the live model. */
export const explainRow = (request: ExplainRowRequest) => post('/api/explain-row', request, ExplainRowResponse);
/** Mean |SHAP| per feature, overall and per cohort. */
export const explain = (request: Partial<ExplainRequest>) => post('/api/explain', request, ExplainResponse);
