import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { candor, tempDir } from '../helpers/cli.js';

const dir = tempDir();
const good = join(dir, 'good.csv');
writeFileSync(
  good,
  ['age,sex,race,label,pred,score,band', ...Array.from({ length: 60 }, (_, i) => `${20 + i},${i % 2 ? 'F' : 'M'},${['a', 'b', 'c'][i % 3]},${i % 3 === 0 ? 1 : 0},${i % 4 === 0 ? 1 : 0},${(i % 10) / 10},${['low', 'mid', 'high'][i % 3]}`)].join('\n'),
);

/** A user error: exit code 2, one message on stderr naming the problem, no stack trace. */
function assertUserError(args: string[], pattern: RegExp) {
  const r = candor(args);
  assert.equal(r.code, 2, `expected exit 2, got ${r.code}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stdout, '');
  return r;
}

test('a missing file is named with where we looked', () => {
  assertUserError(['assess', join(dir, 'nope.csv'), '--label', 'label', '--pred', 'pred'], /file not found: .*nope\.csv/);
});

test('a ragged CSV row is reported with its line number', () => {
  const f = join(dir, 'ragged.csv');
  writeFileSync(f, 'a,b,label,pred\n1,2,0,1\n3,4,1\n5,6,1,1\n');
  assertUserError(['assess', f, '--label', 'label', '--pred', 'pred'], /line 3.*expected 4 fields, found 3/);
});

test('an unknown column suggests the closest names', () => {
  assertUserError(['assess', good, '--label', 'lable', '--pred', 'pred'], /unknown column: "lable".*did you mean "label"/);
  assertUserError(['assess', good, '--label', 'label', '--pred', 'pred', '--sensitive', 'rac'], /unknown column: "rac".*did you mean "race"/);
});

test('a binary label with more than two values lists them and suggests --positive', () => {
  const r = assertUserError(['assess', good, '--label', 'band', '--pred', 'pred', '--task', 'binary'], /"high".*"low".*"mid"/);
  assert.match(r.stderr, /--positive/);
});

test('an expression syntax error echoes the expression with a caret under the position', () => {
  const r = assertUserError(['assess', good, '--label', 'label', '--pred', 'pred', '--where', 'age >> 3'], /syntax error at character 5/);
  const lines = r.stderr.trimEnd().split('\n');
  const exprLine = lines.findIndex((l) => l.includes('age >> 3'));
  assert.ok(exprLine >= 0, r.stderr);
  const caretLine = lines[exprLine + 1];
  assert.equal(caretLine.indexOf('^') - lines[exprLine].indexOf('age >> 3'), 5, r.stderr);
});

test('a non-numeric score column is refused with a hint', () => {
  assertUserError(['assess', good, '--label', 'label', '--score', 'sex'], /--score "sex" is not numeric/);
});

test('no rows left after --where is an error, not an empty report', () => {
  assertUserError(['assess', good, '--label', 'label', '--pred', 'pred', '--where', 'age > 1000'], /no rows left after --where/);
});

test('a sensitive column with more than 1,000 values is refused unless --max-groups is raised', () => {
  const f = join(dir, 'ids.csv');
  writeFileSync(f, ['id,label,pred', ...Array.from({ length: 1200 }, (_, i) => `u${i},${i % 2},${i % 3 === 0 ? 1 : 0}`)].join('\n'));
  assertUserError(['assess', f, '--label', 'label', '--pred', 'pred', '--sensitive', 'id', '--bootstrap', '0'], /"id" has 1200 distinct values.*--max-groups/);
  const ok = candor(['assess', f, '--label', 'label', '--pred', 'pred', '--sensitive', 'id', '--max-groups', '2000', '--bootstrap', '0', '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).groups.length, 1200);
});

test('an unknown option names the closest one', () => {
  assertUserError(['assess', good, '--label', 'label', '--pred', 'pred', '--sensitve', 'race'], /unknown option --sensitve.*--sensitive/);
});

test('a missing --label or --pred proposes the columns whose names suggest one', () => {
  const f = join(dir, 'named.csv');
  writeFileSync(f, 'age,y_true,y_pred,y_score\n30,1,1,0.9\n40,0,1,0.6\n');
  assertUserError(['assess', f], /no label: pass --label.*candidates: --label y_true/);
  const r = assertUserError(['assess', f, '--label', 'y_true'], /no prediction: .*candidates: /);
  assert.match(r.stderr, /--score y_score/);
  assert.match(r.stderr, /--pred y_pred/);
});
