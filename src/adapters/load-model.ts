import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { userError } from '../errors/index.js';
import type { Model } from '../model/index.js';
import { parseXgboostModel } from '../model/index.js';
import { perCohortModel } from '../mitigate/data/per-cohort-model.js';

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** Columns fed to a model that takes one feature tensor, in order. */
  features?: readonly string[];
  /** Columns never fed to such a model (label, ids, sensitive attributes). */
  exclude?: readonly string[];
  /** ONNX only: a JSON file (or object) naming inputs, outputs and classes the model's metadata leaves open. */
  mapping?: string;
  /** Task of an HTTP model whose metadata does not say. */
  task?: Model['task'];
}

/**
 * A model from where it lives: an `http(s)://` URL (Open Inference Protocol v2 or plain JSON), an
 * `.onnx` file (onnxruntime-node) or an XGBoost `.json` model (evaluated natively).
 */
export async function loadModel(spec: string, options: LoadModelOptions = {}): Promise<Model> {
  if (/^https?:\/\//i.test(spec)) {
    const { httpModel } = await import('./http-model.js');
    return httpModel(spec, { features: options.features ? [...options.features] : undefined, task: options.task });
  }
  if (/\.onnx$/i.test(spec)) {
    const { loadOnnxModel } = await import('./onnx.js');
    return loadOnnxModel(spec, { features: options.features, exclude: options.exclude, mapping: options.mapping });
  }
  if (/\.json$/i.test(spec)) {
    let text: string;
    try {
      text = await readFile(spec, 'utf8');
    } catch {
      throw userError('file_not_found', `model file not found: ${spec} (looked in ${resolve(spec)})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw userError('invalid_model', `${spec} is not valid JSON: ${(e as Error).message}`);
    }
    if (json && typeof json === 'object' && (json as { format?: unknown }).format === 'candor-per-cohort-model') return loadPerCohortManifest(spec, json as Record<string, unknown>, options);
    if (json && typeof json === 'object' && 'learner' in json) return parseXgboostModel(json, { features: options.features ? [...options.features] : undefined, name: spec });
    throw userError('invalid_model', `${spec} is not a model Candor reads: expected an XGBoost JSON model (save_model("model.json")) or a per-cohort manifest (candor mitigate cohort-model); ONNX files end in .onnx`);
  }
  throw userError('invalid_model', `cannot tell what kind of model ${JSON.stringify(spec)} is: pass an .onnx file, an XGBoost .json model or an http(s):// URL`);
}

/**
 * A per-cohort manifest (written by `candor mitigate cohort-model`): `parts` of `{ cohort, model }`
 * and a `fallback` model, paths relative to the manifest, combined by {@link perCohortModel}.
 */
async function loadPerCohortManifest(spec: string, json: Record<string, unknown>, options: LoadModelOptions): Promise<Model> {
  const parts = json.parts;
  const valid = Array.isArray(parts) && parts.every((p) => p && typeof p === 'object' && typeof p.cohort === 'string' && typeof p.model === 'string') && typeof json.fallback === 'string';
  if (!valid) throw userError('invalid_model', `${spec} is not a valid per-cohort manifest: expected "parts": [{ "cohort": EXPR, "model": FILE }] and "fallback": FILE`);
  const at = (file: string) => (/^https?:\/\//i.test(file) ? file : resolve(dirname(spec), file));
  const loaded = [];
  for (const p of parts as { cohort: string; model: string }[]) loaded.push({ cohort: p.cohort, model: await loadModel(at(p.model), options) });
  return perCohortModel(loaded, await loadModel(at(json.fallback as string), options), { name: spec });
}
