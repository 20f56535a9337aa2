import { userError } from '../../errors/index.js';

/** A run and, optionally, one of its models: `12`, `#12`, `release-1`, `release-1:v2`. */
export interface RunRef {
  run: string;
  model: string | null;
}

const NAME_MAX = 200;
const TAG_MAX = 100;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Checks a run name: not empty, at most 200 characters, no control characters, not a number
 * (`12`, `#12` — those are ids) and no `:` (it separates a run from a model in `RUN:MODEL`).
 */
export function checkRunName(name: string): string {
  const n = name.trim();
  if (n === '') throw userError('invalid_run_name', 'a run name cannot be empty');
  if (n.length > NAME_MAX) throw userError('invalid_run_name', `run name too long: ${n.length} characters (at most ${NAME_MAX})`, { name: n });
  if (/^#?\d+$/.test(n)) throw userError('invalid_run_name', `invalid run name: ${JSON.stringify(n)} (a number would read as a run id; add a letter, e.g. "v${n.replace('#', '')}")`, { name: n });
  if (n.includes(':') || CONTROL.test(n)) throw userError('invalid_run_name', `invalid run name: ${JSON.stringify(n)} (no ":" — it separates a run from a model, as in release-1:v2 — and no control characters)`, { name: n });
  return n;
}

/** Checks a tag: not empty, at most 100 characters, no comma (tags are given as comma lists) or control characters. */
export function checkTag(tag: string): string {
  const t = tag.trim();
  if (t === '') throw userError('invalid_tag', 'a tag cannot be empty');
  if (t.length > TAG_MAX) throw userError('invalid_tag', `tag too long: ${t.length} characters (at most ${TAG_MAX})`, { tag: t });
  if (t.includes(',') || CONTROL.test(t)) throw userError('invalid_tag', `invalid tag: ${JSON.stringify(t)} (no commas or control characters)`, { tag: t });
  return t;
}

/** Splits `RUN[:MODEL]`. */
export function parseRunRef(ref: string): RunRef {
  const i = ref.indexOf(':');
  return i < 0 ? { run: ref.trim(), model: null } : { run: ref.slice(0, i).trim(), model: ref.slice(i + 1) };
}

