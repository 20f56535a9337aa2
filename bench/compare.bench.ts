// Comparing two models over 1 million rows with 10 cohorts and a paired bootstrap of 200
// resamples (issue 6's target: under 5 seconds), in process, seeded data. No external baseline
// exists for this; the bare cost of one pass computing both models' confusion counts per cohort
// is measured alongside for scale.
// Run: npm run bench (or node --import tsx bench/compare.bench.ts [--rows N])
import { compareModels, numericColumn, categoricalColumn, Random, Table } from '../src/index.js';

const args = process.argv.slice(2);
const rows = args.includes('--rows') ? Number(args[args.indexOf('--rows') + 1]) : 1_000_000;
const r = new Random(7);
const label = new Float64Array(rows);
const a = new Float64Array(rows);
const b = new Float64Array(rows);
const x = new Float64Array(rows);
const region: string[] = new Array(rows);
const regions = ['north', 'south', 'east', 'west', 'centre'];
for (let i = 0; i < rows; i++) {
  x[i] = r.next();
  region[i] = regions[r.int(5)];
  label[i] = r.next() < 0.3 + 0.4 * x[i] ? 1 : 0;
  a[i] = r.next() < 0.8 ? label[i] : 1 - label[i];
  b[i] = r.next() < 0.82 ? label[i] : 1 - label[i];
}
const table = new Table([numericColumn('y', label), numericColumn('v1', a), numericColumn('v2', b), numericColumn('x', x), categoricalColumn('region', region)]);
const cohorts = Array.from({ length: 10 }, (_, k) => ({ name: `decile_${k}`, expression: `x >= ${k / 10} and x < ${(k + 1) / 10}` }));

const t0 = performance.now();
const c = compareModels(table, { label: 'y', models: [{ name: 'v1', pred: 'v1' }, { name: 'v2', pred: 'v2' }], cohorts, sensitive: [['region']], bootstrap: 200, seed: 1 });
const seconds = (performance.now() - t0) / 1000;

const t1 = performance.now();
const counts = new Float64Array(10 * 8);
for (let i = 0; i < rows; i++) counts[Math.min(9, Math.floor(x[i] * 10)) * 8 + label[i] * 4 + a[i] * 2 + b[i]]++;
const bare = (performance.now() - t1) / 1000;

process.stdout.write(`compare benchmark, ${rows.toLocaleString('en-US')} rows, 2 models, 10 cohorts + 5 groups, 200 paired resamples\n\n`);
process.stdout.write('| measurement | seconds | target |\n| --- | --- | --- |\n');
process.stdout.write(`| compareModels (metrics, deltas with paired intervals, BTC/BEC) | ${seconds.toFixed(2)} | < 5 s |\n`);
process.stdout.write(`| for scale: one bare pass counting joint cells per cohort | ${bare.toFixed(3)} | — |\n`);
process.stdout.write(`\n(BTC overall ${c.compatibility[0]?.btc?.toFixed(4)})\n`);
