// `candor assess` on 10 million rows from one Parquet file (label, prediction, score, three sensitive
// columns with 2, 5 and 8 levels; groupings: each of the three and the 2 x 5 intersection; no
// bootstrap), each timed as a whole process against baselines measured in the same run:
//   (a) --pred: Candor vs a DuckDB process computing the confusion counts with one GROUP BY (target <= 1.2x)
//   (b) --score: Candor vs a DuckDB process computing each group's ROC AUC with rank windows (target <= 0.25x)
//   (c) Candor's metric computation in-process vs a bare pass over typed arrays accumulating the same counts (target <= 1.5x)
//   peak memory (max RSS) of (a) and (b) vs the raw bytes of the columns each needs (target <= 2x)
//   (d) bootstrap: 1,000 resamples on the 16,281 Adult predictions by sex x race (target < 2 s)
// Run: npm run bench -- [--rows N] [--reps N] [--json]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { binaryMetrics, confusionByGroup, groupRows, type CategoricalColumn, type NumericColumn } from '../src/index.js';
import { readTable } from '../src/node.js';
import { assessParquet } from './data.js';

const ROOT = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const rows = arg('--rows', 10_000_000);
const reps = arg('--reps', 3);

interface ProcessRun {
  seconds: number;
  maxRssMB: number;
}

/** Runs a whole process under GNU time: wall seconds and peak resident memory. */
function timeProcess(command: string[]): ProcessRun {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...command], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${command.join(' ')} failed (${r.status}):\n${r.stderr}`);
  const [seconds, kb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { seconds, maxRssMB: kb / 1024 };
}

/** The median of `reps` runs (runs alternate between the candidates, so load affects both alike). */
function compare(candor: string[], baseline: string[]): { candor: ProcessRun; baseline: ProcessRun } {
  const c: ProcessRun[] = [];
  const b: ProcessRun[] = [];
  for (let i = 0; i < reps; i++) {
    b.push(timeProcess(baseline));
    c.push(timeProcess(candor));
  }
  const median = (xs: ProcessRun[]) => {
    const s = [...xs].sort((x, y) => x.seconds - y.seconds);
    return { seconds: s[Math.floor(s.length / 2)].seconds, maxRssMB: Math.max(...xs.map((x) => x.maxRssMB)) };
  };
  return { candor: median(c), baseline: median(b) };
}

function best(f: () => void, times: number): number {
  let min = Infinity;
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    f();
    min = Math.min(min, performance.now() - t0);
  }
  return min / 1000;
}

const file = await assessParquet(rows);
const node = process.execPath;
const candor = [node, join(ROOT, 'bin', 'candor.js'), 'assess', file, '--label', 'label', '--sensitive', 's2', '--sensitive', 's5', '--sensitive', 's8', '--sensitive', 's2,s5', '--bootstrap', '0', '--json'];
const results: Record<string, unknown> = { rows, reps, date: new Date().toISOString().slice(0, 10) };
const lines: string[] = [];

// (a)
const a = compare([...candor, '--pred', 'pred'], [node, join(ROOT, 'bench', 'baselines', 'duckdb-counts.mjs'), file]);
// Raw bytes: label and pred as INTEGER (4 B), each sensitive value as DuckDB's 16-byte string_t.
const rawA = (rows * (4 + 4 + 3 * 16)) / 2 ** 20;
results.a = { ...a, ratio: a.candor.seconds / a.baseline.seconds, rawMB: rawA, memoryRatio: a.candor.maxRssMB / rawA };
lines.push(`| (a) assess --pred vs DuckDB GROUP BY counts | ${a.candor.seconds.toFixed(2)} s | ${a.baseline.seconds.toFixed(2)} s | ${(a.candor.seconds / a.baseline.seconds).toFixed(2)}x (≤ 1.2x) | ${a.candor.maxRssMB.toFixed(0)} MB of ${rawA.toFixed(0)} MB raw (${(a.candor.maxRssMB / rawA).toFixed(2)}x, ≤ 2x) |`);

// (b)
const b = compare([...candor, '--score', 'score', '--no-curves'], [node, join(ROOT, 'bench', 'baselines', 'duckdb-auc.mjs'), file]);
const rawB = (rows * (4 + 8 + 3 * 16)) / 2 ** 20;
results.b = { ...b, ratio: b.candor.seconds / b.baseline.seconds, rawMB: rawB, memoryRatio: b.candor.maxRssMB / rawB };
lines.push(`| (b) assess --score vs DuckDB rank-window AUC | ${b.candor.seconds.toFixed(2)} s | ${b.baseline.seconds.toFixed(2)} s | ${(b.candor.seconds / b.baseline.seconds).toFixed(2)}x (≤ 0.25x) | ${b.candor.maxRssMB.toFixed(0)} MB of ${rawB.toFixed(0)} MB raw (${(b.candor.maxRssMB / rawB).toFixed(2)}x, ≤ 2x) |`);
const withCurves = timeProcess([...candor, '--score', 'score']);
results.bWithCurves = withCurves;
lines.push(`| (b′) the same with threshold, ROC, PR and calibration curves | ${withCurves.seconds.toFixed(2)} s | ${b.baseline.seconds.toFixed(2)} s | ${(withCurves.seconds / b.baseline.seconds).toFixed(2)}x | ${withCurves.maxRssMB.toFixed(0)} MB |`);

// (c) in-process: Candor's metric computation vs a bare pass, on the same typed arrays.
const { table } = await readTable(file, {});
const label = (table.column('label') as NumericColumn).values;
const predF = (table.column('pred') as NumericColumn).values;
const y = new Uint8Array(rows);
const p = new Uint8Array(rows);
for (let i = 0; i < rows; i++) {
  y[i] = label[i];
  p[i] = predF[i];
}
const groupings = [['s2'], ['s5'], ['s8'], ['s2', 's5']].map((by) => groupRows(table, by, null));
const candorCompute = best(() => {
  for (const g of groupings) binaryMetrics(confusionByGroup(g.codes, g.keys.length, y, p));
}, 5);
function barePass(codes: Int32Array, k: number, yy: Uint8Array, pp: Uint8Array): Float64Array {
  const counts = new Float64Array(4 * k);
  for (let i = 0; i < codes.length; i++) counts[4 * codes[i] + 2 * yy[i] + pp[i]]++;
  return counts;
}
const bare = best(() => {
  for (const g of groupings) barePass(g.codes, g.keys.length, y, p);
}, 5);
const encode = best(() => {
  for (const by of [['s2'], ['s5'], ['s8'], ['s2', 's5']]) groupRows(table, by, null);
}, 3);
results.c = { candorSeconds: candorCompute, bareSeconds: bare, ratio: candorCompute / bare, groupEncodingSeconds: encode };
lines.push(`| (c) metric computation (4 groupings) vs a bare typed-array pass | ${candorCompute.toFixed(3)} s | ${bare.toFixed(3)} s | ${(candorCompute / bare).toFixed(2)}x (≤ 1.5x) | group codes from the dictionary columns: ${encode.toFixed(3)} s |`);
void (table.column('s2') as CategoricalColumn);

// (d) bootstrap on Adult.
const adult = join(ROOT, '..', 'shared', 'conformance', 'adult_test_predictions.csv');
if (existsSync(adult)) {
  const runs = Array.from({ length: reps }, () => timeProcess([node, join(ROOT, 'bin', 'candor.js'), 'assess', adult, '--label', 'y_true', '--pred', 'y_pred', '--score', 'y_score', '--sensitive', 'sex,race', '--bootstrap', '1000', '--json']));
  const d = runs.map((r) => r.seconds).sort((x, z) => x - z)[Math.floor(runs.length / 2)];
  results.d = { seconds: d };
  lines.push(`| (d) Adult predictions, sex × race, 1,000 bootstrap resamples (whole process) | ${d.toFixed(2)} s | — | < 2 s | |`);
} else lines.push(`| (d) skipped: ${adult} not found | | | | |`);

if (args.includes('--json')) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
else {
  process.stdout.write(`assess benchmark, ${rows.toLocaleString('en-US')} rows, median of ${reps} runs (${results.date})\n\n`);
  process.stdout.write('| measurement | Candor | baseline | ratio (target) | memory / notes |\n| --- | --- | --- | --- | --- |\n');
  process.stdout.write(`${lines.join('\n')}\n`);
}
