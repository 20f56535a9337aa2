import { resolve, join } from 'node:path';
import YAML from 'yaml';
import { assess, type AssessOptions } from '../assess/index.js';
import { fitGbdt, toOnnx } from '../learn/index.js';
import { scoreWithModel } from './assess.js';
import { analyzeErrors } from '../error-analysis/index.js';
import { renderErrorsText } from './errors.js';
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
  serve: { type: 'boolean', help: 'then open the results in the dashboard (candor serve) until Ctrl+C; npm start does this' },
  port: { type: 'string', value: 'N', help: 'with --serve: the port (default 8477, or a free one)' },
  color: { type: 'boolean', help: 'colour terminal output (default: when stdout is a terminal)' },
};

export const DEMO_HELP = `Usage: candor demo [--out DIR] [--rows N] [--seed N] [--serve [--port N]]

Generates synthetic loan applications with planted, documented problems (a cohort where past
decisions were reversed, a selection-rate gap between women and men, a group of 21 rows, missing
values), trains a gradient-boosting model on past decisions, saves it as ONNX, assesses it through
the ONNX file on new applicants, and writes history.csv, loans.csv, model.onnx, candor.yaml,
insights.json and report.html into DIR.

Options:
${formatOptions(SPECS)}`;

/** The columns the demo's model learns from (not the outcome, the score or the historical decision). */
export const DEMO_FEATURES = ['age', 'sex', 'ethnicity', 'region', 'income', 'employment_years', 'credit_score', 'debt_ratio', 'loan_amount'];

/** The assessment the demo runs, also written to candor.yaml so it can be re-run and edited. */
export function demoAssessOptions(seed: number): AssessOptions {
  const { highErrorCohort } = LOAN_DEMO_FACTS;
  return {
    label: 'repaid',
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
  // Past applications (with the loan officers' decisions) to learn from, and new ones to assess.
  const history = generateLoans(rows, new Random(seed));
  const table = generateLoans(rows, new Random(seed + 1));
  await mkdir(dir, { recursive: true });
  await writeTableCsv(history, join(dir, 'history.csv'));
  await writeTableCsv(table, join(dir, 'loans.csv'));
  progress.update(0.1, 'training');
  const model = fitGbdt(history, { label: 'approved', features: DEMO_FEATURES, task: 'binary', seed });
  const modelPath = join(dir, 'model.onnx');
  await writeFileAtomic(modelPath, toOnnx(model, { name: 'loan-approval-gbdt' }));
  const options = demoAssessOptions(seed);
  const config = {
    data: 'loans.csv',
    model: 'model.onnx',
    label: options.label,
    sensitive: options.sensitive!.map((s) => s.join(',')),
    reference: options.reference,
    cohorts: Object.fromEntries(options.cohorts!.map((c) => [c.name, c.expression])),
    bootstrap: options.bootstrap,
    seed,
  };
  await writeFileAtomic(join(dir, 'candor.yaml'), `# candor assess --config ${join(dir, 'candor.yaml')}\n${YAML.stringify(config)}`);
  // Assessed through the ONNX file, as a user's own model would be.
  const scored = await scoreWithModel(table, { spec: modelPath }, options);
  const insights = assess(scored.table, { ...scored.options, onProgress: (f, s) => progress.update(0.2 + 0.8 * f, s) });
  insights.source = { ...insights.source, file: join(dir, 'loans.csv'), rowsRead: rows };
  insights.config = { ...insights.config, model: scored.model };
  // Where does the model fail? The error tree and worst cohorts, over the features it saw.
  insights.errorAnalysis = analyzeErrors(scored.table, { label: options.label, pred: scored.options.pred!, positive: insights.config?.positive as string, features: DEMO_FEATURES, seed, bootstrap: 200 });
  progress.done();
  await writeAssessOutputs(dir, insights, scored.table, scored.options);
  if (v.json === true) {
    process.stdout.write(`${JSON.stringify(insights, null, 2)}\n`);
    return 0;
  }
  const color = typeof v.color === 'boolean' ? v.color : Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const style = makeStyle(color);
  process.stdout.write(`${renderAssessText(insights, style)}\n\n${renderErrorsText(insights.errorAnalysis, style)}\n\n`);
  process.stdout.write(
    [
      style.bold('What happened:'),
      `  A gradient-boosting model learned to approve loans from ${rows.toLocaleString('en-US')} past decisions (history.csv),`,
      '  was saved as model.onnx, and was assessed through that file on new applicants (loans.csv)',
      '  against whether they repaid. The past decisions carried problems the model inherited',
      '  (see src/demo/loans.ts):',
      `  • decisions for ${LOAN_DEMO_FACTS.highErrorCohort.expression} were reversed (the least likely to repay were approved) — compare the cohort "${LOAN_DEMO_FACTS.highErrorCohort.name}" to overall accuracy`,
      '  • women were approved less often than men who repay as often — selection rate by sex',
      `  • "${LOAN_DEMO_FACTS.smallGroup.value}" has ${LOAN_DEMO_FACTS.smallGroup.rows} rows — flagged as a small group`,
      '  • income and employment_years have missing values',
      '',
      `Wrote history.csv, loans.csv, model.onnx, candor.yaml, insights.json and report.html into ${dir}`,
      `Open the report:  ${join(dir, 'report.html')}`,
      `Re-run it:        candor assess --config ${join(dir, 'candor.yaml')}`,
    ].join('\n') + '\n',
  );
  if (v.serve === true) {
    // The same table, model and results in the dashboard, until Ctrl+C (or SIGTERM).
    const { startDashboard, untilSignal } = await import('../server/index.js');
    const port = typeof v.port === 'string' ? numberOption(v.port, 'port', { integer: true, min: 0, max: 65535 }) : undefined;
    const running = await startDashboard({ table: scored.table, options: scored.options, model: { model: scored.live, file: modelPath }, insights, source: join(dir, 'loans.csv'), title: 'Candor demo: loan approvals', ...(port !== undefined ? { port } : {}) });
    for (const note of running.notes) process.stdout.write(`${note}\n`);
    process.stdout.write(`\n${style.bold('Candor dashboard:')} ${running.url}\n  Press Ctrl+C to stop.\n`);
    await untilSignal();
    await running.close();
  }
  return 0;
}
