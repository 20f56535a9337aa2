// `candor mitigate postprocess`, `candor assess --mitigation` and `candor predict --mitigation`
// through the command line: Fairlearn 0.9's thresholds and expected test metrics on Adult
// (../shared/conformance/adult_threshold_optimizer.json), seeded draws that repeat, the report's
// before/after section, a multiclass rule, and clear errors with exit code 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../../src/index.js';
import { Insights } from '../../src/report/index.js';
import { assertClose } from '../helpers/assert-close.js';
import { candor, needsShared, SHARED, tempDir } from '../helpers/cli.js';

const CONFORMANCE = join(SHARED, 'conformance');
const TRAIN = join(CONFORMANCE, 'adult_train_predictions.csv');
const TEST = join(CONFORMANCE, 'adult_test_predictions.csv');
const skip = needsShared('conformance', 'adult_threshold_optimizer.json');
const conformance = () => JSON.parse(readFileSync(join(CONFORMANCE, 'adult_threshold_optimizer.json'), 'utf8'));
const reference = () => conformance().results;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function ok(args: string[]): string {
  const r = candor(args);
  assert.equal(r.code, 0, `candor ${args.join(' ')}\n${r.stderr}`);
  return r.stdout;
}

function fails(args: string[], message: RegExp): void {
  const r = candor(args);
  assert.equal(r.code, 2, `expected exit 2 from candor ${args.join(' ')}, got ${r.code}\n${r.stdout}${r.stderr}`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, 'a user error has no stack');
}

const RATES: [string, string][] = [
  ['selection_rate', 'selection_rate'],
  ['true_positive_rate', 'tpr'],
  ['false_positive_rate', 'fpr'],
  ['accuracy', 'accuracy'],
];

for (const constraint of ['demographic_parity', 'equalized_odds'] as const) {
  test(`mitigate postprocess --constraint ${constraint}: Fairlearn's thresholds, and assess --mitigation its expected test metrics (Adult)`, { skip }, () => {
    const ref = reference()[constraint];
    const dir = tempDir();
    const file = join(dir, 'mitigation.json');
    const out = JSON.parse(ok(['mitigate', 'postprocess', TRAIN, '--label', 'y_true', '--score', 'y_score', '--sensitive', 'sex', '--constraint', constraint, '--objective', 'accuracy', '--grid', '1000', '--out', file, '--eval', TEST, '--bootstrap', '0', '--json'])) as Json;
    const m = out.mitigation;
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), m, 'the file holds the printed mitigation');
    assert.equal(m.constraint, constraint);
    for (const g of m.groups) {
      const r = ref.interpolation_by_group[g.key.sex];
      for (const k of ['p0', 'p1'] as const) assertClose(g[k], r[k], `${g.key.sex} ${k}`, 1e-12);
      assertClose(g.operation0.threshold, r.operation0.threshold, `${g.key.sex} threshold0`, 1e-12);
      assertClose(g.operation1.threshold, r.operation1.threshold, `${g.key.sex} threshold1`, 1e-12);
      assertClose(g.p_ignore, r.p_ignore ?? 0, `${g.key.sex} p_ignore`, 1e-12);
    }
    // The before/after section, evaluated on the test rows: "after" is Fairlearn's expected test metrics.
    const ba = out.mitigations[0];
    assert.equal(ba.expected, true);
    assert.equal(ba.data.split, 'evaluation');
    const expected = ref.expected_test;
    for (const [ours, theirs] of RATES) {
      assertClose(ba.overall.metrics[ours]?.after ?? null, expected.overall[theirs], `before/after overall ${ours}`, 1e-6);
      for (const g of ba.groups) assertClose(g.metrics[ours]?.after ?? null, expected[g.key.sex][theirs], `before/after ${g.key.sex} ${ours}`, 1e-6);
    }
    const unmitigated = conformance().base_model.unmitigated_test;
    assertClose(ba.overall.metrics.selection_rate.before, unmitigated.overall.selection_rate, 'before: score >= 0.5', 1e-9);
    const disparity = (id: string) => ba.disparities.find((d: Json) => d.metric === id);
    assertClose(disparity('demographic_parity_difference').after, expected.demographic_parity_difference, 'demographic parity difference', 1e-6);
    assertClose(disparity('equalized_odds_difference').after, expected.equalized_odds_difference, 'equalized odds difference', 1e-6);
    assertClose(ba.accuracyCost.after, expected.overall.accuracy, 'accuracy after', 1e-6);

    // assess --mitigation: the same expected metrics in its usual fields.
    const insights = JSON.parse(ok(['assess', TEST, '--label', 'y_true', '--sensitive', 'sex', '--mitigation', file, '--bootstrap', '0', '--json'])) as Json;
    assert.equal(insights.mitigation.mode, 'expected');
    for (const [ours, theirs] of RATES) {
      assertClose(insights.overall[ours], expected.overall[theirs], `assess overall ${ours}`, 1e-6);
      for (const g of insights.groups) assertClose(g.metrics[ours], expected[g.key.sex][theirs], `assess ${g.key.sex} ${ours}`, 1e-6);
    }
    assert.equal(insights.overall.count, expected.overall.count);
    assertClose(insights.fairness[0].demographic_parity_difference, expected.demographic_parity_difference, 'assess demographic parity difference', 1e-6);
    assertClose(insights.fairness[0].equalized_odds_difference, expected.equalized_odds_difference, 'assess equalized odds difference', 1e-6);
  });
}

test('a randomised draw: same seed, same decisions (assess --randomize and predict --mitigation), the expected metrics beside it', () => {
  const dir = tempDir();
  const { train, evaluation } = files(dir);
  const file = join(dir, 'mitigation.json');
  ok(['mitigate', 'postprocess', train, '--label', 'y', '--score', 's', '--sensitive', 'grp', '--constraint', 'equalized_odds', '--out', file, '--bootstrap', '0']);
  const draw = () => ok(['assess', evaluation, '--label', 'y', '--sensitive', 'grp', '--mitigation', file, '--randomize', '--seed', '5', '--bootstrap', '0', '--json']);
  const a = draw();
  assert.equal(draw(), a, 'the same seed draws the same decisions');
  const insights = JSON.parse(a) as Json;
  assert.equal(insights.mitigation.mode, 'draw');
  assert.equal(insights.mitigation.seed, 5);
  const expected = JSON.parse(ok(['assess', evaluation, '--label', 'y', '--sensitive', 'grp', '--mitigation', file, '--bootstrap', '0', '--json'])) as Json;
  assert.deepEqual(insights.mitigation.expected.overall, expected.overall, 'the expected metrics beside the draw');
  assert.deepEqual(insights.mitigation.expected.fairness, expected.fairness);
  assert.notEqual(insights.overall.selection_rate, expected.overall.selection_rate, 'a draw is not the expectation');

  const predict = (name: string) => {
    const path = join(dir, name);
    ok(['predict', evaluation, '--mitigation', file, '--seed', '5', '--out', path]);
    return readFileSync(path, 'utf8');
  };
  const p1 = predict('a.csv');
  assert.equal(predict('b.csv'), p1);
  const lines = p1.trim().split('\n');
  const header = lines[0].split(',');
  const decision = header.indexOf('mitigated_prediction');
  const probability = header.indexOf('mitigated_probability');
  assert.ok(decision > 0 && probability > 0, header.join(','));
  let positives = 0;
  let mean = 0;
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    assert.ok(cells[decision] === '0' || cells[decision] === '1');
    const p = Number(cells[probability]);
    assert.ok(p >= 0 && p <= 1);
    if (p === 0) assert.equal(cells[decision], '0');
    if (p === 1) assert.equal(cells[decision], '1');
    positives += Number(cells[decision]);
    mean += p;
  }
  assertClose(mean / (lines.length - 1), expected.overall.selection_rate, 'mean P(positive) is the expected selection rate', 1e-9);
  // predict and assess --randomize draw the same decisions for the same seed.
  assertClose(positives / (lines.length - 1), insights.overall.selection_rate, 'predict and assess draw alike', 1e-12);
});

/** A small synthetic training and evaluation file. */
function files(dir: string) {
  const random = new Random(4);
  const make = (n: number, groups: string[]) => {
    const lines = ['y,s,grp,label3,p_a,p_b,p_c,word'];
    for (let i = 0; i < n; i++) {
      const grp = groups[i % groups.length];
      const y = random.next() < (grp === 'a' ? 0.3 : 0.5) ? 1 : 0;
      const s = 1 / (1 + Math.exp(-random.normal(y ? 0.8 : -0.8, 1) - (grp === 'a' ? -0.4 : 0.3)));
      const e = [random.normal() + (grp === 'a' ? 0.8 : 0), random.normal(), random.normal()].map(Math.exp);
      const z = e[0] + e[1] + e[2];
      const k = random.next() * z < e[0] ? 'a' : random.next() < 0.5 ? 'b' : 'c';
      lines.push(`${y},${s.toFixed(6)},${grp},${k},${(e[0] / z).toFixed(6)},${(e[1] / z).toFixed(6)},${(e[2] / z).toFixed(6)},w${i % 3}`);
    }
    return `${lines.join('\n')}\n`;
  };
  const train = join(dir, 'train.csv');
  const evaluation = join(dir, 'eval.csv');
  const foreign = join(dir, 'foreign.csv');
  writeFileSync(train, make(1200, ['a', 'b']));
  writeFileSync(evaluation, make(600, ['a', 'b']));
  writeFileSync(foreign, make(30, ['a', 'b', 'zz']));
  return { train, evaluation, foreign };
}

test('--report writes insights.json and report.html with the before/after section; without --eval it says so', () => {
  const dir = tempDir();
  const { train } = files(dir);
  const file = join(dir, 'm.json');
  const report = join(dir, 'report');
  const text = ok(['mitigate', 'postprocess', train, '--label', 'y', '--score', 's', '--sensitive', 'grp', '--constraint', 'true_positive_rate_parity', '--out', file, '--report', report, '--bootstrap', '50']);
  assert.match(text, /threshold optimizer, true positive rate parity/);
  assert.match(text, /evaluated on the training rows/);
  assert.match(text, /Accuracy cost:/);
  const insights = Insights.parse(JSON.parse(readFileSync(join(report, 'insights.json'), 'utf8')));
  const entry = insights.mitigations![0];
  assert.equal(entry.data.split, 'training');
  assert.match(entry.data.note ?? '', /training rows/);
  assert.equal(entry.tradeoff?.disparity, 'equal_opportunity_difference');
  const eo = entry.disparities.find((d) => d.metric === 'equal_opportunity_difference')!;
  assert.ok(eo.after! < 1e-9, `on the training rows the TPRs are equal: ${eo.after}`);
  assert.equal(insights.mitigation?.mode, 'expected');
  const html = readFileSync(join(report, 'report.html'), 'utf8');
  assert.match(html, /Mitigation: before and after/);
  assert.match(html, /evaluated on the training rows/);
});

test('multiclass: one score column per class fits selection-rate parity; assess and predict apply it', () => {
  const dir = tempDir();
  const { train, evaluation } = files(dir);
  const file = join(dir, 'mc.json');
  const out = JSON.parse(ok(['mitigate', 'postprocess', train, '--label', 'label3', '--score', 'p_a,p_b,p_c', '--sensitive', 'grp', '--out', file, '--eval', evaluation, '--bootstrap', '0', '--json'])) as Json;
  assert.equal(out.mitigation.task, 'multiclass');
  assert.deepEqual(out.mitigation.classes, ['a', 'b', 'c']);
  assert.ok(out.mitigation.violation <= 1 / 600 + 1e-12, `training violation ${out.mitigation.violation}`);
  const ba = out.mitigations[0];
  assert.equal(ba.task, 'multiclass');
  const max = ba.disparities.find((d: Json) => d.metric === 'selection_rate_difference_max');
  assert.ok(max.after < max.before, `class-rate disparity ${max.before} → ${max.after}`);
  const insights = JSON.parse(ok(['assess', evaluation, '--label', 'label3', '--sensitive', 'grp', '--mitigation', file, '--bootstrap', '0', '--json'])) as Json;
  assert.equal(insights.task, 'multiclass');
  assert.equal(insights.mitigation.mode, 'deterministic');
  assertClose(insights.overall.accuracy, ba.overall.metrics.accuracy.after, 'assess and the before/after agree');
  const path = join(dir, 'mc.csv');
  ok(['predict', evaluation, '--mitigation', file, '--out', path]);
  const rows = readFileSync(path, 'utf8').trim().split('\n');
  const at = rows[0].split(',').indexOf('mitigated_prediction');
  assert.ok(rows.slice(1).every((r) => ['a', 'b', 'c'].includes(r.split(',')[at])));
});

test('clear errors, exit 2: bad or missing mitigation file, unknown group, missing or non-numeric score, bad flags', () => {
  const dir = tempDir();
  const { train, foreign } = files(dir);
  const file = join(dir, 'm.json');
  ok(['mitigate', 'postprocess', train, '--label', 'y', '--score', 's', '--sensitive', 'grp', '--out', file, '--bootstrap', '0', '--deterministic']);
  // The deterministic variant reports its violation and writes one threshold per group.
  const m = JSON.parse(readFileSync(file, 'utf8')) as Json;
  assert.equal(m.randomized, false);
  assert.ok(m.groups.every((g: Json) => g.p0 === 1 && g.p1 === 0 && g.p_ignore === 0));
  assert.ok(typeof m.violation === 'number' && m.violation >= 0);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{ not json');
  fails(['assess', train, '--label', 'y', '--mitigation', bad], /bad\.json is not valid JSON.*candor mitigate postprocess/);
  writeFileSync(bad, JSON.stringify({ kind: 'candor-mitigation', schemaVersion: 1, task: 'binary' }));
  fails(['predict', train, '--mitigation', bad, '--out', join(dir, 'x.csv')], /bad\.json is not a valid mitigation: method: .*label: .*; and \d+ more; refit it/);
  fails(['assess', train, '--label', 'y', '--mitigation', join(dir, 'none.json')], /mitigation file not found: .*none\.json/);
  fails(['assess', foreign, '--label', 'y', '--sensitive', 'grp', '--mitigation', file], /grp = "zz" \(10 rows\) is not a group the mitigation was fitted on \("a", "b"\)/);
  // The fix the message suggests works: leave the group's rows out.
  assert.equal(JSON.parse(ok(['assess', foreign, '--label', 'y', '--sensitive', 'grp', '--mitigation', file, '--where', "grp != 'zz'", '--bootstrap', '0', '--json'])).rows, 20);
  fails(['mitigate', 'postprocess', train, '--label', 'y', '--score', 'sc', '--sensitive', 'grp', '--out', file], /unknown column: "sc" \(did you mean "s"/);
  fails(['mitigate', 'postprocess', train, '--label', 'y', '--score', 'word', '--sensitive', 'grp', '--out', file], /score column "word" is not numeric/);
  fails(['mitigate', 'postproces', train], /unknown mitigation method "postproces" \(did you mean "postprocess"\?\)/);
  fails(['assess', train, '--label', 'y', '--pred', 's > 0.5', '--mitigation', file], /--pred and --mitigation both give the predictions/);
});
