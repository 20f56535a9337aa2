import { didYouMean, userError } from '../errors/index.js';

/** One command-line option. */
export interface OptionSpec {
  /** `string` takes a value; `boolean` is a switch (`--no-NAME` turns it off). */
  type: 'string' | 'boolean';
  /** May be given more than once (values collected in order). */
  multiple?: boolean;
  /** One-line help. */
  help: string;
  /** Placeholder shown in help, e.g. `COL`. */
  value?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** Parsed arguments: positionals and option values keyed by option name. */
export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}

/**
 * Parses `argv` against `specs`: `--name value`, `--name=value`, `--flag`, `--no-flag`, `--` ends
 * options. Unknown options and missing values are user errors naming the closest option.
 */
export function parseArgs(argv: readonly string[], specs: OptionSpecs, command: string): ParsedArgs {
  const positionals: string[] = [];
  const values: ParsedArgs['values'] = {};
  const names = Object.keys(specs);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
        throw userError('unknown_option', `unknown option ${arg} for "candor ${command}" (options are written --name; see candor ${command} --help)`, { option: arg });
      }
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    let name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    let inline: string | undefined = eq >= 0 ? arg.slice(eq + 1) : undefined;
    let spec = specs[name];
    let negated = false;
    if (!spec && name.startsWith('no-') && specs[name.slice(3)]?.type === 'boolean') {
      name = name.slice(3);
      spec = specs[name];
      negated = true;
    }
    if (!spec) {
      throw userError('unknown_option', `unknown option --${name} for "candor ${command}"${didYouMean(name, names).replace(/"([^"]+)"/g, '--$1')}; see candor ${command} --help`, { option: name });
    }
    if (spec.type === 'boolean') {
      if (inline !== undefined) {
        if (!/^(true|false)$/i.test(inline)) throw userError('invalid_option', `--${name} is a switch: write --${name} or --no-${name}, not --${name}=${inline}`, { option: name });
        values[name] = /^true$/i.test(inline) !== negated;
      } else values[name] = !negated;
      continue;
    }
    if (inline === undefined) {
      if (i + 1 >= argv.length) throw userError('missing_value', `--${name} needs a value${spec.value ? ` (${spec.value})` : ''}`, { option: name });
      inline = argv[++i];
    }
    if (spec.multiple) {
      const prev = values[name];
      values[name] = [...(Array.isArray(prev) ? prev : []), inline];
    } else {
      if (values[name] !== undefined) throw userError('repeated_option', `--${name} was given twice ("${values[name]}" and "${inline}"); give it once`, { option: name });
      values[name] = inline;
    }
  }
  return { positionals, values };
}

/** Help text for a command's options, aligned. */
export function formatOptions(specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([name, s]) => [`--${name}${s.type === 'string' ? ` ${s.value ?? 'VALUE'}` : ''}${s.multiple ? ' ...' : ''}`, s.help]);
  const width = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`).join('\n');
}

/** A number option, validated. */
export function numberOption(raw: string | undefined, name: string, check?: { min?: number; max?: number; integer?: boolean }): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  const bad =
    raw.trim() === '' ||
    !Number.isFinite(v) ||
    (check?.integer && !Number.isInteger(v)) ||
    (check?.min !== undefined && v < check.min) ||
    (check?.max !== undefined && v > check.max);
  if (bad) {
    const range = check?.min !== undefined || check?.max !== undefined ? ` (expected ${check?.integer ? 'a whole number ' : ''}${check?.min ?? '…'}..${check?.max ?? '…'})` : check?.integer ? ' (expected a whole number)' : ' (expected a number)';
    throw userError('invalid_option', `invalid --${name}: ${JSON.stringify(raw)}${range}`, { option: name, value: raw });
  }
  return v;
}
