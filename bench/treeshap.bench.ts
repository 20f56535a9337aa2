// TreeSHAP for 10,000 rows on a 100-tree, depth-6 XGBoost ensemble over 14 features: Candor's
// treeShap on the model's JSON vs xgboost's own pred_contribs on the same model and rows, measured
// in the same run by bench/baselines/xgboost_treeshap.py (which also trains the model) when
// /usr/bin/python3 has xgboost. xgboost runs with its default threads (one per core) and with
// nthread=1 (Candor is single-threaded). Times are the best of --reps runs (the machine is shared);
// target <= 2x. The contributions are checked equal to xgboost's (max abs difference reported).
// Without xgboost, Candor's time on a fitGbdt model of the same size is printed alone.
// Run: npm run bench -- [--rows N] [--reps N] [--json]   (or node --import tsx bench/treeshap.bench.ts)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseXgboostModel, Random, Table } from '../src/index.js';
import { shapTreesFromGbdt, shapTreesFromXgboost, treeShap, type FeatureMatrix, type ShapEnsemble } from '../src/explain/index.js';
import { fitGbdt } from '../src/learn/gbdt.js';

const ROOT = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const reps = args.includes('--reps') ? Number(args[args.indexOf('--reps') + 1]) : 3;
const rows = args.includes('--rows') ? Number(args[args.indexOf('--rows') + 1]) : 10_000;
const F = 14;

/** Best wall and CPU time of `reps` TreeSHAP runs after one warm-up (JIT). */
function time(ensemble: ShapEnsemble, matrix: FeatureMatrix): { seconds: number; cpu: number; values: Float64Array } {
  let values = treeShap(ensemble, matrix).values[0];
  let seconds = Infinity;
  let cpu = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    values = treeShap(ensemble, matrix).values[0];
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return { seconds, cpu, values };
}

interface Baseline {
  seconds_default: number;
  seconds_1thread: number;
  cpu_seconds_default: number;
  cpu_seconds_1thread: number;
  threads_default: number;
  xgboost: string;
  trees: number;
}

function xgboostRun(dir: string): Baseline | string {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import xgboost'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'xgboost is not importable by /usr/bin/python3';
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'bench', 'baselines', 'xgboost_treeshap.py'), dir, '--rows', String(rows), '--reps', String(reps)], { encoding: 'utf8' });
  if (r.status !== 0) return `xgboost_treeshap.py failed: ${r.stderr.trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Baseline;
}

const dir = mkdtempSync(join(tmpdir(), 'candor-treeshap-bench-'));
try {
  const baseline = xgboostRun(dir);
  if (typeof baseline === 'string') {
    // No xgboost: Candor alone, on a model of the same shape fitted here.
    const rng = new Random(42);
    const cols: Record<string, number[]> = {};
    for (let j = 0; j < F; j++) cols[`f${j}`] = Array.from({ length: 20_000 }, () => rng.normal());
    cols.y = cols.f0.map((v, i) => (v - 0.8 * cols.f1[i] * cols.f2[i] + Math.sin(2 * cols.f3[i]) > 0 ? 1 : 0));
    const train = Table.from(cols);
    const model = fitGbdt(train, { label: 'y', task: 'binary', features: Object.keys(cols).filter((c) => c !== 'y'), maxIter: 100, maxDepth: 6, maxLeafNodes: 64, earlyStopping: false, seed: 0 });
    const ensemble = shapTreesFromGbdt(model);
    const { seconds, cpu } = time(ensemble, ensemble.encode(train.take(Uint32Array.from({ length: rows }, (_, i) => i))));
    console.log(json ? JSON.stringify({ rows, reps, candor_seconds: seconds, candor_cpu_seconds: cpu, skipped: baseline }) : `xgboost comparison skipped: ${baseline}\nCandor treeShap on a fitGbdt model (100 trees, depth 6), ${rows} rows: ${seconds.toFixed(3)} s (CPU ${cpu.toFixed(3)} s; best of ${reps})`);
  } else {
    const model = parseXgboostModel(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')), { features: Array.from({ length: F }, (_, j) => `f${j}`) });
    const ensemble = shapTreesFromXgboost(model.booster);
    const x = new Float32Array(readFileSync(join(dir, 'rows.f32')).buffer.slice(0));
    const contribs = new Float32Array(readFileSync(join(dir, 'contribs.f32')).buffer.slice(0));
    const matrix: FeatureMatrix = { rows, values: Float64Array.from(x) };
    const { seconds, cpu, values } = time(ensemble, matrix);
    let worst = 0;
    for (let i = 0; i < rows; i++) for (let j = 0; j < F; j++) worst = Math.max(worst, Math.abs(values[i * F + j] - contribs[i * (F + 1) + j]));
    if (json) {
      console.log(JSON.stringify({ rows, reps, candor_seconds: seconds, candor_cpu_seconds: cpu, xgboost: baseline, max_abs_difference: worst }));
    } else {
      console.log(`| TreeSHAP, ${rows} rows, ${baseline.trees} trees of depth 6, ${F} features | Candor s | xgboost s | ratio (target <= 2x) | Candor CPU s | xgboost CPU s |`);
      console.log('|---|---:|---:|---:|---:|---:|');
      console.log(`| vs xgboost ${baseline.xgboost} pred_contribs, ${baseline.threads_default} threads | ${seconds.toFixed(3)} | ${baseline.seconds_default.toFixed(3)} | ${(seconds / baseline.seconds_default).toFixed(2)}x | ${cpu.toFixed(3)} | ${baseline.cpu_seconds_default.toFixed(3)} |`);
      console.log(`| vs xgboost ${baseline.xgboost} pred_contribs, 1 thread | ${seconds.toFixed(3)} | ${baseline.seconds_1thread.toFixed(3)} | ${(seconds / baseline.seconds_1thread).toFixed(2)}x | ${cpu.toFixed(3)} | ${baseline.cpu_seconds_1thread.toFixed(3)} |`);
      console.log(`\nbest of ${reps} runs each (wall time; CPU time of the process, all threads, as a load-independent check); Candor single-threaded; max |Candor − xgboost| over all contributions: ${worst.toExponential(2)} (xgboost's are float32).`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
