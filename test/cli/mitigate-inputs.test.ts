// The held-out --eval file of every mitigation method: read with its own --eval-skip-rows and
// --eval-columns (UCI's adult.test opens with "|1x3 Cross validator" and spells its labels
// ">50K."), checked before any fitting — nothing is written when it is wrong — and a label
// condition with `in` that holds in both spellings gives what cleaned files give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTableCsv } from '../../src/adapters/io/index.js';
import { runMitigateReweigh } from '../../src/cli/mitigate-data.js';
import { checkEvalLabel } from '../../src/cli/mitigate-inputs.js';
import { runMitigatePostprocess } from '../../src/cli/mitigate-postprocess.js';
import { runMitigateReduce } from '../../src/cli/mitigate-reduce.js';
import { generateLoans } from '../../src/demo/loans.js';
import { isUserError, Random, Table } from '../../src/index.js';
import { tempDir } from '../helpers/cli.js';
import { lendingTable } from '../mitigate/reductions-fixture.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Runs a verb that prints to process.stdout in this process, capturing what it prints. */
async function capture(run: (argv: string[]) => Promise<number>, argv: string[]): Promise<string> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  // Strings only: the test runner reports through stdout in binary, which passes through.
  process.stdout.write = ((c: string | Uint8Array, ...rest: never[]) => (typeof c === 'string' ? chunks.push(c) > 0 : write(c, ...rest))) as typeof process.stdout.write;
  try {
    assert.equal(await run(argv), 0);
  } finally {
    process.stdout.write = write;
  }
  return chunks.join('');
}

async function rejects(run: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(run, (e: unknown) => {
    assert.ok(isUserError(e), `expected a user error, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

const dir = tempDir('candor-eval-');
const COLUMNS = 'age,grp,s,y';

/** Rows of age, group, score and label, as CSV lines without a header; `dot` appends "." to the label as adult.test does. */
function lines(n: number, seed: number, dot: boolean): string[] {
  const random = new Random(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const grp = i % 3 === 0 ? 'b' : 'a';
    const yes = random.next() < (grp === 'a' ? 0.45 : 0.3);
    const s = 1 / (1 + Math.exp(-random.normal(yes ? 0.9 : -0.9, 1) - (grp === 'a' ? 0.4 : -0.3)));
    out.push(`${20 + (i % 50)}, ${grp}, ${s.toFixed(6)}, ${yes ? 'yes' : 'no'}${dot ? '.' : ''}`);
  }
  return out;
}

// UCI-style files: no header; the test file with a preamble line and labels ending in ".".
const train = join(dir, 'train.data');
const uci = join(dir, 'eval.test');
const clean = join(dir, 'eval-clean.data');
const reordered = join(dir, 'eval-reordered.csv');
writeFileSync(train, `${lines(900, 1, false).join('\n')}\n`);
const evalRows = lines(500, 2, true);
writeFileSync(uci, `|1x3 Cross validator\n${evalRows.join('\n')}\n`);
writeFileSync(clean, `${evalRows.map((l) => l.replace(/\.$/, '')).join('\n')}\n`);
// The same rows with a header, columns in another order.
writeFileSync(reordered, `y,s,age,grp\n${evalRows.map((l) => l.split(', ')).map(([age, grp, s, y]) => [y.replace(/\.$/, ''), s, age, grp].join(',')).join('\n')}\n`);

const postprocess = (out: string, ...more: string[]) => [train, '--columns', COLUMNS, '--score', 's', '--sensitive', 'grp', '--constraint', 'equalized_odds', '--out', out, '--bootstrap', '30', ...more];

test('--eval with a preamble fails before the fit and names --eval-skip-rows', async () => {
  const out = join(dir, 'a.json');
  await rejects(() => runMitigatePostprocess(postprocess(out, '--label', "y = 'yes'", '--eval', uci)), /--eval: .*eval\.test has 1 field per row but 4 column names were given.*skip them with --eval-skip-rows N/);
  assert.equal(existsSync(out), false, 'nothing was fitted or written');
  await rejects(() => runMitigatePostprocess(postprocess(out, '--label', "y = 'yes'", '--eval-skip-rows', '1')), /--eval-skip-rows is a read option of the --eval file: pass --eval DATA too/);
});

test('a label spelled differently in --eval fails before the fit, with the condition that holds in both', async () => {
  const out = join(dir, 'b.json');
  await rejects(
    () => runMitigatePostprocess(postprocess(out, '--label', "y = 'yes'", '--eval', uci, '--eval-skip-rows', '1')),
    /--label "y = 'yes'" is false for every labelled row of the --eval file .*eval\.test, though it splits the training rows.*y holds 'no', 'yes' in .*train\.data but 'no\.', 'yes\.' in .*eval\.test.*--label "y in \('yes', 'yes\.'\)"/,
  );
  await rejects(
    () => runMitigatePostprocess(postprocess(out, '--label', 'y', '--eval', uci, '--eval-skip-rows', '1')),
    /the label "y" of the --eval file .*eval\.test has values the training file .*train\.data never has: 'no\.', 'yes\.' \(training: 'no', 'yes'\).*--label "y in \('yes', 'yes\.'\)"/,
  );
  assert.equal(existsSync(out), false);
});

test("--eval-skip-rows and a label `in ('yes', 'yes.')` give what the cleaned file gives; --eval-columns reads a file in another order", async () => {
  const reference = JSON.parse(await capture(runMitigatePostprocess, postprocess(join(dir, 'ref.json'), '--label', "y = 'yes'", '--eval', clean, '--json'))) as Json;
  const uciRun = JSON.parse(await capture(runMitigatePostprocess, postprocess(join(dir, 'uci.json'), '--label', "y in ('yes', 'yes.')", '--eval', uci, '--eval-skip-rows', '1', '--json'))) as Json;
  const reorderedRun = JSON.parse(
    await capture(runMitigatePostprocess, postprocess(join(dir, 'reordered.json'), '--label', "y = 'yes'", '--eval', reordered, '--eval-columns', 'y,s,age,grp', '--json')),
  ) as Json;
  const strip = (doc: Json) => ({ ...doc.mitigations[0], data: { ...doc.mitigations[0].data, file: null }, params: {} });
  assert.equal(reference.mitigations[0].data.rows, 500);
  assert.deepEqual(strip(uciRun), strip(reference), 'the before/after on the UCI-style file equals the one on the cleaned file');
  assert.deepEqual(strip(reorderedRun), strip(reference), '--eval-columns names the columns of the --eval file only');
  assert.deepEqual(uciRun.mitigation.groups, reference.mitigation.groups.map((g: Json) => g), 'the training file read the same');
});

test('an --eval file without a column the comparison needs fails before the fit, naming every missing column', async () => {
  const noScore = join(dir, 'no-score.csv');
  writeFileSync(noScore, `age,grp,y\n${evalRows.map((l) => l.split(', ')).map(([age, grp, , y]) => `${age},${grp},${y.replace('.', '')}`).join('\n')}\n`);
  const out = join(dir, 'c.json');
  await rejects(() => runMitigatePostprocess(postprocess(out, '--label', "y = 'yes'", '--eval', noScore, '--eval-columns', 'age,grp,y')), /the --eval file .*no-score\.csv lacks a column the comparison needs: "s" \(score\).*; its columns are age, grp, y/);
  assert.equal(existsSync(out), false);
});

test('reduce and the data mitigations check --eval before training too', async () => {
  const d = tempDir('candor-eval-');
  const lending = join(d, 'train.csv');
  await writeTableCsv(lendingTable(600, 41), lending);
  // The evaluation rows spell the positive class "yes." and lack the feature "income".
  const other = lendingTable(300, 42);
  const approved = other.column('approved') as { codes: Int32Array; dictionary: readonly string[] };
  const respelled = Table.from({
    ...Object.fromEntries(other.names().filter((n) => n !== 'approved' && n !== 'income').map((n) => [n, Array.from({ length: other.rowCount }, (_, i) => other.row(i)[n])])),
    approved: Array.from(approved.codes, (c) => `${approved.dictionary[c]}.`),
  });
  const evaluation = join(d, 'eval.csv');
  await writeTableCsv(respelled, evaluation);
  const out = join(d, 'fair.onnx');
  await rejects(() => runMitigateReduce([lending, '--label', 'approved', '--positive', 'yes', '--sensitive', 'group', '--exclude', 'amount', '--out', out, '--eval', evaluation]), /lacks a column the comparison needs: "income" \(feature\)/);
  await rejects(
    () => runMitigateReduce([lending, '--label', 'approved', '--positive', 'yes', '--sensitive', 'group', '--exclude', 'amount,income', '--out', out, '--eval', evaluation]),
    /has values the training file .* never has: 'no\.', 'yes\.'.*--label "approved in \('yes', 'yes\.'\)"/,
  );
  assert.equal(existsSync(out), false, 'reduce fitted nothing');

  const loans = join(d, 'loans.csv');
  await writeTableCsv(generateLoans(800, new Random(1)), loans);
  const weighted = join(d, 'w.csv');
  await rejects(
    () => runMitigateReweigh([loans, '--label', 'repaid', '--sensitive', 'sex', '--out', weighted, '--train-learner', 'logistic', '--eval', lending], { write: () => true }),
    /the --eval file .*train\.csv lacks \d+ columns the comparison needs: .*"repaid" \(label\)/,
  );
  assert.equal(existsSync(weighted), false, 'reweigh wrote nothing');
});

test('identifiers as features fail before the fit with the --exclude that leaves them out', async () => {
  const d = tempDir('candor-eval-');
  const table = lendingTable(700, 5);
  const ids = Table.from({ ...Object.fromEntries(table.names().map((n) => [n, Array.from({ length: table.rowCount }, (_, i) => table.row(i)[n])])), ref: Array.from({ length: table.rowCount }, (_, i) => `R${i}`) });
  const file = join(d, 'ids.csv');
  await writeTableCsv(ids, file);
  const out = join(d, 'fair.onnx');
  await rejects(
    () => runMitigateReduce([file, '--label', 'approved', '--positive', 'yes', '--sensitive', 'group', '--learner', 'gbdt', '--exclude', 'amount', '--out', out]),
    /a categorical feature has too many distinct values for gradient boosting \(at most 255 bins\): "ref" \(700\).*--exclude amount,ref/,
  );
  assert.equal(existsSync(out), false);
});

test('a model that is (almost) always right before the mitigation is flagged: a feature may leak the label', async () => {
  const d = tempDir('candor-eval-');
  const table = lendingTable(800, 9);
  const approved = table.column('approved') as { codes: Int32Array };
  const leaky = table.withColumn(Table.from({ copy: Array.from(approved.codes, (c) => c) }).column('copy'));
  const file = join(d, 'leaky.csv');
  await writeTableCsv(leaky, file);
  const doc = JSON.parse(await capture(runMitigateReduce, [file, '--label', 'approved', '--positive', 'yes', '--sensitive', 'group', '--exclude', 'amount', '--out', join(d, 'x.onnx'), '--bootstrap', '0', '--json'])) as Json;
  const warning = (doc.mitigations[0].warnings as Json[]).find((w) => w.code === 'perfect_model');
  assert.ok(warning, 'warned');
  assert.match(warning.message, /right on (every one|\d+\.\d%) of these 800 rows: check that they are not the rows it was trained on, and that no feature leaks the label/);
  const honest = JSON.parse(await capture(runMitigateReduce, [file, '--label', 'approved', '--positive', 'yes', '--sensitive', 'group', '--exclude', 'amount,copy', '--out', join(d, 'y.onnx'), '--bootstrap', '0', '--json'])) as Json;
  assert.equal((honest.mitigations[0].warnings as Json[]).some((w) => w.code === 'perfect_model'), false, 'no warning without the leak');
});

test('checkEvalLabel accepts a condition that holds in both spellings and numeric labels', () => {
  const a = Table.from({ y: ['yes', 'no', 'yes'], v: [1.5, 2.25, 3.125] });
  const b = Table.from({ y: ['yes.', 'no.', 'no.'], v: [9.5, 0.5, 7.75] });
  const files = { train: 'a.csv', eval: 'b.csv' };
  assert.doesNotThrow(() => checkEvalLabel(a, b, "y in ('yes', 'yes.')", files));
  assert.doesNotThrow(() => checkEvalLabel(a, b, 'v', files), 'a numeric label (regression) is not checked');
  assert.throws(() => checkEvalLabel(a, b, "y = 'yes'", files), /false for every labelled row/);
  assert.throws(() => checkEvalLabel(a, b, 'y', files), /never has: 'no\.', 'yes\.'/);
});
