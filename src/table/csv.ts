import { didYouMean, userError } from '../errors/index.js';
import { type Column, type ColumnType, MISSING_BOOL, MISSING_CODE } from './column.js';
import { Table } from './table.js';

/** A storage type the user can force on a column instead of the inferred one. */
export type DeclaredType = 'numeric' | 'categorical' | 'boolean';

/** The text read as missing by default (compared after trimming when `trim` is on). */
export const DEFAULT_MISSING: readonly string[] = ['', 'NA', 'N/A', '?', 'null', 'NULL', 'NaN'];

/** The delimiters tried, in order of preference, when none is given. */
export const DELIMITER_CANDIDATES: readonly string[] = [',', '\t', ';', '|'];

/**
 * How to read delimited text. Every option is optional; the defaults read the common cases
 * (RFC 4180 CSV, TSV, UCI-style `value, value` files) without configuration.
 */
export interface CsvOptions {
  /** Name of the input in messages and the report (`data.csv line 17: …`). Defaults to `'input'`. */
  source?: string;
  /**
   * The field delimiter, one character. Defaults to auto-detection among `,` `\t` `;` `|`: the
   * candidate that splits the first records (quotes honoured) into the most consistent number of
   * fields, more than one. A space is never detected but may be given (UCI's german.data); with
   * `trim` on, runs of spaces then count as one delimiter.
   */
  delimiter?: string;
  /**
   * Whether the first record is a header. Defaults to auto-detection: a header when every cell of
   * the first record is text (not a number, not a missing marker; empty cells allowed, as in the
   * unnamed index column pandas writes) and either some column holds numbers below it or none of
   * its cells reappears in its column.
   */
  header?: boolean;
  /**
   * Column names, for a file without a header (their count must equal the number of fields). When
   * the file does have a header, these names replace it. Defaults to the header, or
   * `column_1`, `column_2`, … when there is none.
   */
  columns?: readonly string[];
  /** Read only these columns, in this order (the others are skipped while parsing). Defaults to all. */
  select?: readonly string[];
  /**
   * Lines to skip before the data (a preamble such as the `|1x3 Cross validator` line that opens
   * UCI's adult.test). Physical lines, not records. Defaults to 0.
   */
  skipRows?: number;
  /**
   * Field values read as missing, compared with the field after trimming (when `trim` is on) and
   * after unquoting. Defaults to {@link DEFAULT_MISSING}: `''`, `NA`, `N/A`, `?`, `null`, `NULL`,
   * `NaN`. Pass `[]` to read every value as data.
   */
  missing?: readonly string[];
  /**
   * Trim spaces and tabs around unquoted values (and around quoted ones, outside the quotes).
   * Defaults to true, because many files put a space after each delimiter (UCI's adult.data has
   * `39, State-gov, 77516`); with `trim: false` those values keep their leading space and
   * ` 77516` is text, not a number.
   */
  trim?: boolean;
  /**
   * Force a column's type instead of inferring it: `numeric` (a value that is not a number is an
   * error naming the line), `categorical` (keep `007` as text) or `boolean` (true/false, t/f,
   * yes/no, y/n, 1/0, any case). Keys are column names after renaming.
   */
  types?: Readonly<Record<string, DeclaredType>>;
}

/** What a load found out about one column. */
export interface ColumnLoadInfo {
  name: string;
  type: ColumnType;
  /** Where the type came from: inferred from the values, declared in `types`, or the file's own type. */
  typeFrom: 'inferred' | 'declared' | 'source';
  /** Rows where the value is missing. */
  missing: number;
  /** The type in the source file (Parquet/JSON/Arrow), e.g. `INTEGER`, `VARCHAR`. */
  sourceType?: string;
}

/** Codes of {@link LoadIssue}s. */
export type LoadIssueCode =
  | 'duplicate_column'
  | 'empty_column_name'
  | 'blank_lines'
  | 'mostly_numeric'
  | 'all_missing'
  | 'no_rows'
  | 'precision_loss'
  | 'malformed_quote'
  | 'reformatted_numbers'
  | 'converted_to_text'
  | 'encoding_fallback';

/**
 * A non-fatal problem found while loading, as data. {@link formatLoadIssue} renders it in words.
 */
export interface LoadIssue {
  code: LoadIssueCode;
  /** The column concerned (its final name). */
  column?: string;
  /** The first line (1-based, physical) where the problem shows. */
  line?: number;
  /** How many rows, lines or values are affected. */
  count?: number;
  /** Example values (at most 5). */
  values?: string[];
  /** A code-specific detail: the new name, the source type, the encoding used. */
  detail?: string;
}

/** What was read, skipped, inferred and found wrong. Plain JSON. */
export interface LoadReport {
  /** The file or input name. */
  source: string;
  format: 'csv' | 'parquet' | 'json' | 'arrow';
  /** Data rows in the table. */
  rowsRead: number;
  /** Lines skipped: the `skipRows` preamble and blank lines (the header is not counted). */
  rowsSkipped: number;
  /** The delimiter used (text formats). */
  delimiter?: string;
  /** Whether the first record was read as a header (text formats). */
  header?: boolean;
  columns: ColumnLoadInfo[];
  issues: LoadIssue[];
}

/** A table and the report on how it was read. */
export interface LoadResult {
  table: Table;
  report: LoadReport;
}

/** One issue in words, e.g. `column "age": 3 values are not numbers …`. */
export function formatLoadIssue(issue: LoadIssue): string {
  const col = issue.column === undefined ? '' : `column ${JSON.stringify(issue.column)}: `;
  const at = issue.line === undefined ? '' : ` (line ${issue.line})`;
  const vals = (issue.values ?? []).map((v) => JSON.stringify(v)).join(', ');
  switch (issue.code) {
    case 'duplicate_column':
      return `${col}duplicate column name, renamed to ${JSON.stringify(issue.detail)}`;
    case 'empty_column_name':
      return `header cell ${issue.count} is empty; the column is named ${JSON.stringify(issue.detail)}`;
    case 'blank_lines':
      return `${issue.count} blank line${issue.count === 1 ? '' : 's'} between rows skipped${at}`;
    case 'mostly_numeric':
      return `${col}read as categorical because ${issue.count} value${issue.count === 1 ? ' is' : 's are'} not numbers (${vals})${at}; add them to the missing values or declare the column numeric`;
    case 'all_missing':
      return `${col}every value is missing`;
    case 'no_rows':
      return 'the file has no data rows';
    case 'precision_loss':
      return `${col}${issue.count} integer${issue.count === 1 ? '' : 's'} beyond 2^53 lost precision as numbers (e.g. ${vals})${at}; declare the column categorical to keep them exact`;
    case 'malformed_quote':
      return `${issue.count} field${issue.count === 1 ? '' : 's'} had text after a closing quote, kept as part of the value${at}`;
    case 'reformatted_numbers':
      return `${col}some values were read as numbers before the column turned out to be text; their text may differ from the file (e.g. 1.50 became 1.5); declare the column categorical to keep it exact`;
    case 'converted_to_text':
      return `${col}${issue.detail} values read as text (categorical)`;
    case 'encoding_fallback':
      return `the file is not valid UTF-8; read as ${issue.detail}`;
  }
}

const DEFAULT_SOURCE = 'input';
const SAMPLE_CHARS = 1 << 16;
const MAX_SAMPLE_CHARS = 1 << 24;
const SAMPLE_RECORDS = 50;
const MAX_EXCEPTIONS = 1 << 16;
const NUMERIC = 0;
const TEXT = 1;
const SKIP = 2;
const NUMBER_RE = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const INTEGER_RE = /^[-+]?\d+$/;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

/**
 * A copy of `s` that does not point into the chunk it was sliced from, so a dictionary entry does not
 * keep a whole chunk of the file alive (V8 slices of 13+ characters share their parent).
 */
function flatCopy(s: string): string {
  return (' ' + s).slice(1);
}

/** True when `text` is a finite number in plain decimal or exponent notation (no hex, no spaces). */
export function isNumberText(text: string): boolean {
  return NUMBER_RE.test(text) && Number.isFinite(Number(text));
}

interface Shared {
  source: string;
  missing: Set<string>;
  maxMissingLength: number;
  emptyIsMissing: boolean;
  /** Some missing marker looks like a number, so numbers must be checked against the markers. */
  numericMarkers: boolean;
}

const ABSENT = -2;

/**
 * Text values to codes without making a string per field: an open-addressing table hashed (FNV-1a)
 * over the characters in place, compared character by character. Missing markers sit in the same
 * table with the code -1, so one probe answers both questions.
 */
class TextIndex {
  private slots = new Int32Array(256);
  private hashes = new Int32Array(256);
  private readonly keys: string[] = [];
  private readonly codes: number[] = [];
  /** The hash computed by the last {@link find}, for the {@link insert} that may follow. */
  lastHash = 0;

  constructor(missing: Iterable<string>) {
    for (const m of missing) {
      if (this.find(m, 0, m.length) === ABSENT) this.insert(m, MISSING_CODE);
    }
  }

  /** The code of `text[s, e)`, or ABSENT. */
  find(text: string, s: number, e: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = s; i < e; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    this.lastHash = h;
    const slots = this.slots;
    const mask = slots.length - 1;
    const len = e - s;
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const entry = slots[k];
      if (entry === 0) return ABSENT;
      if (this.hashes[k] !== h) continue;
      const key = this.keys[entry - 1];
      if (key.length !== len) continue;
      let i = 0;
      while (i < len && key.charCodeAt(i) === text.charCodeAt(s + i)) i++;
      if (i === len) return this.codes[entry - 1];
    }
  }

  /** Adds `key` (just looked up with {@link find}) with `code`. */
  insert(key: string, code: number): void {
    this.keys.push(key);
    this.codes.push(code);
    if (this.keys.length * 2 > this.slots.length) this.grow();
    else this.place(this.keys.length, this.lastHash);
  }

  private place(entry: number, h: number): void {
    const mask = this.slots.length - 1;
    let k = h & mask;
    while (this.slots[k] !== 0) k = (k + 1) & mask;
    this.slots[k] = entry;
    this.hashes[k] = h;
  }

  private grow(): void {
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    this.slots = new Int32Array(oldSlots.length * 2);
    this.hashes = new Int32Array(oldSlots.length * 2);
    for (let k = 0; k < oldSlots.length; k++) if (oldSlots[k] !== 0) this.place(oldSlots[k], oldHashes[k]);
    this.place(this.keys.length, this.lastHash);
  }
}

/** Builds one column while the rows stream by: numbers while every value is one, then text codes. */
class ColumnBuilder {
  mode: number;
  length = 0;
  values = new Float64Array(1024);
  codes = new Int32Array(0);
  /** Text values by code (text mode), with the line of each one's first occurrence (0 if unknown). */
  keys: string[] = [];
  keyLines: number[] = [];
  index: TextIndex | null = null;
  /**
   * Rows (ascending) and file text of numbers JS would print differently (`1.50`, `007`), to rebuild
   * the exact text if the column turns out to be text. Null once too many or when not needed.
   */
  exRows: Int32Array | null = new Int32Array(64);
  exText: string[] = [];
  lossy = false;
  switchLine = 0;
  precisionCount = 0;
  precisionLine = 0;
  precisionValue = '';

  constructor(
    readonly name: string,
    readonly declared: DeclaredType | undefined,
    skip: boolean,
    readonly shared: Shared,
  ) {
    this.mode = skip ? SKIP : declared === undefined || declared === 'numeric' ? NUMERIC : TEXT;
    if (declared !== undefined) this.exRows = null;
    if (this.mode === TEXT) {
      this.values = new Float64Array(0);
      this.codes = new Int32Array(1024);
      this.index = new TextIndex(shared.missing);
    }
  }

  /** Adds the unquoted field `text[s, e)` (already trimmed). */
  addRaw(text: string, s: number, e: number, line: number): void {
    const mode = this.mode;
    if (mode === NUMERIC) {
      if (s === e) {
        if (this.shared.emptyIsMissing) this.pushNumber(NaN);
        else this.addNumberText('', line);
        return;
      }
      if (!this.shared.numericMarkers) {
        // Numbers are recognised without a regex or a substring: [+-]digits[.digits][e[+-]digits].
        // Up to 15 significant digits without exponent, mantissa / 10^k is correctly rounded
        // (mantissa < 2^53, k <= 22: Clinger's fast path); other forms go through Number().
        let i = s;
        let c = text.charCodeAt(i);
        const sign = c === 45 || c === 43;
        if (sign) i++;
        const intStart = i;
        let mant = 0;
        while (i < e) {
          c = text.charCodeAt(i) - 48;
          if (c < 0 || c > 9) break;
          mant = mant * 10 + c;
          i++;
        }
        const intDigits = i - intStart;
        let fracDigits = 0;
        let dot = false;
        if (i < e && text.charCodeAt(i) === 46) {
          dot = true;
          i++;
          const fracStart = i;
          while (i < e) {
            c = text.charCodeAt(i) - 48;
            if (c < 0 || c > 9) break;
            mant = mant * 10 + c;
            i++;
          }
          fracDigits = i - fracStart;
        }
        const digits = intDigits + fracDigits;
        let exponent = false;
        if (i < e && digits > 0 && (text.charCodeAt(i) | 32) === 101) {
          let k = i + 1;
          c = text.charCodeAt(k);
          if (c === 43 || c === 45) k++;
          const expStart = k;
          while (k < e && (c = text.charCodeAt(k) - 48) >= 0 && c <= 9) k++;
          if (k > expStart) {
            exponent = true;
            i = k;
          }
        }
        if (i === e && digits > 0) {
          const neg = sign && text.charCodeAt(s) === 45;
          if (digits <= 15 && !exponent && (!sign || neg)) {
            let v = fracDigits === 0 ? mant : mant / POW10[fracDigits];
            if (neg) v = -v;
            this.pushNumber(v);
            // The file's text is String(v) unless it has a form JS would print differently.
            if (
              this.exRows !== null &&
              (intDigits === 0 ||
                (intDigits > 1 && text.charCodeAt(intStart) === 48) ||
                (dot && (fracDigits === 0 || text.charCodeAt(e - 1) === 48 || Math.abs(v) < 1e-6)) ||
                (neg && v === 0))
            ) {
              this.recordException(text.slice(s, e));
            }
            return;
          }
          const str = text.slice(s, e);
          const v = Number(str);
          if (v - v === 0) {
            this.pushNumber(v);
            // Whether String(v) gives back this text is costly to check; keep the text instead.
            this.recordException(str);
            if (!dot && !exponent && digits > 15) this.checkPrecision(v, str, line);
            return;
          }
        }
      }
      this.addNumberText(text.slice(s, e), line);
    } else if (mode === TEXT) {
      const index = this.index!;
      let code = index.find(text, s, e);
      if (code === ABSENT) code = this.newKey(text.slice(s, e), line);
      this.pushCode(code);
    }
  }

  /** Adds a field given as a string (a quoted field, unescaped). */
  addString(value: string, line: number): void {
    if (this.mode === NUMERIC) this.addNumberText(value, line);
    else if (this.mode === TEXT) this.addText(value, line);
  }

  private pushNumber(v: number): void {
    if (this.length === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.length++] = v;
  }

  private recordException(text: string): void {
    let rows = this.exRows;
    if (rows === null) return;
    const k = this.exText.length;
    if (k >= MAX_EXCEPTIONS) {
      this.lossy = true;
      this.exRows = null;
      this.exText = [];
      return;
    }
    if (k === rows.length) {
      const next = new Int32Array(k * 2);
      next.set(rows);
      this.exRows = rows = next;
    }
    rows[k] = this.length - 1;
    // A slice shares its chunk; MAX_EXCEPTIONS bounds what that keeps alive.
    this.exText.push(text);
  }

  /** Drops the rows from `rows` on (a record cut off at the end of a chunk, parsed again later). */
  truncate(rows: number): void {
    this.length = rows;
    const ex = this.exRows;
    if (ex !== null) while (this.exText.length > 0 && ex[this.exText.length - 1] >= rows) this.exText.pop();
  }

  private addNumberText(str: string, line: number): void {
    const shared = this.shared;
    if (str.length <= shared.maxMissingLength && shared.missing.has(str)) {
      this.pushNumber(NaN);
      return;
    }
    if (NUMBER_RE.test(str)) {
      const v = Number(str);
      if (Number.isFinite(v)) {
        this.pushNumber(v);
        if (String(v) !== str) this.recordException(str);
        if (INTEGER_RE.test(str)) this.checkPrecision(v, str, line);
        return;
      }
    }
    if (this.declared === 'numeric') {
      throw userError(
        'not_numeric',
        `${shared.source} line ${line}: column ${JSON.stringify(this.name)} is declared numeric but has the value ${JSON.stringify(str)} (add it to the missing values, or declare the column categorical)`,
        { column: this.name, line, value: str },
      );
    }
    this.switchToText(line);
    this.addText(str, line);
  }

  /** Integers beyond 2^53 (long identifiers) that a float64 cannot hold exactly. */
  private checkPrecision(v: number, str: string, line: number): void {
    if (Math.abs(v) > Number.MAX_SAFE_INTEGER && BigInt(str) !== BigInt(v) && this.precisionCount++ === 0) {
      this.precisionLine = line;
      this.precisionValue = str;
    }
  }

  private addText(str: string, line: number): void {
    let code = this.index!.find(str, 0, str.length);
    if (code === ABSENT) code = this.newKey(str, line);
    this.pushCode(code);
  }

  /** A new dictionary entry (after a failed find, whose hash it reuses). */
  private newKey(str: string, line: number): number {
    const code = this.keys.length;
    const key = str.length > 12 ? flatCopy(str) : str;
    this.keys.push(key);
    this.keyLines.push(line);
    this.index!.insert(key, code);
    return code;
  }

  private pushCode(code: number): void {
    if (this.length === this.codes.length) {
      const next = new Int32Array(this.codes.length * 2);
      next.set(this.codes);
      this.codes = next;
    }
    this.codes[this.length++] = code;
  }

  /** From numbers to text: the rows so far become codes of their text (exact unless `lossy`). */
  private switchToText(line: number): void {
    const n = this.length;
    const codes = new Int32Array(Math.max(1024, this.values.length));
    const index = new TextIndex(this.shared.missing);
    this.index = index;
    const exRows = this.exRows;
    const exText = this.exText;
    let next = 0;
    const values = this.values;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v !== v) {
        codes[i] = MISSING_CODE;
        continue;
      }
      let str: string;
      if (exRows !== null && next < exText.length && exRows[next] === i) str = exText[next++];
      else str = String(v);
      let code = index.find(str, 0, str.length);
      if (code === ABSENT) code = this.newKey(str, 0);
      codes[i] = code;
    }
    this.codes = codes;
    this.values = new Float64Array(0);
    this.exRows = null;
    this.exText = [];
    this.mode = TEXT;
    this.switchLine = line;
    this.precisionCount = 0;
  }

  /** The finished column, and the issues it raises. */
  build(issues: LoadIssue[]): { column: Column; missing: number } {
    const n = this.length;
    if (this.mode === NUMERIC) {
      const values = this.values.length === n ? this.values : this.values.slice(0, n);
      let missing = 0;
      for (let i = 0; i < n; i++) if (values[i] !== values[i]) missing++;
      if (this.precisionCount > 0) {
        issues.push({ code: 'precision_loss', column: this.name, line: this.precisionLine, count: this.precisionCount, values: [this.precisionValue] });
      }
      return { column: { type: 'numeric', name: this.name, values }, missing };
    }
    const codes = this.codes;
    const keys = this.keys;
    const counts = new Float64Array(keys.length);
    let missing = 0;
    for (let i = 0; i < n; i++) {
      const c = codes[i];
      if (c < 0) missing++;
      else counts[c]++;
    }
    if (this.lossy) issues.push({ code: 'reformatted_numbers', column: this.name, line: this.switchLine });

    const lower = keys.map((k) => k.toLowerCase());
    const isBool =
      this.declared === 'boolean' ||
      (this.declared === undefined && keys.length > 0 && lower.every((k) => k === 'true' || k === 'false'));
    if (isBool) {
      const map = new Uint8Array(keys.length);
      for (let k = 0; k < keys.length; k++) {
        if (TRUE_WORDS.has(lower[k])) map[k] = 1;
        else if (FALSE_WORDS.has(lower[k])) map[k] = 0;
        else {
          throw userError(
            'not_boolean',
            `${this.shared.source} line ${this.keyLines[k]}: column ${JSON.stringify(this.name)} is declared boolean but has the value ${JSON.stringify(keys[k])} (expected true/false, yes/no, 1/0)`,
            { column: this.name, line: this.keyLines[k], value: keys[k] },
          );
        }
      }
      const values = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const c = codes[i];
        values[i] = c < 0 ? MISSING_BOOL : map[c];
      }
      return { column: { type: 'boolean', name: this.name, values }, missing };
    }

    if (this.declared === undefined && this.switchLine > 0) this.checkMostlyNumeric(keys, counts, n - missing, issues);
    // Sorted dictionaries give the same codes whatever the source format or row order.
    const order = keys.map((_, k) => k).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
    const remap = new Int32Array(keys.length);
    const dictionary = new Array<string>(keys.length);
    for (let r = 0; r < order.length; r++) {
      remap[order[r]] = r;
      dictionary[r] = keys[order[r]];
    }
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = codes[i];
      out[i] = c < 0 ? MISSING_CODE : remap[c];
    }
    return { column: { type: 'categorical', name: this.name, codes: out, dictionary }, missing };
  }

  /** A text column whose values are nearly all numbers probably has unlisted missing markers. */
  private checkMostlyNumeric(keys: string[], counts: Float64Array, present: number, issues: LoadIssue[]): void {
    let numericRows = 0;
    const others: number[] = [];
    for (let k = 0; k < keys.length; k++) {
      if (isNumberText(keys[k])) numericRows += counts[k];
      else others.push(k);
    }
    if (present === 0 || numericRows < 0.9 * present || others.length > 10) return;
    let count = 0;
    for (const k of others) count += counts[k];
    issues.push({ code: 'mostly_numeric', column: this.name, line: this.switchLine, count, values: others.slice(0, 5).map((k) => keys[k]) });
  }
}

/** A record split into fields (for detection on a sample), with where it ends. */
interface SampleRecord {
  fields: string[];
  line: number;
  end: number;
  endLine: number;
}

/**
 * Splits `text` from `pos` into at most `max` complete records with `delimiter`, quotes honoured,
 * blank lines skipped. Used on the first lines only (delimiter and header detection).
 */
function sampleRecords(
  text: string,
  pos: number,
  line: number,
  delimiter: number,
  trim: boolean,
  max: number,
  final: boolean,
): { records: SampleRecord[]; unterminatedLine: number } {
  const out: SampleRecord[] = [];
  let unterminatedLine = 0;
  const n = text.length;
  while (pos < n && out.length < max) {
    let p = pos;
    let c = 0;
    if (trim) while (p < n && ((c = text.charCodeAt(p)) === 32 || c === 9) && c !== delimiter) p++;
    c = p < n ? text.charCodeAt(p) : -1;
    if (c === 10 || c === 13) {
      pos = p + (c === 13 && p + 1 < n && text.charCodeAt(p + 1) === 10 ? 2 : 1);
      line++;
      continue;
    }
    if (c === -1) break;
    const startLine = line;
    const fields: string[] = [];
    let complete = false;
    for (;;) {
      let s = pos;
      if (trim) while (s < n && ((c = text.charCodeAt(s)) === 32 || c === 9) && c !== delimiter) s++;
      if (s < n && text.charCodeAt(s) === 34) {
        let q = s + 1;
        let close = -1;
        for (;;) {
          const k = text.indexOf('"', q);
          if (k < 0 || k + 1 >= n) {
            close = k >= 0 && final ? k : -1;
            break;
          }
          if (text.charCodeAt(k + 1) === 34) q = k + 2;
          else {
            close = k;
            break;
          }
        }
        if (close < 0) {
          if (final) unterminatedLine = lineOf(text, pos, line, s);
          break;
        }
        const value = text.slice(s + 1, close).replaceAll('""', '"');
        for (let k = value.indexOf('\n'); k >= 0; k = value.indexOf('\n', k + 1)) line++;
        let e = close + 1;
        while (e < n && (c = text.charCodeAt(e)) !== delimiter && c !== 10 && c !== 13) e++;
        fields.push(value + (trim ? text.slice(close + 1, e).trim() : text.slice(close + 1, e)));
        pos = e;
      } else {
        let e = s;
        while (e < n && (c = text.charCodeAt(e)) !== delimiter && c !== 10 && c !== 13) e++;
        if (e >= n && !final) break;
        let fe = e;
        if (trim) while (fe > s && ((c = text.charCodeAt(fe - 1)) === 32 || c === 9)) fe--;
        fields.push(text.slice(s, fe));
        pos = e;
      }
      if (pos >= n) {
        complete = final;
        break;
      }
      c = text.charCodeAt(pos);
      if (c === delimiter) {
        pos++;
        continue;
      }
      if (c === 13 && pos + 1 >= n && !final) break;
      pos += c === 13 && pos + 1 < n && text.charCodeAt(pos + 1) === 10 ? 2 : 1;
      line++;
      complete = true;
      break;
    }
    if (!complete) break;
    out.push({ fields, line: startLine, end: pos, endLine: line });
  }
  return { records: out, unterminatedLine };
}

/** The line of position `at`, counting line feeds from `from` (which is on line `line`). */
function lineOf(text: string, from: number, line: number, at: number): number {
  for (let k = text.indexOf('\n', from); k >= 0 && k < at; k = text.indexOf('\n', k + 1)) line++;
  return line;
}

function unterminatedQuote(source: string, line: number): Error {
  return userError('unterminated_quote', `${source} line ${line}: a quoted field opened here is never closed (a stray " in a value? double it as "" inside quotes)`, {
    line,
    source,
  });
}

/** The delimiter that splits the sample into the most consistent number of fields (> 1). */
function detectDelimiter(text: string, pos: number, line: number, trim: boolean, final: boolean): string {
  let best = DELIMITER_CANDIDATES[0];
  let bestScore = -1;
  let bestFields = 1;
  for (const candidate of DELIMITER_CANDIDATES) {
    const { records } = sampleRecords(text, pos, line, candidate.charCodeAt(0), trim, SAMPLE_RECORDS, final);
    if (records.length === 0) continue;
    const freq = new Map<number, number>();
    for (const r of records) freq.set(r.fields.length, (freq.get(r.fields.length) ?? 0) + 1);
    let mode = 1;
    let modeCount = 0;
    for (const [fields, count] of freq) {
      if (count > modeCount || (count === modeCount && fields > mode)) {
        mode = fields;
        modeCount = count;
      }
    }
    if (mode < 2) continue;
    const score = Math.round((100 * modeCount) / records.length);
    if (score > bestScore || (score === bestScore && mode > bestFields)) {
      best = candidate;
      bestScore = score;
      bestFields = mode;
    }
  }
  return best;
}

/** Whether the first sample record looks like a header (see {@link CsvOptions.header}). */
function detectHeader(records: SampleRecord[], missing: Set<string>): boolean {
  const first = records[0];
  // Empty cells are allowed: pandas writes its unnamed index column as `,a,b`.
  if (first.fields.every((cell) => cell === '')) return false;
  for (const cell of first.fields) {
    if (cell !== '' && (missing.has(cell) || isNumberText(cell))) return false;
  }
  if (records.length === 1) return true;
  const rest = records.slice(1);
  const columns = first.fields.length;
  for (let j = 0; j < columns; j++) {
    let numbers = 0;
    let present = 0;
    for (const r of rest) {
      const v = r.fields[j];
      if (v === undefined || missing.has(v)) continue;
      present++;
      if (isNumberText(v)) numbers++;
    }
    if (present > 0 && numbers === present) return true;
  }
  for (let j = 0; j < columns; j++) {
    if (first.fields[j] !== '' && rest.some((r) => r.fields[j] === first.fields[j])) return false;
  }
  return true;
}

/** Unique, non-empty column names: `x`, `x.1`, `x.2` for repeats (as pandas and R name them). */
function uniqueNames(raw: readonly string[], issues: LoadIssue[]): string[] {
  const given = new Set(raw);
  const used = new Set<string>();
  const out: string[] = [];
  raw.forEach((name, j) => {
    let base = name;
    if (base === '') {
      base = `column_${j + 1}`;
      issues.push({ code: 'empty_column_name', count: j + 1, detail: base });
    }
    let final = base;
    // A suffix never takes a name that appears elsewhere in the header.
    for (let k = 1; used.has(final) || (final !== base && given.has(final)); k++) final = `${base}.${k}`;
    if (final !== base && name !== '') issues.push({ code: 'duplicate_column', column: name, detail: final });
    used.add(final);
    out.push(final);
  });
  return out;
}

function unknownColumn(name: string, names: readonly string[], what: string): Error {
  return userError('unknown_column', `unknown column in ${what}: ${JSON.stringify(name)}${didYouMean(name, names)}; columns are ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}`, {
    column: name,
  });
}

/**
 * A streaming CSV/TSV parser that builds columns directly (no row objects): feed it text chunks
 * with {@link CsvParser.push} (from a `TextDecoder` in stream mode, so files larger than the
 * largest JS string work), then call {@link CsvParser.finish}.
 *
 * Types are inferred per column: numeric when every non-missing value is a finite number (plain or
 * exponent notation; `0x10`, `Infinity` and `1,000` are text), boolean when every one is
 * true/false in any case, categorical otherwise. Categorical dictionaries are sorted.
 *
 * Quoted fields may hold delimiters, newlines and `""` escapes; CRLF, LF and CR line ends, a UTF-8
 * BOM and blank lines are handled. A row with the wrong number of fields is an error naming the
 * line, as is a quote never closed.
 * @example
 * const parser = new CsvParser({ source: 'data.csv' });
 * for await (const chunk of chunks) parser.push(chunk);
 * const { table, report } = parser.finish();
 */
export class CsvParser {
  private readonly source: string;
  private readonly trim: boolean;
  private readonly skipRows: number;
  private readonly shared: Shared;
  private delimiter: string | undefined;
  private delimCode = 44;
  private header: boolean | undefined;
  private started = false;
  private finished = false;
  private sample: string[] = [];
  private sampleLength = 0;
  private buf = '';
  private pos = 0;
  private line = 1;
  private rows = 0;
  private skipped = 0;
  private builders: ColumnBuilder[] = [];
  private names: string[] = [];
  private readonly issues: LoadIssue[] = [];
  private blankCount = 0;
  private blankPending = 0;
  private blankRunLine = 0;
  private firstMiddleBlank = 0;
  private malformedCount = 0;
  private malformedLine = 0;

  constructor(private readonly options: CsvOptions = {}) {
    const { source = DEFAULT_SOURCE, delimiter, header, skipRows = 0, missing = DEFAULT_MISSING, trim = true } = options;
    if (delimiter !== undefined && (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r')) {
      throw userError('invalid_option', `invalid delimiter: ${JSON.stringify(delimiter)} (expected one character other than a quote or a line break, e.g. "," or "\\t")`, { option: 'delimiter' });
    }
    if (!Number.isInteger(skipRows) || skipRows < 0) throw userError('invalid_option', `invalid skipRows: ${skipRows} (expected a whole number >= 0)`, { option: 'skipRows' });
    for (const [name, type] of Object.entries(options.types ?? {})) {
      if (type !== 'numeric' && type !== 'categorical' && type !== 'boolean') {
        throw userError('invalid_option', `invalid type for column ${JSON.stringify(name)}: ${JSON.stringify(type)} (expected numeric, categorical or boolean)`, { option: 'types', column: name });
      }
    }
    this.source = source;
    this.trim = trim;
    this.skipRows = skipRows;
    this.delimiter = delimiter;
    if (delimiter !== undefined) this.delimCode = delimiter.charCodeAt(0);
    this.header = header;
    const set = new Set(missing);
    this.shared = {
      source,
      missing: set,
      maxMissingLength: Math.max(-1, ...[...set].map((m) => m.length)),
      emptyIsMissing: set.has(''),
      numericMarkers: [...set].some((m) => m !== '' && NUMBER_RE.test(m)),
    };
  }

  /** Feeds the next chunk of text. Chunks may split records, quotes and line ends anywhere. */
  push(chunk: string): void {
    if (this.finished) throw new Error('CsvParser: push after finish');
    if (chunk.length === 0) return;
    if (!this.started) {
      this.sample.push(chunk);
      this.sampleLength += chunk.length;
      if (this.sampleLength >= SAMPLE_CHARS) this.start(false);
      return;
    }
    // join() builds a flat string; `carry + chunk` would be a cons string, ~1.6x slower to scan.
    this.buf = this.pos < this.buf.length ? [this.buf.slice(this.pos), chunk].join('') : chunk;
    this.pos = 0;
    this.scan(false);
  }

  /** Ends the input and returns the table and the load report. */
  finish(): LoadResult {
    if (this.finished) throw new Error('CsvParser: finish called twice');
    this.finished = true;
    if (!this.started) this.start(true);
    else this.scan(true);
    return this.result();
  }

  /** Detects the delimiter and header from the sample, sets up the columns and parses the sample. */
  private start(final: boolean): void {
    let text = this.sample.length === 1 ? this.sample[0] : this.sample.join('');
    this.sample = [text];
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    // Until the sample is final or large, wait for more text rather than guess from a fragment.
    const patient = !final && text.length < MAX_SAMPLE_CHARS;
    let pos = 0;
    let line = 1;
    let skipped = 0;
    for (let k = 0; k < this.skipRows; k++) {
      const nl = text.indexOf('\n', pos);
      if (nl < 0) {
        if (!final) return;
        if (pos < text.length) skipped++;
        pos = text.length;
        break;
      }
      pos = nl + 1;
      line++;
      skipped++;
    }
    const delimiter = this.delimiter ?? detectDelimiter(text, pos, line, this.trim, final);
    const delimCode = delimiter.charCodeAt(0);
    const { records, unterminatedLine } = sampleRecords(text, pos, line, delimCode, this.trim, SAMPLE_RECORDS, final);
    if ((records.length < 2 && patient) || (records.length === 0 && !final)) return;
    if (records.length === 0) {
      if (unterminatedLine > 0) throw unterminatedQuote(this.source, unterminatedLine);
      const after = this.skipRows > 0 ? ` after skipping ${this.skipRows} line${this.skipRows === 1 ? '' : 's'}` : '';
      throw userError('empty_file', `${this.source} has no data${after} (the file is empty or blank)`, { source: this.source });
    }
    this.delimiter = delimiter;
    this.delimCode = delimCode;
    this.skipped += skipped;
    const first = records[0];
    if (this.header === undefined) this.header = detectHeader(records, this.shared.missing);
    const width = first.fields.length;
    let rawNames: string[];
    if (this.options.columns !== undefined) {
      rawNames = [...this.options.columns];
      if (rawNames.length !== width) {
        throw userError(
          'column_count_mismatch',
          `${this.source} has ${width} field${width === 1 ? '' : 's'} per row but ${rawNames.length} column name${rawNames.length === 1 ? ' was' : 's were'} given (check the names or the delimiter ${JSON.stringify(this.delimiter)})`,
          { expected: width, found: rawNames.length },
        );
      }
    } else if (this.header) rawNames = first.fields.slice();
    else rawNames = first.fields.map((_, j) => `column_${j + 1}`);
    this.names = uniqueNames(rawNames, this.issues);
    this.setUpColumns();
    if (this.header) {
      pos = first.end;
      line = first.endLine;
    }
    this.started = true;
    this.sample = [];
    this.buf = text;
    this.pos = pos;
    this.line = line;
    this.scan(final);
  }

  private setUpColumns(): void {
    const names = this.names;
    const types = this.options.types ?? {};
    for (const name of Object.keys(types)) if (!names.includes(name)) throw unknownColumn(name, names, 'types');
    let selected: Set<string> | undefined;
    if (this.options.select !== undefined) {
      selected = new Set();
      for (const name of this.options.select) {
        if (!names.includes(name)) throw unknownColumn(name, names, 'select');
        selected.add(name);
      }
    }
    this.builders = names.map((name) => new ColumnBuilder(name, types[name], selected !== undefined && !selected.has(name), this.shared));
  }

  /** Parses every complete record in the buffer (all of it when `final`). */
  private scan(final: boolean): void {
    const text = this.buf;
    const n = text.length;
    const delim = this.delimCode;
    const trim = this.trim;
    const builders = this.builders;
    const ncols = builders.length;
    let pos = this.pos;
    let line = this.line;
    let c = 0;
    while (pos < n) {
      const recStart = pos;
      const recLine = line;
      c = text.charCodeAt(pos);
      if (c === 10 || c === 13 || (trim && (c === 32 || (c === 9 && delim !== 9)))) {
        let p = pos;
        if (trim) while (p < n && ((c = text.charCodeAt(p)) === 32 || (c === 9 && delim !== 9))) p++;
        if (p >= n) {
          if (final) {
            this.blankLine(recLine);
            pos = n;
          }
          break;
        } else if (c === 10 || c === 13) {
          if (c === 13 && p + 1 >= n && !final) break;
          pos = p + (c === 13 && p + 1 < n && text.charCodeAt(p + 1) === 10 ? 2 : 1);
          line++;
          this.blankLine(recLine);
          continue;
        }
      }
      let j = 0;
      let complete = false;
      for (;;) {
        let s = pos;
        if (trim) while (s < n && ((c = text.charCodeAt(s)) === 32 || (c === 9 && delim !== 9))) s++;
        if (s < n && text.charCodeAt(s) === 34) {
          let q = s + 1;
          let close = -1;
          let escaped = false;
          for (;;) {
            const k = text.indexOf('"', q);
            if (k < 0) break;
            if (k + 1 < n) {
              if (text.charCodeAt(k + 1) === 34) {
                escaped = true;
                q = k + 2;
                continue;
              }
              close = k;
            } else if (final) close = k;
            break;
          }
          if (close < 0) {
            if (!final) break;
            throw this.unterminated(text, recStart, recLine, s);
          }
          let value = text.slice(s + 1, close);
          if (escaped) value = value.replaceAll('""', '"');
          let p = close + 1;
          while (p < n && ((c = text.charCodeAt(p)) === 32 || (c === 9 && delim !== 9))) p++;
          if (p < n && c !== delim && c !== 10 && c !== 13) {
            let e = p;
            while (e < n && (c = text.charCodeAt(e)) !== delim && c !== 10 && c !== 13) e++;
            if (e >= n && !final) break;
            let fe = e;
            if (trim) while (fe > p && ((c = text.charCodeAt(fe - 1)) === 32 || c === 9)) fe--;
            value += text.slice(close + 1, fe);
            if (this.malformedCount++ === 0) this.malformedLine = recLine;
            p = e;
          } else if (p >= n && !final) break;
          for (let k = value.indexOf('\n'); k >= 0; k = value.indexOf('\n', k + 1)) line++;
          pos = p;
          if (j < ncols) builders[j].addString(value, recLine);
          j++;
        } else {
          let e = s;
          while (e < n) {
            c = text.charCodeAt(e);
            if (c === delim || c === 10 || c === 13) break;
            e++;
          }
          if (e >= n && !final) break;
          pos = e;
          if (trim) while (e > s && ((c = text.charCodeAt(e - 1)) === 32 || c === 9)) e--;
          if (j < ncols) builders[j].addRaw(text, s, e, recLine);
          j++;
        }
        if (pos >= n) {
          complete = true;
          break;
        }
        c = text.charCodeAt(pos);
        if (c === delim) {
          pos++;
          continue;
        }
        if (c === 13) {
          if (pos + 1 < n) pos += text.charCodeAt(pos + 1) === 10 ? 2 : 1;
          else if (final) pos++;
          else break;
        } else pos++;
        line++;
        complete = true;
        break;
      }
      if (!complete) {
        // An incomplete record at the end of the buffer: undo its fields and wait for more text.
        for (let k = 0; k < ncols; k++) builders[k].truncate(this.rows);
        pos = recStart;
        line = recLine;
        break;
      }
      if (j !== ncols) {
        throw userError(
          'ragged_row',
          `${this.source} line ${recLine}: expected ${ncols} field${ncols === 1 ? '' : 's'}, found ${j} (check the delimiter or quoting, or pass --delimiter)`,
          { line: recLine, expected: ncols, found: j, source: this.source },
        );
      }
      this.rows++;
      if (this.blankPending > 0) {
        if (this.firstMiddleBlank === 0) this.firstMiddleBlank = this.blankRunLine;
        this.blankPending = 0;
      }
    }
    this.pos = pos;
    this.line = line;
  }

  private blankLine(line: number): void {
    this.blankCount++;
    this.skipped++;
    if (this.blankPending++ === 0) this.blankRunLine = line;
  }

  private unterminated(text: string, recStart: number, recLine: number, quoteAt: number): Error {
    return unterminatedQuote(this.source, lineOf(text, recStart, recLine, quoteAt));
  }

  private result(): LoadResult {
    const issues = this.issues;
    const columns: Column[] = [];
    const infos: ColumnLoadInfo[] = [];
    const byName = new Map<string, { column: Column; info: ColumnLoadInfo }>();
    for (const b of this.builders) {
      if (b.mode === SKIP) continue;
      const { column, missing } = b.build(issues);
      const info: ColumnLoadInfo = { name: b.name, type: column.type, typeFrom: b.declared === undefined ? 'inferred' : 'declared', missing };
      if (missing === this.rows && this.rows > 0) issues.push({ code: 'all_missing', column: b.name });
      byName.set(b.name, { column, info });
    }
    const order = this.options.select ?? this.builders.map((b) => b.name);
    for (const name of order) {
      const entry = byName.get(name)!;
      columns.push(entry.column);
      infos.push(entry.info);
    }
    const middle = this.blankCount - this.blankPending;
    if (middle > 0) issues.push({ code: 'blank_lines', line: this.firstMiddleBlank, count: middle });
    if (this.malformedCount > 0) issues.push({ code: 'malformed_quote', line: this.malformedLine, count: this.malformedCount });
    if (this.rows === 0) issues.push({ code: 'no_rows' });
    const table = new Table(columns, this.rows);
    return {
      table,
      report: {
        source: this.source,
        format: 'csv',
        rowsRead: this.rows,
        rowsSkipped: this.skipped,
        delimiter: this.delimiter,
        header: this.header,
        columns: infos,
        issues,
      },
    };
  }
}

/**
 * Parses delimited text into a {@link Table}, inferring the delimiter, header and column types
 * (see {@link CsvOptions} for every option and its default).
 * @example
 * const { table, report } = parseCsv('age,sex\n30,F\n61,M\n', { source: 'people.csv' });
 * table.column('age').type; // 'numeric'
 * report.rowsRead; // 2
 */
export function parseCsv(input: string | Iterable<string>, options: CsvOptions = {}): LoadResult {
  const parser = new CsvParser(options);
  if (typeof input === 'string') parser.push(input);
  else for (const chunk of input) parser.push(chunk);
  return parser.finish();
}
