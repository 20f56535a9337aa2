import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeTableCsv } from '../../src/adapters/io/index.js';
import { loadOnnxModel } from '../../src/adapters/onnx.js';
import { runMitigateReduce } from '../../src/cli/mitigate-reduce.js';
import { MitigationResult } from '../../src/mitigate/index.js';
import { candor, tempDir } from '../helpers/cli.js';
import { lendingTable } from '../mitigate/reductions-fixture.js';

/** Runs `candor mitigate reduce` in this process, capturing what it prints. */
async function reduce(args: string[]): Promise<{ code: number; stdout: string }> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  try {
    const code = await runMitigateReduce(args);
    return { code, stdout: chunks.join('') };
  } finally {
    process.stdout.write = write;
  }
}

async function files(): Promise<{ dir: string; train: string; evaluation: string }> {
  const dir = tempDir('candor-reduce-');
  const train = join(dir, 'train.csv');
  const evaluation = join(dir, 'eval.csv');
  await writeTableCsv(lendingTable(1500, 41), train);
  await writeTableCsv(lendingTable(800, 42), evaluation);
  return { dir, train, evaluation };
}

interface Output {
  schemaVersion: number;
  reductions: { method: string; eps: number; out: string; mixture: { weight: number }[]; training: { violation: number }; learnerFits: number }[];
  mitigations: unknown[];
  regression?: { overall: { before: number; after: number }; groups: { key: string; before: number; after: number }[] }[];
}

test('mitigate reduce writes an ONNX mixture, compares before/after on --eval, and candor explain runs on the model', async () => {
  const { dir, train, evaluation } = await files();
  try {
    const out = join(dir, 'fair.onnx');
    const r = await reduce([train, '--label', 'approved', '--positive', 'yes', '--sensitive', 'group', '--constraint', 'equalized_odds', '--exclude', 'amount', '--out', out, '--eval', evaluation, '--bootstrap', '50', '--json']);
    assert.equal(r.code, 0);
    const json = JSON.parse(r.stdout) as Output;
    assert.equal(json.reductions.length, 1);
    const s = json.reductions[0];
    assert.equal(s.method, 'exponentiated_gradient');
    assert.equal(s.eps, 0.01);
    assert.ok(Math.abs(s.mixture.reduce((t, m) => t + m.weight, 0) - 1) < 1e-12);
    assert.ok(s.training.violation <= 1e-9);
    const m = MitigationResult.parse(json.mitigations[0]);
    assert.equal(m.method, 'exponentiated_gradient');
    assert.equal(m.expected, true);
    assert.equal(m.data.file, evaluation);
    assert.equal(m.tradeoff?.disparity, 'equalized_odds_difference');
    assert.ok(m.tradeoff!.after.disparity! < m.tradeoff!.before.disparity!, 'the disparity went down on held-out rows');
    assert.deepEqual(m.groups.map((g) => g.key.group).sort(), ['A', 'B']);
    // The file is the mixture: onnxruntime reads its classes and inputs.
    const onnx = await loadOnnxModel(out);
    assert.deepEqual(onnx.classes, ['no', 'yes']);
    assert.deepEqual(onnx.inputs.map((i) => i.name).sort(), ['debt', 'group', 'income', 'region']);
    await onnx.release();
    const explained = candor(['explain', evaluation, '--model', out, '--label', 'approved', '--positive', 'yes', '--method', 'permutation', '--repeats', '2', '--json']);
    assert.equal(explained.code, 0, explained.stderr);
    const importance = JSON.parse(explained.stdout) as { features?: unknown[] } & Record<string, unknown>;
    assert.ok(JSON.stringify(importance).includes('income'), 'income is among the explained features');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mitigate reduce --sweep fits once per eps, writes one model each and prints the trade-off', async () => {
  const { dir, train, evaluation } = await files();
  try {
    const out = join(dir, 'fair.onnx');
    const text = await reduce([train, '--label', 'approved', '--positive', 'yes', '--sensitive', 'group', '--constraint', 'demographic_parity', '--exclude', 'amount', '--sweep', 'eps=0.01,0.1', '--out', out, '--eval', evaluation, '--bootstrap', '0', '--no-color']);
    assert.equal(text.code, 0);
    assert.ok(existsSync(join(dir, 'fair-eps0.01.onnx')) && existsSync(join(dir, 'fair-eps0.1.onnx')));
    assert.ok(!existsSync(out));
    assert.match(text.stdout, /Exponentiated gradient, demographic parity, eps 0\.01, logistic/);
    assert.match(text.stdout, /Before → after/);
    assert.match(text.stdout, /Trade-off/);
    assert.match(text.stdout, /eps 0\.1/);
    const json = JSON.parse((await reduce([train, '--label', 'approved', '--positive', 'yes', '--sensitive', 'group', '--exclude', 'amount', '--sweep', 'eps=0.01,0.1', '--out', out, '--bootstrap', '0', '--json'])).stdout) as Output;
    assert.deepEqual(json.reductions.map((r) => r.eps), [0.01, 0.1]);
    const [tight, loose] = json.mitigations.map((x) => MitigationResult.parse(x));
    assert.equal(tight.data.split, 'training');
    // A looser bound allows at least as much disparity on the training rows.
    assert.ok(loose.tradeoff!.after.disparity! >= tight.tradeoff!.after.disparity! - 1e-9);
    // eps bounds each group's distance to the overall rate; between two groups that is at most
    // eps / max(p_A, p_B) ≤ 2·eps.
    assert.ok(tight.tradeoff!.after.disparity! <= 2 * 0.01 + 1e-9, 'the training disparity meets eps');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mitigate reduce: grid search with gradient boosting, and bounded group loss for a numeric label', async () => {
  const { dir, train, evaluation } = await files();
  try {
    const out = join(dir, 'grid.onnx');
    const r = await reduce([train, '--label', 'approved', '--positive', 'yes', '--sensitive', 'group', '--constraint', 'true_positive_rate_parity', '--method', 'grid-search', '--learner', 'gbdt', '--grid-size', '4', '--exclude', 'amount', '--out', out, '--eval', evaluation, '--bootstrap', '0', '--json']);
    assert.equal(r.code, 0);
    const json = JSON.parse(r.stdout) as Output;
    assert.equal(json.reductions[0].method, 'grid_search');
    assert.equal(json.reductions[0].mixture.length, 1);
    assert.equal(MitigationResult.parse(json.mitigations[0]).expected, false);
    const onnx = await loadOnnxModel(out);
    assert.deepEqual(onnx.classes, ['no', 'yes']);
    await onnx.release();

    const bgl = await reduce([train, '--label', 'amount', '--sensitive', 'group', '--constraint', 'bounded_group_loss', '--upper-bound', '2.7', '--exclude', 'approved,group', '--out', join(dir, 'bgl.onnx'), '--eval', evaluation, '--json']);
    assert.equal(bgl.code, 0);
    const reg = JSON.parse(bgl.stdout) as Output;
    assert.equal(reg.mitigations.length, 0);
    const cmp = reg.regression![0];
    const worst = (k: 'before' | 'after') => Math.max(...cmp.groups.map((g) => g[k]));
    assert.ok(worst('after') < worst('before'), 'the worst group\'s loss went down');
    const report = await reduce([train, '--label', 'amount', '--sensitive', 'group', '--constraint', 'bounded_group_loss', '--upper-bound', '2.7', '--exclude', 'approved,group', '--out', join(dir, 'bgl.onnx'), '--no-color']);
    assert.match(report.stdout, /mean squared loss/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mitigate reduce writes the before/after section to --report', async () => {
  const { dir, train, evaluation } = await files();
  try {
    const report = join(dir, 'report');
    const r = await reduce([train, '--label', 'approved', '--positive', 'yes', '--sensitive', 'group', '--exclude', 'amount', '--out', join(dir, 'fair.onnx'), '--eval', evaluation, '--bootstrap', '20', '--report', report]);
    assert.equal(r.code, 0);
    const insights = JSON.parse(readFileSync(join(report, 'insights.json'), 'utf8')) as { mitigations: unknown[]; mitigation: { method: string; randomized: boolean } };
    assert.equal(insights.mitigations.length, 1);
    assert.equal(insights.mitigation.method, 'exponentiated_gradient');
    assert.equal(insights.mitigation.randomized, true);
    assert.ok(existsSync(join(report, 'report.html')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mitigate reduce explains what is wrong with its arguments', async () => {
  const { dir, train } = await files();
  try {
    const base = [train, '--label', 'approved', '--sensitive', 'group'];
    await assert.rejects(reduce(base), /--out model\.onnx/);
    await assert.rejects(reduce([...base, '--out', 'x.onnx', '--constraint', 'parity']), /invalid --constraint "parity"/);
    await assert.rejects(reduce([...base, '--out', 'x.onnx', '--method', 'magic']), /invalid --method/);
    await assert.rejects(reduce([...base, '--out', 'x.onnx', '--learner', 'linear']), /invalid --learner/);
    await assert.rejects(reduce([...base, '--out', 'x.onnx', '--eps', '0.1', '--sweep', 'eps=0.1']), /give one/);
    await assert.rejects(reduce([...base, '--out', 'x.onnx', '--sweep', 'grid=3']), /only eps can be swept/);
    await assert.rejects(reduce([train, '--label', 'amount', '--sensitive', 'group', '--constraint', 'bounded_group_loss', '--out', 'x.onnx']), /--upper-bound/);
    await assert.rejects(reduce([train, '--label', 'approved', '--out', 'x.onnx']), /no sensitive feature/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
