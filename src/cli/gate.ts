import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type CheckResult, evaluateGates, type Gate, type GateResult, parseGates } from '../compare/index.js';
import { userError } from '../errors/index.js';
import { formatOptions, type OptionSpecs } from './args.js';
import { COMPARE_SPECS, compareFromArgs, resolveCompareArgs } from './compare.js';

const SPECS: OptionSpecs = {
  gates: { type: 'string', value: 'FILE', help: 'the gate file (YAML or JSON)' },
  junit: { type: 'string', value: 'FILE.xml', help: 'also write the checks as JUnit XML (one testcase per check)' },
  markdown: { type: 'string', value: 'FILE.md', help: 'also write a Markdown summary of the checks' },
  ...COMPARE_SPECS,
};

export const GATE_HELP = `Usage: candor gate DATA --label L --pred NAME=COL ... --gates gates.yaml [--baseline NAME] [options]

Checks models against a gate file and exits 0 when every check passes, 1 otherwise, printing each
failed check with its value, bound and cohort. Checks use point values; --bootstrap defaults to 0.

Gate file:
  gates:
    - { metric: accuracy, op: '>=', value: 0.8 }                      # a value, all rows
    - { metric: recall, op: '>=', value: 0.6, cohort: women }          # … in a cohort (--cohort)
    - { metric: accuracy, op: '>=', value: 0.7, group: { race: Black } }  # … in a group (--sensitive)
    - { metric: false_positive_rate, by: race, ratio: '>= 0.8' }       # min/max between groups (or difference: '<= 0.1')
    - { metric: accuracy, change: '>= -0.01', scope: every cohort }    # candidate − baseline
    - { btc: '>= 0.95' }                                               # backward trust compatibility (or bec)
  scope: overall (default) | every cohort | every group | everywhere; model: NAME limits a check to
  one model (default: every model but the baseline); name: TEXT labels a check.

Options:
${formatOptions(SPECS)}

Example:
  candor gate preds.csv --label y_true --pred v1=y_pred --pred "v2=y_score >= 0.3" --gates gates.yaml --junit gates.xml`;

async function loadGates(path: string): Promise<Gate[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw userError('file_not_found', `gate file not found: ${path} (looked in ${resolve(path)})`);
  }
  let raw: unknown;
  try {
    raw = /\.json$/i.test(path) ? JSON.parse(text) : (await import('yaml')).default.parse(text);
  } catch (e) {
    throw userError('invalid_gates', `${path}: not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  return parseGates(raw, path);
}

const valueText = (c: CheckResult) => (c.value === null ? `undefined (${c.reason ?? 'no value'})` : String(Number(c.value.toPrecision(6))));
const where = (c: CheckResult) => (c.cohort !== null ? `cohort ${c.cohort}` : c.group !== null ? Object.entries(c.group).map(([k, v]) => `${k} = ${v}`).join(', ') : 'all rows');

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** The checks as JUnit XML: one testcase per check, a failure element for each failed one. */
export function gateJunit(result: GateResult): string {
  const failures = result.checks.filter((c) => !c.passed).length;
  const cases = result.checks.map((c) => {
    const open = `    <testcase classname="candor.gate.${xml(c.model)}" name="${xml(c.description)}"`;
    if (c.passed) return `${open}/>`;
    const message = `${c.description}: value ${valueText(c)}, bound ${c.bound}, ${where(c)}`;
    return `${open}>\n      <failure message="${xml(message)}" type="gate">${xml(message)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="candor gate" tests="${result.checks.length}" failures="${failures}">`,
    `  <testsuite name="candor gate" tests="${result.checks.length}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** The checks as a Markdown summary, failed checks first. */
export function gateMarkdown(result: GateResult): string {
  const failed = result.checks.filter((c) => !c.passed);
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = [...failed, ...result.checks.filter((c) => c.passed)].map((c) => `| ${c.passed ? '✅' : '❌'} | ${cell(c.description)} | ${cell(valueText(c))} | ${cell(c.bound)} | ${cell(where(c))} |`);
  return [
    `## Candor gate: ${result.passed ? 'passed' : 'failed'}`,
    '',
    `${result.checks.length - failed.length} of ${result.checks.length} checks passed.`,
    '',
    '| | check | value | bound | rows |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** `candor gate`: compare, evaluate the gates, print the failures; exit 0 when all pass, 1 otherwise. */
export async function runGate(argv: string[]): Promise<number> {
  const args = resolveCompareArgs(argv, SPECS, 'gate', { bootstrap: 0 });
  const path = args.values.gates;
  if (typeof path !== 'string') throw userError('missing_option', 'no gate file: pass --gates gates.yaml (see candor gate --help for the format)');
  const gates = await loadGates(path);
  const comparison = await compareFromArgs(args);
  const result = evaluateGates(comparison, gates);
  const failed = result.checks.filter((c) => !c.passed);
  const lines = failed.map((c) => `FAIL ${c.description}: value ${valueText(c)}, bound ${c.bound}, ${where(c)}`);
  lines.push(`${result.checks.length - failed.length} of ${result.checks.length} checks passed${result.passed ? '' : `; ${failed.length} failed`}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (typeof args.values.junit === 'string') await writeFile(args.values.junit, gateJunit(result));
  if (typeof args.values.markdown === 'string') await writeFile(args.values.markdown, gateMarkdown(result));
  return result.passed ? 0 : 1;
}
