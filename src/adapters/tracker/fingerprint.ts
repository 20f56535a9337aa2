/**
 * Fingerprints of a run's inputs, so the tracker can tell whether two runs saw the same data and
 * the same model. All are SHA-256, lowercase hex.
 *
 * - A data file: the hash of its bytes, streamed (about as fast as the disk reads; no parsing), so
 *   it equals `sha256sum FILE`. Hashing bytes rather than the parsed table means a re-encoded or
 *   re-ordered copy of the same rows counts as different data — the safe direction for a tracker.
 * - Several data files: the hash of their hashes, one per line, in the order given.
 * - A model file: the hash of its bytes. A model at a URL: the hash of `url\n` + the URL (the
 *   endpoint's model cannot be read; the same URL serving a new model looks the same).
 * - A model given as prediction columns: the hash of `columns\n` + the prediction + `\n` + the score
 *   column (or empty) + `\n` + the data fingerprint — the predictions are part of the data.
 * - A run with several models: the hash of `name=fingerprint` lines in the order given; with one
 *   model, that model's fingerprint.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { userError } from '../../errors/index.js';

/** One input of a run, as stored in `run_inputs`. */
export interface RunInput {
  role: 'data' | 'model';
  /** The model's name in a compare run; `""` otherwise. */
  name: string;
  /** The path, URL or column expression. */
  source: string;
  kind: 'file' | 'url' | 'column';
  fingerprint: string;
  /** The file's size; null for a URL or columns. */
  bytes: number | null;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Streams a file through SHA-256. */
export async function hashFile(path: string): Promise<{ fingerprint: string; bytes: number }> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw userError('file_not_found', `cannot fingerprint ${path}: no such file`, { path });
  }
  if (!info.isFile()) throw userError('not_a_file', `cannot fingerprint ${path}: not a file`, { path });
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { fingerprint: hash.digest('hex'), bytes };
}

/** Combines several fingerprints into one; a single fingerprint is returned as it is. */
export function combineFingerprints(lines: readonly string[]): string | null {
  if (lines.length === 0) return null;
  return lines.length === 1 ? lines[0] : sha256(lines.join('\n'));
}

/** Fingerprints the data files of a run. */
export async function fingerprintData(paths: readonly string[]): Promise<{ fingerprint: string | null; inputs: RunInput[] }> {
  const inputs: RunInput[] = [];
  for (const path of paths) {
    const { fingerprint, bytes } = await hashFile(path);
    inputs.push({ role: 'data', name: '', source: path, kind: 'file', fingerprint, bytes });
  }
  return { fingerprint: combineFingerprints(inputs.map((i) => i.fingerprint)), inputs };
}

/** A model to fingerprint: a file or URL, or the prediction (and score) columns of the data. */
export type ModelSource = { name: string; path: string } | { name: string; pred: string; score?: string | null };

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/** Fingerprints the models of a run (see the module comment); `data` is the data fingerprint. */
export async function fingerprintModels(models: readonly ModelSource[], data: string | null): Promise<{ fingerprint: string | null; inputs: RunInput[] }> {
  const inputs: RunInput[] = [];
  for (const m of models) {
    if ('path' in m) {
      if (isUrl(m.path)) inputs.push({ role: 'model', name: m.name, source: m.path, kind: 'url', fingerprint: sha256(`url\n${m.path}`), bytes: null });
      else {
        const { fingerprint, bytes } = await hashFile(m.path);
        inputs.push({ role: 'model', name: m.name, source: m.path, kind: 'file', fingerprint, bytes });
      }
    } else {
      const source = m.score ? `${m.pred}; score ${m.score}` : m.pred;
      inputs.push({ role: 'model', name: m.name, source, kind: 'column', fingerprint: sha256(`columns\n${m.pred}\n${m.score ?? ''}\n${data ?? ''}`), bytes: null });
    }
  }
  const fingerprint = inputs.length <= 1 ? (inputs[0]?.fingerprint ?? null) : sha256(inputs.map((i) => `${i.name}=${i.fingerprint}`).join('\n'));
  return { fingerprint, inputs };
}
