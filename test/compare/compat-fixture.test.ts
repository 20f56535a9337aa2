// Acceptance: BTC and BEC from `candor compare --json` equal a direct numpy computation on two
// prediction columns of the Adult conformance data (test/fixtures/compat/make_compat.py made the
// fixture), overall, per cohort and per group; so do the new-error counts and the accuracy deltas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { candor, needsShared, ROOT, SHARED } from '../helpers/cli.js';

interface FixtureScope {
  cohort: string | null;
  group: Record<string, string> | null;
  n: number;
  btc: number;
  bec: number;
  new_errors: number;
  accuracy: { v1: number; v2: number };
}

const fixture = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'compat', 'adult_compat.json'), 'utf8')) as {
  models: { v1: string; v2: string };
  cohorts: Record<string, string>;
  sensitive: string[];
  scopes: FixtureScope[];
};
const DATA = join(SHARED, 'conformance', 'adult_test_predictions.csv');
const skip = needsShared('conformance', 'adult_test_predictions.csv');

const close = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) <= 1e-12, `${what}: candor ${got}, numpy ${want}`);

test('candor compare --json: BTC, BEC, new errors and accuracy deltas equal numpy on Adult, overall, per cohort and per group', { skip }, () => {
  const args = [DATA, '--label', 'y_true', '--pred', `v1=${fixture.models.v1}`, '--pred', `v2=${fixture.models.v2}`, '--bootstrap', '0', '--no-regressions', '--json'];
  for (const [name, expression] of Object.entries(fixture.cohorts)) args.push('--cohort', `${name}=${expression}`);
  for (const s of fixture.sensitive) args.push('--sensitive', s);
  const r = candor(['compare', ...args]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.compatibility.length, fixture.scopes.length, 'one compatibility entry per scope');
  for (const want of fixture.scopes) {
    const what = want.cohort ?? JSON.stringify(want.group) ?? 'all rows';
    const got = doc.compatibility.find((c: { cohort: string | null; group: unknown }) => c.cohort === want.cohort && JSON.stringify(c.group) === JSON.stringify(want.group));
    assert.ok(got, `compatibility for ${what}`);
    close(got.btc, want.btc, `${what} btc`);
    close(got.bec, want.bec, `${what} bec`);
    assert.equal(got.newErrors, want.new_errors, `${what} new errors`);
    assert.equal(got.count, want.n, `${what} rows`);
    const scope = want.cohort !== null ? doc.cohorts.find((c: { name: string }) => c.name === want.cohort) : want.group !== null ? doc.groups.find((g: { key: unknown }) => JSON.stringify(g.key) === JSON.stringify(want.group)) : doc.overall;
    close(scope.metrics.v1.accuracy, want.accuracy.v1, `${what} accuracy v1`);
    close(scope.deltas.v2.accuracy.value, want.accuracy.v2 - want.accuracy.v1, `${what} accuracy delta`);
  }
});
