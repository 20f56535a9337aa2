import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRoles, inferRoles, isUserError, normalizeColumnName, Table, type RoleProposal } from '../../src/index.js';

const roles = (proposals: RoleProposal[]) => Object.fromEntries(proposals.map((p) => [p.name, p.role]));

test('inferRoles reads the conventional names of an evaluation file', () => {
  const table = Table.from({
    row_index: [0, 1, 2],
    y_true: [0, 1, 1],
    y_score: [0.1, 0.8, 0.4],
    y_pred: [0, 1, 0],
    sex: ['Male', 'Female', 'Male'],
    race: ['White', 'Black', 'White'],
    age: [30, 61, 45],
  });
  assert.deepEqual(roles(inferRoles(table)), {
    row_index: 'id',
    y_true: 'label',
    y_score: 'score',
    y_pred: 'prediction',
    sex: 'sensitive',
    race: 'sensitive',
    age: 'feature',
  });
});

test('one label and one prediction at most: the best-ranked name wins and the rest are features with a reason', () => {
  const table = Table.from({ is_recid: [0, 1], two_year_recid: [1, 0], decile_score: [3, 9], score_text: ['Low', 'High'], age_cat: ['25 - 45', 'Less than 25'] });
  const proposals = inferRoles(table);
  assert.deepEqual(roles(proposals), { is_recid: 'feature', two_year_recid: 'label', decile_score: 'feature', score_text: 'feature', age_cat: 'sensitive' });
  assert.match(proposals[0].reason, /"two_year_recid" was chosen/);
  assert.match(proposals[3].reason, /not every value is in \[0, 1\]/);
});

test('names are normalized: case, hyphens and spaces do not matter', () => {
  assert.equal(normalizeColumnName('Y-True'), 'y_true');
  assert.equal(normalizeColumnName('  Sample Weight '), 'sample_weight');
  const table = Table.from({ 'Y-True': [1, 0], 'Sample Weight': [1, 2], Gender: ['F', 'M'], 'prob_yes': [0.2, 0.9] });
  assert.deepEqual(roles(inferRoles(table)), { 'Y-True': 'label', 'Sample Weight': 'weight', Gender: 'sensitive', prob_yes: 'score' });
});

test('scores need values in [0, 1]; ids come from names or unique text', () => {
  const table = Table.from({ prob: [0.2, 1.5], customer_id: [7, 9], name: ['ann', 'bob'], city: ['x', 'x'] });
  const proposals = inferRoles(table);
  assert.deepEqual(roles(proposals), { prob: 'feature', customer_id: 'id', name: 'id', city: 'feature' });
  assert.equal(proposals[2].source, 'values');
  // One row cannot show uniqueness.
  assert.equal(roles(inferRoles(Table.from({ name: ['ann'] }))).name, 'feature');
});

test('hints win over every guess, and a hinted role is not guessed again', () => {
  const table = Table.from({ income: ['<=50K', '>50K'], label: [0, 1], p: [0.3, 0.6], sex: ['F', 'M'], fnlwgt: [1000, 2000], score: [0.1, 0.2] });
  const proposals = inferRoles(table, { label: 'income', score: ['p'], sensitive: ['sex'], roles: { fnlwgt: 'weight' } });
  assert.deepEqual(roles(proposals), { income: 'label', label: 'feature', p: 'score', sex: 'sensitive', fnlwgt: 'weight', score: 'feature' });
  assert.ok(proposals.filter((p) => p.source === 'hint').length === 4);
});

test('a hint naming no column is a user error with a suggestion', () => {
  const table = Table.from({ income: [1, 0] });
  assert.throws(
    () => inferRoles(table, { label: 'incom' }),
    (e: unknown) => isUserError(e) && e.code === 'unknown_column' && /did you mean "income"/.test(e.message),
  );
});

test('every column gets a proposal, including an empty table', () => {
  const empty = Table.from({ y: [], x: [] });
  assert.deepEqual(roles(inferRoles(empty)), { y: 'label', x: 'feature' });
  assert.deepEqual(inferRoles(new Table([])), []);
});

test('applyRoles sets the roles on the table (the schema shows them)', () => {
  const table = Table.from({ y_true: [0, 1], sex: ['F', 'M'], x: [1, 2] });
  const withRoles = applyRoles(table, inferRoles(table));
  assert.deepEqual(
    withRoles.schema().map((f) => f.role),
    ['label', 'sensitive', 'feature'],
  );
  assert.equal(withRoles.column('x').type, 'numeric');
});
