// Writing cohort-language text from values: names quoted when they must be, text literals quoted
// with doubled single quotes, numbers in their shortest exact form.

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'between', 'is', 'null', 'true', 'false']);

/** A column name as the cohort language reads it: bare when it can be, else in double quotes. */
export function quoteName(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name.toLowerCase())) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/** A value as a literal: numbers as written by JS (exact round trip), text quoted, booleans and null as keywords. */
export function quoteValue(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return `'${value.replaceAll("'", "''")}'`;
}
