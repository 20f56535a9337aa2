// Histogram gradient boosting on UCI Adult (32,561 training rows, 13 features, 8 of them categorical
// and split natively): fitGbdt vs scikit-learn's HistGradientBoostingClassifier with the same settings
// (100 trees, max_depth 6, max_leaf_nodes 31, 255 bins, min_samples_leaf 20, no early stopping),
// measured in the same run by bench/baselines/sklearn_hgb.py (when /usr/bin/python3 has sklearn).
// scikit-learn runs twice: with its default OpenMP threads and with OMP_NUM_THREADS=1 (Candor is
// single-threaded). Times are the best of --reps fits (the machine is shared); target <= 1.5x.
// Run: npm run bench -- [--reps N] [--json]   (or node --import tsx bench/gbdt.bench.ts)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { rocAuc } from '../src/index.js';
import { fitGbdt } from '../src/learn/gbdt.js';
import { features, test, testPath, train, trainPath } from './adult.js';

const ROOT = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const reps = args.includes('--reps') ? Number(args[args.indexOf('--reps') + 1]) : 3;
const options = { label: 'income', features, maxIter: 100, maxDepth: 6, maxLeafNodes: 31, maxBins: 255, minSamplesLeaf: 20, earlyStopping: false, seed: 0 } as const;

let candorSeconds = Infinity;
let model = fitGbdt(train, options); // warm-up (JIT)
for (let r = 0; r < reps; r++) {
  const t0 = performance.now();
  model = fitGbdt(train, options);
  candorSeconds = Math.min(candorSeconds, (performance.now() - t0) / 1000);
}
const p = model.predictSync(test);
const income = test.column('income');
const y = new Uint8Array(test.rowCount);
if (income.type === 'categorical') for (let i = 0; i < y.length; i++) y[i] = income.dictionary[income.codes[i]] === '>50K.' ? 1 : 0;
const candorAuc = p.task === 'binary' && p.scores !== null ? rocAuc(y, p.scores[1]).value : null;

interface Baseline {
  fit_seconds: number;
  auc: number;
  iterations: number;
  sklearn: string;
  threads: string;
}

function sklearn(threads: number | null): Baseline | string {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import sklearn'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'scikit-learn is not importable by /usr/bin/python3';
  const env = threads === null ? process.env : { ...process.env, OMP_NUM_THREADS: String(threads) };
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'bench', 'baselines', 'sklearn_hgb.py'), trainPath, testPath, '--reps', String(reps)], { encoding: 'utf8', env });
  if (r.status !== 0) return `sklearn_hgb.py failed: ${r.stderr.trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Baseline;
}

const baselines = [sklearn(null), sklearn(1)];
if (json) {
  console.log(JSON.stringify({ reps, candor: { fit_seconds: candorSeconds, auc: candorAuc, iterations: model.iterations }, sklearn: baselines }));
} else {
  console.log('| fit (100 trees, depth 6, 31 leaves, 255 bins) | Candor s | sklearn s | ratio (target <= 1.5x) | Candor AUC | sklearn AUC |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const b of baselines) {
    if (typeof b === 'string') {
      console.log(`| sklearn skipped: ${b} | ${candorSeconds.toFixed(3)} | – | – | ${candorAuc?.toFixed(4)} | – |`);
      continue;
    }
    const label = `vs sklearn ${b.sklearn}, ${b.threads} thread${b.threads === '1' ? '' : 's'}`;
    console.log(`| ${label} | ${candorSeconds.toFixed(3)} | ${b.fit_seconds.toFixed(3)} | ${(candorSeconds / b.fit_seconds).toFixed(2)}x | ${candorAuc?.toFixed(4)} | ${b.auc.toFixed(4)} |`);
  }
  console.log(`\nbest of ${reps} fits each; Candor single-threaded, ${model.iterations} iterations.`);
}
