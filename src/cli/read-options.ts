import type { ReadOptions } from '../adapters/io/index.js';
import { userError } from '../errors/index.js';
import { numberOption, type OptionSpecs, type ParsedArgs } from './args.js';

/** The flags every command that reads a data file shares. */
export const READ_SPECS: OptionSpecs = {
  type: { type: 'string', multiple: true, value: 'COL=TYPE', help: 'override an inferred type: numeric, categorical or boolean' },
  columns: { type: 'string', value: 'A,B,…', help: 'column names for a file without a header' },
  header: { type: 'boolean', help: 'the first row is (--header) or is not (--no-header) a header (detected by default)' },
  'skip-rows': { type: 'string', value: 'N', help: 'skip N lines before the data (a preamble)' },
  delimiter: { type: 'string', value: 'C', help: 'field delimiter (detected by default; "\\t" for tabs)' },
  missing: { type: 'string', value: 'A,B,…', help: 'values read as missing (default: empty, NA, N/A, ?, null, NaN)' },
  trim: { type: 'boolean', help: 'trim spaces around values (default on; --no-trim keeps them)' },
};

/** A comma-separated list (or a list) as trimmed, non-empty items. */
export const list = (s: string | string[] | undefined) => (s === undefined ? undefined : (Array.isArray(s) ? s : s.split(',')).map((x) => x.trim()).filter((x) => x !== ''));

/** `NAME=VALUE` split at the first `=`; a user error naming the flag and the expected form otherwise. */
export function splitAssignment(text: string, flag: string, form: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw userError('invalid_option', `invalid --${flag} ${JSON.stringify(text)}: expected ${form}`, { option: flag });
  return [text.slice(0, eq).trim(), text.slice(eq + 1).trim()];
}

/** The read options of a config file's `read:` block, as `readOptionsFrom` merges them. */
export interface ReadConfig {
  delimiter?: string;
  header?: boolean;
  columns?: string | string[];
  skipRows?: number;
  trim?: boolean;
  missing?: string | string[];
  types?: Record<string, 'numeric' | 'categorical' | 'boolean'>;
}

/** Read options from the flags, over a config file's `read:` block. */
export function readOptionsFrom(v: ParsedArgs['values'], config: ReadConfig = {}): ReadOptions {
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const types: Record<string, 'numeric' | 'categorical' | 'boolean'> = { ...(config.types ?? {}) };
  for (const t of (v.type as string[] | undefined) ?? []) {
    const [col, type] = splitAssignment(t, 'type', 'COLUMN=numeric|categorical|boolean');
    if (type !== 'numeric' && type !== 'categorical' && type !== 'boolean') throw userError('invalid_option', `invalid --type ${t}: the type must be numeric, categorical or boolean`, { option: 'type' });
    types[col] = type;
  }
  const delimiter = str('delimiter') ?? config.delimiter;
  const missing = str('missing');
  return {
    delimiter: delimiter === '\\t' || delimiter === 'tab' ? '\t' : delimiter,
    header: typeof v.header === 'boolean' ? v.header : config.header,
    columns: list(str('columns') ?? config.columns),
    skipRows: numberOption(str('skip-rows'), 'skip-rows', { min: 0, integer: true }) ?? config.skipRows,
    trim: typeof v.trim === 'boolean' ? v.trim : config.trim,
    missing: missing !== undefined ? (missing.length === 0 ? [''] : list(missing)) : list(config.missing),
    types,
  };
}
