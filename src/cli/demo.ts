import { resolve, join } from 'node:path';
import YAML from 'yaml';
import { assess, type AssessOptions } from '../assess/index.js';
import { generateLoans, LOAN_DEMO_FACTS } from '../demo/loans.js';
import { Random } from '../stats/index.js';
import { writeFileAtomic } from '../adapters/atomic-write.js';
import { writeTableCsv } from '../adapters/io/index.js';
import { mkdir } from 'node:fs/promises';
import { writeAssessOutputs } from '../adapters/outputs.js';
import { formatOptions, numberOption, parseArgs, type OptionSpecs } from './args.js';
import { Progress } from './progress.js';
import { renderAssessText } from './render-assess.js';
import { makeStyle } from './text-table.js';

const SPECS: OptionSpecs = {
  out: { type: 'string', value: 'DIR', help: 'where to write the data and results (default ./candor-demo)' },
  rows: { type: 'string', value: 'N', help: 'applicants to generate (default 5000)' },
  seed: { type: 'string', value: 'N', help: 'random seed (default 42)' },
  json: { type: 'boolean', help: 'print the insights document instead of the summary' },
  color: { type: 'boolean', help: 'colour terminal output (default: when stdout is a terminal)' },
};

export const DEMO_HELP = `Usage: candor demo [--out DIR] [--rows N] [--seed N]

Generates a synthetic loan-approval dataset with planted, documented problems (a cohort where the
model guesses, a selection-rate gap between women and men, a group of 21 rows, missing values),
assesses it and writes loans.csv, candor.yaml, insights.json and report.html into DIR.

Options:
${formatOptions(SPECS)}`;

/** The assessment the demo runs, also written to candor.yaml so it can be re-run and edited. */
export function demoAssessOptions(seed: number): AssessOptions {
  const { highErrorCohort } = LOAN_DEMO_FACTS;
  return {
    label: 'repaid',
    pred: 'approved',
    score: 'score',
    sensitive: [['sex'], ['ethnicity'], ['sex', 'ethnicity']],
    reference: { sex: LOAN_DEMO_FACTS.selectionGap.reference },
    cohorts: [highErrorCohort, { name: 'over_60', expression: 'age >= 60' }, { name: 'high_debt', expression: 'debt_ratio > 0.5' }],
    bootstrap: 1000,
    seed,
  };
}

/** `candor demo`. */
export async function runDemo(argv: string[]): Promise<number> {
  const { values: v } = parseArgs(argv, SPECS, 'demo');
  const dir = resolve(typeof v.out === 'string' ? v.out : 'candor-demo');
  const rows = numberOption(v.rows as string | undefined, 'rows', { min: 100, max: 10_000_000, integer: true }) ?? 5000;
  const seed = numberOption(v.seed as string | undefined, 'seed', { integer: true }) ?? 42;
  const progress = new Progress();
  const table = generateLoans(rows, new Random(seed));
  const options = demoAssessOptions(seed);
  await mkdir(dir, { recursive: true });
  await writeTableCsv(table, join(dir, 'loans.csv'));
  const config = {
    data: 'loans.csv',
    label: options.label,
    pred: options.pred,
    score: options.score,
    sensitive: options.sensitive!.map((s) => s.join(',')),
    reference: options.reference,
    cohorts: Object.fromEntries(options.cohorts!.map((c) => [c.name, c.expression])),
    bootstrap: options.bootstrap,
    seed,
  };
  await writeFileAtomic(join(dir, 'candor.yaml'), `# candor assess --config ${join(dir, 'candor.yaml')}\n${YAML.stringify(config)}`);
  const insights = assess(table, { ...options, onProgress: (f, s) => progress.update(f, s) });
  insights.source = { ...insights.source, file: join(dir, 'loans.csv'), rowsRead: rows };
  progress.done();
  await writeAssessOutputs(dir, insights, table, options);
  if (v.json === true) {
    process.stdout.write(`${JSON.stringify(insights, null, 2)}\n`);
    return 0;
  }
  const color = typeof v.color === 'boolean' ? v.color : Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const style = makeStyle(color);
  process.stdout.write(`${renderAssessText(insights, style)}\n\n`);
  process.stdout.write(
    [
      style.bold('Planted in this data (see src/demo/loans.ts):'),
      `  • the model guesses for ${LOAN_DEMO_FACTS.highErrorCohort.expression} — compare the cohort "${LOAN_DEMO_FACTS.highErrorCohort.name}" to overall accuracy`,
      `  • women are approved less often than men who repay as often — selection rate by sex`,
      `  • "${LOAN_DEMO_FACTS.smallGroup.value}" has ${LOAN_DEMO_FACTS.smallGroup.rows} rows — flagged as a small group`,
      `  • income and employment_years have missing values`,
      '',
      `Wrote ${join(dir, 'loans.csv')}, candor.yaml, insights.json and report.html into ${dir}`,
      `Open the report:  ${join(dir, 'report.html')}`,
      `Re-run it:        candor assess --config ${join(dir, 'candor.yaml')}`,
    ].join('\n') + '\n',
  );
  return 0;
}
