import type { Cohort } from '../cohort/index.js';
import { categoricalColumn, numericColumn, Table } from '../table/index.js';

/** A source of uniform [0, 1) and standard normal draws (e.g. a seeded generator from `stats`). */
export interface DemoRandom {
  uniform(): number;
  normal(): number;
}

/**
 * What the synthetic loan data plants, so that a reader (and the tests) can check Candor finds it.
 * Every effect is written into the generating formula in {@link generateLoans}.
 */
export const LOAN_DEMO_FACTS = {
  /** Inside this cohort the past decisions were reversed: the applicants least likely to repay were approved. */
  highErrorCohort: { name: 'young_south', expression: "region = 'South' and age < 30" } satisfies Cohort,
  /** The score subtracts 1.5 from the log-odds for women, who repay as often as men. */
  selectionGap: { column: 'sex', disadvantaged: 'Female', reference: 'Male', logitPenalty: 1.5 },
  /** A group of ethnicity with 21 rows, under the 30-row threshold. */
  smallGroup: { column: 'ethnicity', value: 'Group D', rows: 21 },
  /** Share of rows with a missing value in each of these columns. */
  missing: { income: 0.03, employment_years: 0.02 },
} as const;

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Generates the demo's "loan approval" data: `rows` applicants with features, a sensitive `sex` and
 * `ethnicity`, the outcome `repaid` (1 = repaid the loan) and a model's `score` and decision
 * `approved` (score >= 0.5).
 *
 * Outcome: repaid ~ Bernoulli(logistic(z)) with
 *   z = 1.1 + 0.03·(credit_score − 650) − 3.2·(debt_ratio − 0.35) + 0.15·min(employment_years, 10) + 0.004·(income − 55)
 * Score: logistic(z + ε), ε ~ N(0, 0.6²), minus 1.5 on the log-odds scale for women (the planted
 * selection-rate gap), and for applicants in the South under 30 the reverse, 1 − logistic(z + ε):
 * those least likely to repay score highest (the planted high-error cohort). Missing income/employment_years are filled with the
 * population mean before computing z, then blanked in the output (the planted missing values).
 */
export function generateLoans(rows: number, random: DemoRandom): Table {
  const { uniform, normal } = { uniform: () => random.uniform(), normal: () => random.normal() };
  const regions = ['North', 'South', 'East', 'West'];
  const ids = new Float64Array(rows);
  const age = new Float64Array(rows);
  const income = new Float64Array(rows);
  const credit = new Float64Array(rows);
  const debt = new Float64Array(rows);
  const years = new Float64Array(rows);
  const amount = new Float64Array(rows);
  const repaid = new Float64Array(rows);
  const score = new Float64Array(rows);
  const approved = new Float64Array(rows);
  const sex: string[] = new Array(rows);
  const ethnicity: string[] = new Array(rows);
  const region: string[] = new Array(rows);
  const small = LOAN_DEMO_FACTS.smallGroup.rows;
  for (let i = 0; i < rows; i++) {
    ids[i] = 100000 + i;
    sex[i] = uniform() < 0.48 ? 'Female' : 'Male';
    // The small group takes the last rows so that its size is exact.
    if (i >= rows - small) ethnicity[i] = 'Group D';
    else {
      const u = uniform();
      ethnicity[i] = u < 0.62 ? 'Group A' : u < 0.86 ? 'Group B' : 'Group C';
    }
    region[i] = regions[Math.floor(uniform() * regions.length)];
    age[i] = Math.round(Math.min(75, Math.max(18, 40 + 12 * normal())));
    years[i] = Math.max(0, Math.round((age[i] - 18) * uniform() * 0.6 * 10) / 10);
    income[i] = Math.round(Math.max(12, 55 + 0.6 * (age[i] - 40) + 18 * normal()) * 10) / 10;
    credit[i] = Math.round(Math.min(850, Math.max(300, 650 + 70 * normal())));
    debt[i] = Math.round(Math.min(0.95, Math.max(0.02, 0.35 + 0.15 * normal())) * 1000) / 1000;
    amount[i] = Math.round(Math.max(1, 5 + 0.3 * income[i] + 8 * uniform())) * 1000;
    const z = 1.1 + 0.03 * (credit[i] - 650) - 3.2 * (debt[i] - 0.35) + 0.15 * Math.min(years[i], 10) + 0.004 * (income[i] - 55);
    repaid[i] = uniform() < logistic(z) ? 1 : 0;
    let s = logistic(z + 0.6 * normal() - (sex[i] === 'Female' ? LOAN_DEMO_FACTS.selectionGap.logitPenalty : 0));
    if (region[i] === 'South' && age[i] < 30) s = 1 - logistic(z + 0.6 * normal());
    score[i] = Math.round(s * 1e6) / 1e6;
    approved[i] = score[i] >= 0.5 ? 1 : 0;
    if (uniform() < LOAN_DEMO_FACTS.missing.income) income[i] = NaN;
    if (uniform() < LOAN_DEMO_FACTS.missing.employment_years) years[i] = NaN;
  }
  return new Table([
    numericColumn('applicant_id', ids, 'id'),
    numericColumn('age', age),
    categoricalColumn('sex', sex, 'sensitive'),
    categoricalColumn('ethnicity', ethnicity, 'sensitive'),
    categoricalColumn('region', region),
    numericColumn('income', income),
    numericColumn('employment_years', years),
    numericColumn('credit_score', credit),
    numericColumn('debt_ratio', debt),
    numericColumn('loan_amount', amount),
    numericColumn('repaid', repaid, 'label'),
    numericColumn('score', score, 'score'),
    numericColumn('approved', approved, 'prediction'),
  ]);
}
