// How numbers and metric names read on the page.

// Metric names come from the core's metric registry, as in the report and the terminal.
export { metricLabel as metricName, metricShortLabel as metricShort } from '../../src/report/format.js';

// One formatter each: `toLocaleString` builds a new one per call, which shows in profiles of a big table.
const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** A metric value: counts as integers with separators, rates to 3 decimals; "—" when undefined. */
export function fmt(value: number | null | undefined, id = ''): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (id === 'count' || id === 'tp' || id === 'fp' || id === 'tn' || id === 'fn' || id === 'rows') return Number.isInteger(value) ? INTEGER.format(value) : DECIMAL.format(value);
  const a = Math.abs(value);
  if (a !== 0 && (a < 0.001 || a >= 100000)) return value.toExponential(2);
  return value.toFixed(a >= 100 ? 1 : 3);
}

export function fmtInterval(ci: [number, number] | undefined, id = ''): string {
  return ci ? `[${fmt(ci[0], id)}, ${fmt(ci[1], id)}]` : '';
}

export function fmtCount(n: number): string {
  return Number.isInteger(n) ? INTEGER.format(n) : DECIMAL.format(n);
}

export function pct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || Number.isNaN(v) ? '—' : `${(v * 100).toFixed(digits)}%`;
}
