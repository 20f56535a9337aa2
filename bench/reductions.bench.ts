// Exponentiated gradient (demographic parity, equalized odds; eps 0.01) with the built-in logistic
// regression on UCI Adult: fit on adult.data (32,561 rows; the 13 features of the conformance model,
// sex included), evaluated on adult.test (16,281 rows) with expected — probability-weighted —
// metrics. Acceptance (issue 5): DP difference <= 0.02 with accuracy >= 0.830, EO difference <= 0.025
// with accuracy >= 0.836, in at most a third of Fairlearn's fit time.
//
// Reference: Fairlearn's ExponentiatedGradient with scikit-learn's LogisticRegression takes about
// 55-65 s on this machine (the figure the issue cites; Fairlearn is not installed here, so it is
// quoted, not measured). Measured in the same run as baselines: the same algorithm with the oracle
// refitted from zero at every call — Newton without warm starts, and L-BFGS from zero (what a
// fresh scikit-learn fit per call does) — to show what each optimisation buys.
// Run: npm run bench -- [--reps N] [--json] [--no-baseline]   (or node --import tsx bench/reductions.bench.ts)
import { exponentiatedGradient, logisticLearner, type ExponentiatedGradientResult, type LogisticLearnerOptions } from '../src/mitigate/index.js';
import { features, test, train } from './adult.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const baselines = !args.includes('--no-baseline');
const reps = args.includes('--reps') ? Number(args[args.indexOf('--reps') + 1]) : 3;
const FAIRLEARN_SECONDS = [55, 65];
const income = test.column('income');
const sexColumn = test.column('sex');
if (income.type !== 'categorical' || sexColumn.type !== 'categorical') throw new Error('adult.test: income and sex should be categorical');
const sex = sexColumn;
const y = Uint8Array.from(income.codes, (c) => (income.dictionary[c] === '>50K.' ? 1 : 0));

/** Expected accuracy and the between-sex differences of selection rate (DP) and of TPR/FPR (EO). */
async function evaluate(result: ExponentiatedGradientResult, draw?: number): Promise<{ accuracy: number; dp: number; eo: number }> {
  const p = draw === undefined ? await result.model.predict(test) : await result.model.predictRandomized(test, draw);
  if (p.task !== 'binary' || !p.scores) throw new Error('binary predictions expected');
  const q = p.scores[1];
  const k = sex.dictionary.length;
  const n = new Float64Array(k);
  const sel = new Float64Array(k);
  const pos = new Float64Array(k);
  const tp = new Float64Array(k);
  const fp = new Float64Array(k);
  let correct = 0;
  for (let i = 0; i < y.length; i++) {
    const g = sex.codes[i];
    correct += y[i] ? q[i] : 1 - q[i];
    n[g]++;
    sel[g] += q[i];
    if (y[i]) {
      pos[g]++;
      tp[g] += q[i];
    } else fp[g] += q[i];
  }
  const groups = [...Array(k).keys()].filter((g) => n[g] > 0);
  const spread = (f: (g: number) => number) => Math.max(...groups.map(f)) - Math.min(...groups.map(f));
  return { accuracy: correct / y.length, dp: spread((g) => sel[g] / n[g]), eo: Math.max(spread((g) => tp[g] / pos[g]), spread((g) => fp[g] / (n[g] - pos[g]))) };
}

interface Row {
  constraint: string;
  oracle: string;
  seconds: number;
  /** CPU seconds (user + system) of the fastest run: steadier than wall time on a shared machine. */
  cpuSeconds: number;
  runs: number;
  accuracy: number;
  disparity: number;
  /** One seeded randomized draw (seed 0) instead of the expectation. */
  drawAccuracy: number;
  drawDisparity: number;
  oracleCalls: number;
  learnerFits: number;
  predictors: number;
  iterations: number;
}

async function measure(constraint: 'demographic_parity' | 'equalized_odds', oracle: string, learner: LogisticLearnerOptions, runs: number): Promise<Row> {
  let best = Infinity;
  let cpu = Infinity;
  let result: ExponentiatedGradientResult | null = null;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    result = exponentiatedGradient(train, { label: 'income', positive: '>50K', sensitive: 'sex', constraint, eps: 0.01, features, learner: logisticLearner(learner) });
    const c = process.cpuUsage(c0);
    const seconds = (performance.now() - t0) / 1000;
    if (seconds < best) {
      best = seconds;
      cpu = (c.user + c.system) / 1e6;
    }
  }
  const m = await evaluate(result!);
  const d = await evaluate(result!, 0);
  return {
    constraint,
    oracle,
    seconds: best,
    cpuSeconds: cpu,
    runs,
    accuracy: m.accuracy,
    disparity: constraint === 'demographic_parity' ? m.dp : m.eo,
    drawAccuracy: d.accuracy,
    drawDisparity: constraint === 'demographic_parity' ? d.dp : d.eo,
    oracleCalls: result!.oracleCalls,
    learnerFits: result!.learnerFits,
    predictors: result!.model.predictors.length,
    iterations: result!.lastIteration + 1,
  };
}

// Warm-up (JIT), not timed.
exponentiatedGradient(train, { label: 'income', positive: '>50K', sensitive: 'sex', constraint: 'demographic_parity', eps: 0.01, features, maxIter: 2 });
const rows: Row[] = [];
for (const constraint of ['demographic_parity', 'equalized_odds'] as const) {
  rows.push(await measure(constraint, 'Newton, warm starts (default)', {}, reps));
  if (baselines) {
    rows.push(await measure(constraint, 'Newton from zero at every call', { warmStart: false }, 1));
    if (constraint === 'demographic_parity') rows.push(await measure(constraint, 'L-BFGS from zero at every call', { solver: 'lbfgs', warmStart: false }, 1));
  }
}

const targets: Record<string, { disparity: number; accuracy: number }> = { demographic_parity: { disparity: 0.02, accuracy: 0.83 }, equalized_odds: { disparity: 0.025, accuracy: 0.836 } };
if (json) {
  console.log(JSON.stringify({ reps, fairlearnSecondsQuoted: FAIRLEARN_SECONDS, rows }));
} else {
  console.log('| constraint | oracle | fit s | CPU s | vs Fairlearn 55–65 s (target ≤ 0.33x) | test accuracy (target) | test disparity (target) | one draw, seed 0: accuracy / disparity | EG iterations | best-response calls / fits | predictors in mixture |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const t = targets[r.constraint];
    const ratio = `${(r.seconds / FAIRLEARN_SECONDS[1]).toFixed(3)}–${(r.seconds / FAIRLEARN_SECONDS[0]).toFixed(3)}x`;
    console.log(
      `| ${r.constraint} | ${r.oracle} | ${r.seconds.toFixed(2)}${r.runs > 1 ? ` (best of ${r.runs})` : ''} | ${r.cpuSeconds.toFixed(2)} | ${ratio} | ${r.accuracy.toFixed(4)} (≥ ${t.accuracy}) | ${r.disparity.toFixed(4)} (≤ ${t.disparity}) | ${r.drawAccuracy.toFixed(4)} / ${r.drawDisparity.toFixed(4)} | ${r.iterations} | ${r.oracleCalls} / ${r.learnerFits} | ${r.predictors} |`,
    );
  }
  console.log('\nFairlearn\'s 55–65 s is the figure the issue quotes for this machine (Fairlearn is not installed here). Expected (probability-weighted) test metrics of the randomized mixture.');
}
