// candor compare and candor gate end to end on the Adult conformance predictions: the --json
// document, backward compatibility against a direct computation, gate exit codes, JUnit and Markdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ComparisonDocument } from '../../src/compare/index.js';
import { Insights } from '../../src/report/insights.js';
import { candor, type CliResult, needsShared, ROOT, SHARED, tempDir } from '../helpers/cli.js';

const DATA = join(SHARED, 'conformance', 'adult_test_predictions.csv');
const skip = needsShared('conformance', 'adult_test_predictions.csv');
const dir = tempDir();
const MODELS = ['--label', 'y_true', '--pred', 'v1=y_pred', '--pred', 'v2=y_score >= 0.3'];

/** Runs a verb through the `candor` binary. */
function run(verb: 'compare' | 'gate', args: string[]): CliResult {
  return candor([verb, ...args]);
}

/** BTC, BEC and new errors of y_pred → (y_score >= 0.3), by a loop over the CSV text. */
function direct(filter: (sex: string) => boolean) {
  const [head, ...lines] = readFileSync(DATA, 'utf8').trim().split('\n');
  const cols = head.split(',');
  const [iy, is, ip, isex] = ['y_true', 'y_score', 'y_pred', 'sex'].map((c) => cols.indexOf(c));
  let oldRight = 0, bothRight = 0, newWrong = 0, bothWrong = 0, newErrors = 0;
  for (const line of lines) {
    const f = line.split(',');
    if (!filter(f[isex])) continue;
    const y = Number(f[iy]);
    const a = Number(f[ip]);
    const b = Number(f[is]) >= 0.3 ? 1 : 0;
    if (a === y) oldRight++;
    if (a === y && b === y) bothRight++;
    if (b !== y) newWrong++;
    if (a !== y && b !== y) bothWrong++;
    if (a === y && b !== y) newErrors++;
  }
  return { btc: bothRight / oldRight, bec: bothWrong / newWrong, newErrors };
}

test('candor compare --json prints the models, metrics with deltas and intervals, and compatibility equal to a direct computation', { skip }, () => {
  const r = run('compare', [DATA, ...MODELS, '--sensitive', 'sex', '--cohort', "women=sex = 'Female'", '--bootstrap', '200', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  const parsed = ComparisonDocument.safeParse(doc);
  assert.ok(parsed.success, parsed.error?.message);
  assert.equal(doc.schemaVersion, 1);
  assert.deepEqual(doc.models.map((m: { name: string }) => m.name), ['v1', 'v2']);
  assert.equal(doc.baseline, 'v1');
  assert.equal(doc.rows, 16281);
  const acc = doc.overall.deltas.v2.accuracy;
  assert.ok(Math.abs(acc.value - (doc.overall.metrics.v2.accuracy - doc.overall.metrics.v1.accuracy)) < 1e-12);
  assert.equal(acc.interval.length, 2);
  assert.equal(acc.mark, acc.interval[0] > 0 ? 'up' : acc.interval[1] < 0 ? 'down' : 'same');
  assert.equal(doc.cohorts[0].name, 'women');
  assert.ok(doc.cohorts[0].deltas.v2.recall.interval);
  assert.equal(doc.groups.length, 2);
  const overall = doc.compatibility.find((c: { cohort: string | null; group: unknown }) => c.cohort === null && c.group === null);
  const women = doc.compatibility.find((c: { cohort: string | null }) => c.cohort === 'women');
  for (const [got, want] of [[overall, direct(() => true)], [women, direct((s) => s === 'Female')]] as const) {
    assert.equal(got.baseline, 'v1');
    assert.equal(got.model, 'v2');
    assert.ok(Math.abs(got.btc - want.btc) < 1e-12);
    assert.ok(Math.abs(got.bec - want.bec) < 1e-12);
    assert.equal(got.newErrors, want.newErrors);
  }
  // The row mask of the new-errors cohort stays out of the JSON document; its count is there.
  assert.equal(doc.newErrors[0].count, direct(() => true).newErrors);
  assert.equal(doc.newErrors[0].mask, undefined);
});

test('candor compare prints a table per cohort with ↑/↓/≈ marks, and BTC/BEC', { skip }, () => {
  const r = run('compare', [DATA, ...MODELS, '--cohort', "women=sex = 'Female'", '--bootstrap', '200', '--baseline', 'v2']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /baseline v2/);
  assert.match(r.stdout, /^All rows \(16,281 rows\)/m);
  assert.match(r.stdout, /^Cohort women: sex = 'Female' \(5,421 rows\)/m);
  assert.match(r.stdout, /accuracy .* \+0\.024 ↑ \[/);
  assert.match(r.stdout, /[↓]/);
  assert.match(r.stdout, /Backward compatibility/);
  assert.match(r.stdout, /v1 vs v2/);
});

test('candor compare rejects a bad --pred and an unknown --baseline with one clear message', { skip }, () => {
  const r1 = run('compare', [DATA, '--label', 'y_true', '--pred', 'y_pred']);
  assert.equal(r1.code, 2);
  assert.match(r1.stderr, /invalid --pred "y_pred": expected NAME=COLUMN/);
  const r2 = run('compare', [DATA, ...MODELS, '--baseline', 'v3']);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /unknown --baseline "v3" \(models are v1, v2\)/);
});

const GATES = (accuracyInWomen: number) => `# release gates for v2
gates:
  - { metric: accuracy, op: '>=', value: 0.8 }
  - { metric: accuracy, op: '>=', value: ${accuracyInWomen}, cohort: women }
  - { metric: false_positive_rate, by: sex, difference: '<= 0.2' }
  - { metric: recall, change: '>= -0.01', scope: every cohort }
  - { btc: '>= 0.9' }
`;

test('candor gate exits 1 listing exactly the failing check, and 0 once its bound is fixed', { skip }, () => {
  const failing = join(dir, 'gates-failing.yaml');
  writeFileSync(failing, GATES(0.95));
  const junit = join(dir, 'gates.xml');
  const markdown = join(dir, 'gates.md');
  const r = run('gate', [DATA, ...MODELS, '--sensitive', 'sex', '--cohort', "women=sex = 'Female'", '--gates', failing, '--junit', junit, '--markdown', markdown]);
  assert.equal(r.code, 1, r.stderr);
  const fails = r.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
  assert.deepEqual(fails, ['FAIL v2: accuracy in cohort "women" >= 0.95: value 0.916436, bound >= 0.95, cohort women']);
  assert.match(r.stdout, /4 of 5 checks passed; 1 failed/);

  // JUnit: well-formed XML, one testcase per check, one failure.
  const xml = readFileSync(junit, 'utf8');
  const root = parseXml(xml);
  assert.equal(root.name, 'testsuites');
  assert.equal(root.attributes.tests, '5');
  assert.equal(root.attributes.failures, '1');
  const suite = root.children[0];
  const cases = suite.children.filter((c) => c.name === 'testcase');
  assert.equal(cases.length, 5);
  const failed = cases.filter((c) => c.children.some((x) => x.name === 'failure'));
  assert.equal(failed.length, 1);
  assert.equal(failed[0].attributes.name, 'v2: accuracy in cohort "women" >= 0.95');
  assert.match(failed[0].children[0].attributes.message, /value 0\.916436, bound >= 0\.95, cohort women/);
  assert.match(readFileSync(markdown, 'utf8'), /## Candor gate: failed[\s\S]*4 of 5 checks passed[\s\S]*\| ❌ \| v2: accuracy in cohort "women" >= 0\.95 \|/);

  const fixed = join(dir, 'gates-fixed.yaml');
  writeFileSync(fixed, GATES(0.9));
  const ok = run('gate', [DATA, ...MODELS, '--sensitive', 'sex', '--cohort', "women=sex = 'Female'", '--gates', fixed]);
  assert.equal(ok.code, 0, ok.stderr + ok.stdout);
  assert.doesNotMatch(ok.stdout, /FAIL/);
  assert.match(ok.stdout, /5 of 5 checks passed/);
});

test('candor gate reports every problem of a gate file at once and exits 2', { skip }, () => {
  const bad = join(dir, 'gates-bad.json');
  writeFileSync(bad, JSON.stringify({ gates: [{ metric: 'accuracy', op: '=>', value: 0.8 }, { btc: 'high' }] }));
  const r = run('gate', [DATA, ...MODELS, '--gates', bad]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /gates-bad\.json: 2 problems: gates\[0\]\.op: .*; gates\[1\]\.btc: expected an operator and a number/);
  const unknown = join(dir, 'gates-unknown.yaml');
  writeFileSync(unknown, "gates:\n  - { metric: accuracy, op: '>=', value: 0.8, cohort: seniors }\n  - { metric: acuracy, change: '>= 0' }\n");
  const r2 = run('gate', [DATA, ...MODELS, '--gates', unknown]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /2 problems in the gates: gates\[0\]\.cohort: unknown cohort "seniors".*; gates\[1\]\.metric: unknown metric "acuracy"/);
});

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
}

/** A strict little XML reader (elements, attributes, text, the declaration): throws on anything malformed. */
function parseXml(text: string): XmlElement {
  let i = 0;
  const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  const fail = (what: string): never => {
    throw new Error(`malformed XML at ${i}: ${what}`);
  };
  const skipSpace = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  if (text.startsWith('<?xml')) i = text.indexOf('?>') + 2;
  const element = (): XmlElement => {
    skipSpace();
    if (text[i] !== '<') fail('expected <');
    const name = /^<([A-Za-z_][\w.-]*)/.exec(text.slice(i))?.[1] ?? fail('element name');
    i += name.length + 1;
    const attributes: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (text.startsWith('/>', i)) {
        i += 2;
        return { name, attributes, children: [] };
      }
      if (text[i] === '>') break;
      const m = /^([A-Za-z_][\w.-]*)="([^"<]*)"/.exec(text.slice(i)) ?? fail('attribute');
      if (m[1] in attributes) fail(`duplicate attribute ${m[1]}`);
      attributes[m[1]] = decode(m[2]);
      i += m[0].length;
    }
    i++;
    const children: XmlElement[] = [];
    for (;;) {
      const next = text.indexOf('<', i);
      if (next < 0) fail(`unclosed <${name}>`);
      if (/&(?!(lt|gt|quot|apos|amp);)/.test(text.slice(i, next))) fail('bare &');
      i = next;
      if (text.startsWith(`</${name}>`, i)) {
        i += name.length + 3;
        return { name, attributes, children };
      }
      if (text.startsWith('</', i)) fail(`mismatched close tag in <${name}>`);
      children.push(element());
    }
  };
  const root = element();
  skipSpace();
  if (i !== text.length) fail('content after the root element');
  return root;
}

test('candor compare --model runs a model on the rows and compares it with a predictions column', async () => {
  const fixture = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'xgboost', 'binary.data.json'), 'utf8')) as { features: string[]; rows: (number | null)[][]; predictions: number[] };
  const model = join(ROOT, 'test', 'fixtures', 'xgboost', 'binary.model.json');
  const rows = fixture.rows.map((r, i) => {
    const p = fixture.predictions[i] >= 0.5 ? 1 : 0;
    const label = i % 7 === 0 ? 1 - p : p;
    const old = i % 5 === 0 ? 1 - label : label;
    return [...r.map((v) => (v === null ? '' : String(v))), String(label), String(old)].join(',');
  });
  const path = join(dir, 'customers.csv');
  writeFileSync(path, [[...fixture.features, 'churned', 'old'].join(','), ...rows].join('\n'));
  const r = run('compare', [path, '--label', 'churned', '--pred', 'v1=old', '--model', 'v2=' + model, '--exclude', 'churned,old', '--bootstrap', '100', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.models[1].name, 'v2');
  // Direct: v1 right on rows i % 5 != 0; v2 (the model) wrong exactly on rows i % 7 == 0.
  const n = fixture.rows.length;
  let oldRight = 0, bothRight = 0, newWrong = 0, bothWrong = 0;
  for (let i = 0; i < n; i++) {
    const a = i % 5 !== 0;
    const b = i % 7 !== 0;
    if (a) oldRight++;
    if (a && b) bothRight++;
    if (!b) newWrong++;
    if (!a && !b) bothWrong++;
  }
  const overall = doc.compatibility[0];
  assert.ok(Math.abs(overall.btc - bothRight / oldRight) < 1e-12, `${overall.btc}`);
  assert.ok(Math.abs(overall.bec - bothWrong / newWrong) < 1e-12, `${overall.bec}`);
  assert.ok('roc_auc' in doc.overall.metrics.v2, 'the model score gives score metrics');
  assert.equal(doc.overall.deltas.v2.roc_auc?.interval ?? null, null);
});

/** Adult's predictions with a second model: its score is y_score moved up for women and down for men. */
function adultWithSecondScore(): string {
  const [head, ...lines] = readFileSync(DATA, 'utf8').trim().split('\n');
  const cols = head.split(',');
  const [is, isex] = ['y_score', 'sex'].map((c) => cols.indexOf(c));
  const out = lines.map((line) => {
    const f = line.split(',');
    const s2 = Math.min(1, Math.max(0, Number(f[is]) + (f[isex] === 'Female' ? 0.08 : -0.03)));
    return `${line},${s2}`;
  });
  const path = join(dir, 'adult-two-scores.csv');
  writeFileSync(path, [`${head},s2`, ...out].join('\n'));
  return path;
}

test('candor compare with --score for both models: score-metric deltas with paired intervals whose marks agree with them', { skip }, () => {
  const path = adultWithSecondScore();
  const r = run('compare', [path, '--label', 'y_true', '--pred', 'v1=y_pred', '--score', 'v1=y_score', '--pred', 'v2=s2 >= 0.5', '--score', 'v2=s2', '--cohort', "women=sex = 'Female'", '--sensitive', 'race', '--bootstrap', '100', '--no-regressions', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.ok(ComparisonDocument.safeParse(doc).success);
  let n = 0;
  for (const s of [doc.overall, ...doc.cohorts, ...doc.groups]) {
    for (const id of ['roc_auc', 'average_precision', 'log_loss', 'brier_score']) {
      const d = s.deltas.v2[id];
      if (d.value === null) continue;
      assert.ok(d.interval, `${id} has an interval`);
      n++;
      assert.equal(d.mark === 'same', d.interval[0] <= 0 && d.interval[1] >= 0, `${id}: ${d.mark} for ${d.interval}`);
      if (d.mark !== 'same') assert.equal(Math.sign(d.value), d.mark === 'up' ? 1 : -1);
    }
  }
  assert.ok(n >= 4 * 3, `${n} score deltas`);
  assert.equal(doc.regressions, undefined, '--no-regressions');
  const text = run('compare', [path, '--label', 'y_true', '--pred', 'v1=y_pred', '--score', 'v1=y_score', '--pred', 'v2=s2 >= 0.5', '--score', 'v2=s2', '--bootstrap', '50', '--no-regressions']);
  assert.match(text.stdout, /^roc_auc .* [−+]0\.\d{3} [↑↓≈] \[/m);
});

test('candor compare describes the new errors by default: the tree splits on the feature columns only, and the cohorts are printed', { skip }, () => {
  const r = run('compare', [DATA, ...MODELS, '--bootstrap', '0', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  const [reg] = doc.regressions;
  // row_index is an id, y_true the label, y_pred and y_score what the models read: only sex and race remain.
  assert.deepEqual(reg.features, ['sex', 'race']);
  assert.equal(reg.newErrors, direct(() => true).newErrors);
  assert.ok(Math.abs(reg.regressionRate - (1 - direct(() => true).btc)) < 1e-12);
  assert.ok(reg.cohorts.length > 0);
  // In text, with the tree restricted to race: the header, and the cohorts (every one of them about race).
  const text = run('compare', [DATA, ...MODELS, '--bootstrap', '0', '--regression-features', 'race']);
  assert.match(text.stdout, /Where v2 breaks what v1 got right \(new errors: 1,107 of the 13,870 rows v1 got right, 8\.0%; error tree over race\)/);
  const listed = text.stdout.slice(text.stdout.indexOf('Where v2 breaks')).split('\n').filter((l) => /^\d+ /.test(l));
  assert.ok(listed.length > 0);
  for (const l of listed) assert.match(l, /race (=|!=|not in) /);
  const off = run('compare', [DATA, ...MODELS, '--bootstrap', '0', '--no-regressions', '--regression-features', 'race']);
  assert.equal(off.code, 2);
  assert.match(off.stderr, /--regression-features .* --no-regressions/);
});

test('candor compare --out writes insights.json with the comparison and report.html with its section', { skip }, () => {
  const out = join(dir, 'compare-report');
  const r = run('compare', [DATA, ...MODELS, '--sensitive', 'sex', '--cohort', "women=sex = 'Female'", '--bootstrap', '50', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Wrote .*insights\.json\n {2}and .*report\.html/);
  const insights = JSON.parse(readFileSync(join(out, 'insights.json'), 'utf8'));
  assert.ok(Insights.safeParse(insights).success);
  // The first candidate is assessed on the compared rows; the comparison rides along.
  assert.equal(insights.config.model, 'v2');
  assert.equal(insights.rows, 16281);
  assert.equal(insights.comparison.baseline, 'v1');
  assert.ok(Math.abs(insights.overall.accuracy - insights.comparison.overall.metrics.v2.accuracy) < 1e-12);
  assert.ok(insights.comparison.regressions[0].cohorts.length > 0);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /<title>Model comparison — adult_test_predictions\.csv<\/title>/);
  assert.match(html, /<section id="comparison"/);
  assert.match(html, /Where the regressions are/);
});
