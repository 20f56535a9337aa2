import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isUserError, parseCsv, valueAt, type Column, type Table } from '../../src/index.js';
import { readTable, withDuckDb, writeTableCsv, openDuckDb, sqlString, type ReadOptions } from '../../src/node.js';
import { SHARED, needsShared, tempDir } from '../helpers/cli.js';

const dir = tempDir('candor-io-');
after(() => rmSync(dir, { recursive: true, force: true }));

function rows(table: Table): Record<string, unknown>[] {
  return Array.from({ length: table.rowCount }, (_, i) => table.row(i));
}

async function rejectsUser(promise: Promise<unknown>, code: string, message?: RegExp) {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isUserError(e), `expected a user error ${code}, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/** Runs SQL in a throwaway DuckDB (to write fixtures with COPY … TO). */
async function sql(text: string): Promise<void> {
  await withDuckDb(async (db) => {
    await db.connection.run(text);
  });
}

test('a CSV file is read in chunks exactly as parseCsv reads the whole text', async () => {
  // ~9 MB: several 4 MB read chunks, with quoted newlines and multi-byte text across their edges.
  const lines = ['id,name,score,group'];
  for (let i = 0; i < 200_000; i++) lines.push(`${i},"Müller, ${i % 97}\n${'é'.repeat(i % 5)}",${(i / 3).toFixed(4)},g${i % 13}`);
  const text = lines.join('\r\n');
  const path = join(dir, 'big.csv');
  writeFileSync(path, text);
  const progress: number[] = [];
  const fromFile = await readTable(path, { onProgress: (f) => progress.push(f) });
  const fromText = parseCsv(text, { source: path });
  assert.ok(progress.length >= 2 && progress.every((f, i) => f > 0 && f <= 1 && (i === 0 || f >= progress[i - 1])), String(progress));
  assert.equal(progress[progress.length - 1], 1);
  assert.equal(fromFile.table.rowCount, 200_000);
  assert.deepEqual(fromFile.report, fromText.report);
  for (const i of [0, 1, 4096, 65_535, 100_000, 199_999]) assert.deepEqual(fromFile.table.row(i), fromText.table.row(i));
  assert.equal(fromFile.table.row(7).name, 'Müller, 7\néé');
});

test('a character split across two read chunks is decoded whole, and is not mistaken for Windows-1252', async () => {
  const boundary = 1 << 22;
  const head = 'text,n\n';
  const filler = 'x'.repeat(boundary - head.length - 1 - 3);
  // "é" (2 bytes) and "€" (3 bytes) straddle the first 4 MB chunk boundary.
  const text = `${head}${filler}é€,1\nplain,2\n`;
  assert.equal(Buffer.byteLength(`${head}${filler}`), boundary - 4);
  const path = join(dir, 'straddle.csv');
  writeFileSync(path, text);
  const { table, report } = await readTable(path);
  assert.equal(table.row(0).text, `${filler}é€`);
  assert.deepEqual(report.issues, []);
});

test('extensions choose the format: .tsv is tab-separated, .gz is decompressed, .data is text', async () => {
  const tsv = join(dir, 'x.tsv');
  writeFileSync(tsv, 'a\tb,c\n1\tx,y\n');
  assert.deepEqual(rows((await readTable(tsv)).table), [{ a: 1, 'b,c': 'x,y' }]);
  const gz = join(dir, 'x.csv.gz');
  writeFileSync(gz, gzipSync('a,b\n1,2\n3,4\n'));
  assert.deepEqual(rows((await readTable(gz)).table), [
    { a: 1, b: 2 },
    { a: 3, b: 4 },
  ]);
  const data = join(dir, 'x.data');
  writeFileSync(data, '1, a\n2, b\n');
  assert.deepEqual(rows((await readTable(data, { columns: ['n', 's'] })).table), [
    { n: 1, s: 'a' },
    { n: 2, s: 'b' },
  ]);
  const badGz = join(dir, 'bad.csv.gz');
  writeFileSync(badGz, 'not gzip at all');
  await rejectsUser(readTable(badGz), 'unreadable_file', /not a valid gzip file/);
});

test('a file that is not UTF-8 is read as Windows-1252, with an issue', async () => {
  const path = join(dir, 'latin1.csv');
  writeFileSync(path, Buffer.from([...Buffer.from('name,n\n'), 0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, ...Buffer.from(',1\n')]));
  const { table, report } = await readTable(path);
  assert.equal(table.row(0).name, 'Müller');
  assert.deepEqual(report.issues, [{ code: 'encoding_fallback', detail: 'windows-1252' }]);
});

test('a missing file, a directory and an empty file are user errors naming the path', async () => {
  await rejectsUser(readTable(join(dir, 'nope.csv')), 'file_not_found', new RegExp(`^file not found: .*nope\\.csv \\(looked in ${resolve(dir, 'nope.csv').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)$`));
  await rejectsUser(readTable(dir), 'not_a_file', /is a directory/);
  const empty = join(dir, 'empty.csv');
  writeFileSync(empty, '');
  await rejectsUser(readTable(empty), 'empty_file', /empty\.csv is empty \(0 bytes\)/);
  const blank = join(dir, 'blank.csv');
  writeFileSync(blank, '\n\n');
  await rejectsUser(readTable(blank), 'empty_file', /has no data/);
  if (process.getuid?.() !== 0) {
    const locked = join(dir, 'locked.csv');
    writeFileSync(locked, 'a\n1\n');
    chmodSync(locked, 0o000);
    await rejectsUser(readTable(locked), 'unreadable_file', /permission denied/);
  }
});

test('Parquet: every type arrives as DuckDB reads it, across row groups and ranges', async () => {
  const n = 600_000;
  const path = join(dir, 'types.parquet');
  await sql(`COPY (
    SELECT
      i AS id,
      (i % 2)::INTEGER AS label,
      CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 3)::TINYINT END AS small_null,
      (i * 7 % 1000)::INTEGER AS wide_int,
      (i % 300 - 150)::SMALLINT AS negative,
      CASE WHEN i % 13 = 0 THEN NULL WHEN i % 17 = 0 THEN 'NaN'::DOUBLE ELSE i / 7.0 END AS score,
      ((i % 5) / 4)::FLOAT AS f32,
      ((i % 1000) / 3)::DECIMAL(10, 2) AS dec,
      (i * 1000003)::UBIGINT AS big_u,
      ['a', 'b', 'c'][1 + i % 3] AS few,
      CASE WHEN i % 19 = 0 THEN NULL ELSE 'lvl' || (i % 40)::VARCHAR END AS forty,
      'k' || (i % 300)::VARCHAR AS three_hundred,
      (i % 4 = 0) AS flag,
      CASE WHEN i % 23 = 0 THEN NULL ELSE i % 2 = 0 END AS flag_null,
      CASE WHEN i % 29 = 0 THEN NULL WHEN i % 3 = 0 THEN [] ELSE ['x' || (i % 5)::VARCHAR, 'y'] END AS tags,
      DATE '2020-01-01' + (i % 30)::INTEGER AS day,
      NULL::VARCHAR AS nothing
    FROM range(${n}) t(i)
  ) TO ${sqlString(path)} (FORMAT parquet, ROW_GROUP_SIZE 40000)`);
  const { table, report } = await readTable(path);
  assert.equal(table.rowCount, n);
  assert.equal(report.format, 'parquet');
  assert.deepEqual(
    report.columns.map((c) => `${c.name}:${c.type}:${c.sourceType}`),
    [
      'id:numeric:BIGINT',
      'label:numeric:INTEGER',
      'small_null:numeric:TINYINT',
      'wide_int:numeric:INTEGER',
      'negative:numeric:SMALLINT',
      'score:numeric:DOUBLE',
      'f32:numeric:FLOAT',
      'dec:numeric:DECIMAL(10,2)',
      'big_u:numeric:UBIGINT',
      'few:categorical:VARCHAR',
      'forty:categorical:VARCHAR',
      'three_hundred:categorical:VARCHAR',
      'flag:boolean:BOOLEAN',
      'flag_null:boolean:BOOLEAN',
      'tags:list:VARCHAR[]',
      'day:categorical:DATE',
      'nothing:categorical:VARCHAR',
    ],
  );
  assert.deepEqual(report.issues, [
    { code: 'converted_to_text', column: 'day', detail: 'DATE' },
    { code: 'all_missing', column: 'nothing' },
  ]);

  await withDuckDb(async (db) => {
    const c = db.connection;
    const src = `read_parquet(${sqlString(path)}, file_row_number = true)`;
    // Missing counts agree with DuckDB (NaN counts as missing).
    const missing = (
      await (
        await c.run(
          `SELECT ${report.columns.map((col) => (col.name === 'score' ? `count(*) FILTER (WHERE score IS NULL OR isnan(score))` : `count(*) - count(${col.name})`)).join(', ')} FROM ${src}`,
        )
      ).getRowsJS()
    )[0].map(Number);
    assert.deepEqual(
      report.columns.map((col) => col.missing),
      missing,
    );
    // Every level's count agrees with a GROUP BY, over all rows.
    for (const name of ['few', 'forty', 'three_hundred', 'day']) {
      const counts = new Map((await (await c.run(`SELECT CAST(${name} AS VARCHAR), count(*) FROM ${src} WHERE ${name} IS NOT NULL GROUP BY 1`)).getRowsJS()).map((r) => [String(r[0]), Number(r[1])]));
      const col = table.column(name);
      assert.equal(col.type, 'categorical');
      if (col.type !== 'categorical') return;
      assert.deepEqual([...col.dictionary], [...counts.keys()].sort(), `${name} dictionary is sorted`);
      const mine = new Map<string, number>();
      for (const code of col.codes) if (code >= 0) mine.set(col.dictionary[code], (mine.get(col.dictionary[code]) ?? 0) + 1);
      assert.deepEqual(mine, counts, name);
    }
    // Sampled rows (both ranges, chunk edges, the last row) agree value by value.
    const sample = [0, 1, 2, 2047, 2048, 39_999, 40_000, 299_999, 300_000, 300_001, 456_789, n - 1];
    const expected = await (
      await c.run(
        `SELECT file_row_number, id::DOUBLE, label::DOUBLE, small_null::DOUBLE, wide_int::DOUBLE, negative::DOUBLE, score, f32::DOUBLE, dec::DOUBLE, big_u::DOUBLE, few, forty, three_hundred, flag, flag_null, tags, CAST(day AS VARCHAR), nothing FROM ${src} WHERE file_row_number IN (${sample.join(', ')}) ORDER BY file_row_number`,
      )
    ).getRowsJS();
    for (const r of expected) {
      const i = Number(r[0]);
      const want = r.slice(1).map((v) => (typeof v === 'number' && Number.isNaN(v) ? null : v));
      const got = table.columns.map((col) => valueAt(col, i));
      assert.deepEqual(got, want, `row ${i}`);
    }
  });
});

test('Parquet: select pushes a projection down, in the order given', async () => {
  const path = join(dir, 'project.parquet');
  await sql(`COPY (SELECT i AS a, i * 2 AS b, 'x' || i AS c FROM range(10) t(i)) TO ${sqlString(path)} (FORMAT parquet)`);
  const { table, report } = await readTable(path, { select: ['c', 'a'] });
  assert.deepEqual(table.names(), ['c', 'a']);
  assert.deepEqual(table.row(3), { c: 'x3', a: 3 });
  assert.equal(report.columns.length, 2);
  await rejectsUser(readTable(path, { select: ['bb'] }), 'unknown_column', /unknown column in select: "bb" \(did you mean "b"/);
});

test('Parquet: declared types convert, and a value that does not fit is named', async () => {
  const path = join(dir, 'declared.parquet');
  await sql(`COPY (SELECT * FROM (VALUES (1, ' 2.5', 'yes', 0), (2, '3', 'No', 1), (3, NULL, NULL, NULL)) t(code, num_text, yn, bit)) TO ${sqlString(path)} (FORMAT parquet)`);
  const { table, report } = await readTable(path, { types: { code: 'categorical', num_text: 'numeric', yn: 'boolean', bit: 'boolean' } });
  assert.deepEqual(rows(table), [
    { code: '1', num_text: 2.5, yn: true, bit: false },
    { code: '2', num_text: 3, yn: false, bit: true },
    { code: '3', num_text: null, yn: null, bit: null },
  ]);
  assert.deepEqual(
    report.columns.map((c) => c.typeFrom),
    ['declared', 'declared', 'declared', 'declared'],
  );
  await rejectsUser(readTable(path, { types: { yn: 'numeric' }, source: 'declared.parquet' }), 'not_numeric', /^declared\.parquet: column "yn" is declared numeric but has the value "(yes|No)"$/);
  await rejectsUser(readTable(path, { types: { code: 'boolean' } }), 'not_boolean', /column "code" is declared boolean \(true\/false, yes\/no, 1\/0\) but has the value "(2|3)"/);
  await rejectsUser(readTable(path, { types: { cod: 'numeric' } }), 'unknown_column', /did you mean "code"/);
});

test('Parquet: many levels (an ENUM cast), an empty file, no extension, a corrupt file', async () => {
  const many = join(dir, 'many.parquet');
  await sql(`COPY (SELECT 'id' || lpad(i::VARCHAR, 6, '0') AS s FROM range(70000) t(i)) TO ${sqlString(many)} (FORMAT parquet)`);
  const m = (await readTable(many)).table;
  const s = m.column('s');
  assert.equal(s.type === 'categorical' && s.dictionary.length, 70_000);
  assert.equal(m.row(69_999).s, 'id069999');
  assert.equal(m.row(12_345).s, 'id012345');

  const empty = join(dir, 'empty.parquet');
  await sql(`COPY (SELECT 1 AS a, 'x' AS b WHERE false) TO ${sqlString(empty)} (FORMAT parquet)`);
  const e = await readTable(empty);
  assert.equal(e.table.rowCount, 0);
  assert.deepEqual(e.table.names(), ['a', 'b']);
  assert.deepEqual(e.report.issues, [{ code: 'no_rows' }]);

  const bare = join(dir, 'parquet-without-extension');
  writeFileSync(bare, readFileSync(many));
  assert.equal((await readTable(bare)).report.format, 'parquet');
  const misnamed = join(dir, 'really-parquet.txt');
  writeFileSync(misnamed, readFileSync(many));
  assert.equal((await readTable(misnamed)).report.format, 'parquet');
  await rejectsUser(readTable(misnamed, { format: 'xlsx' as 'csv' }), 'invalid_option', /invalid format: "xlsx"/);

  const corrupt = join(dir, 'corrupt.parquet');
  writeFileSync(corrupt, 'this is not parquet');
  await rejectsUser(readTable(corrupt), 'unreadable_file', /^cannot read .*corrupt\.parquet as Parquet: /);
});

test('JSON: an array of objects and NDJSON both read, nested values as text', async () => {
  const array = join(dir, 'rows.json');
  writeFileSync(array, JSON.stringify([
    { age: 30, sex: 'F', ok: true, tags: ['a', 'b'], meta: { k: 1 } },
    { age: null, sex: 'M', ok: false, tags: [], meta: { k: 2 } },
    { age: 61.5, sex: null, ok: null, tags: null, meta: null },
  ]));
  const a = await readTable(array);
  assert.equal(a.report.format, 'json');
  assert.deepEqual(
    rows(a.table).map(({ meta: _meta, ...r }) => r),
    [
      { age: 30, sex: 'F', ok: true, tags: ['a', 'b'] },
      { age: null, sex: 'M', ok: false, tags: [] },
      { age: 61.5, sex: null, ok: null, tags: null },
    ],
  );
  assert.equal(a.table.column('meta').type, 'categorical');
  assert.deepEqual(a.report.issues.map((i) => i.code), ['converted_to_text']);

  for (const ext of ['ndjson', 'jsonl']) {
    const nd = join(dir, `rows.${ext}`);
    writeFileSync(nd, '{"y_true": 1, "y_score": 0.9, "race": "White"}\n{"y_true": 0, "y_score": 0.2, "race": "Black"}\n');
    assert.deepEqual(rows((await readTable(nd)).table), [
      { y_true: 1, y_score: 0.9, race: 'White' },
      { y_true: 0, y_score: 0.2, race: 'Black' },
    ]);
  }
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"a": 1,,,');
  await rejectsUser(readTable(bad), 'unreadable_file', /as JSON/);
});

test('JSON and Parquet written by DuckDB round-trip through readTable', async () => {
  const parquet = join(dir, 'rt.parquet');
  const ndjson = join(dir, 'rt.ndjson');
  const source = `SELECT i AS n, i / 4 AS x, ['lo', 'mid', 'hi'][1 + i % 3] AS level, i % 2 = 0 AS even FROM range(1000) t(i)`;
  await sql(`COPY (${source}) TO ${sqlString(parquet)} (FORMAT parquet)`);
  await sql(`COPY (${source}) TO ${sqlString(ndjson)} (FORMAT json)`);
  const p = (await readTable(parquet)).table;
  const j = (await readTable(ndjson)).table;
  assert.deepEqual(rows(p), rows(j));
  assert.deepEqual(p.row(999), { n: 999, x: 249.75, level: 'lo', even: false });
});

test('Arrow IPC: without an Arrow reader, the error says what is missing and what to do', async () => {
  const path = join(dir, 'scores.arrow');
  writeFileSync(path, 'ARROW1\0\0');
  let arrowAvailable = false;
  const db = await openDuckDb();
  try {
    await db.connection.run('LOAD nanoarrow');
    arrowAvailable = true;
  } catch {
    // The expected case offline.
  } finally {
    db.close();
  }
  if (arrowAvailable) return;
  await rejectsUser(readTable(path), 'unsupported_format', /nanoarrow.*apache-arrow.*convert the file to Parquet/);
  await rejectsUser(readTable(join(dir, 'scores.feather').replace('.feather', '.arrow')), 'unsupported_format');
});

test('writeTableCsv writes atomically and reads back the same values', async () => {
  const original = parseCsv('id,text,x,ok\n1,"a, ""b""\nc",0.1,true\n2,,NA,false\n3, padded ,1e-7,\n', { types: { text: 'categorical' } }).table;
  const path = join(dir, 'out', 'written.csv');
  mkdirSync(join(dir, 'out'), { recursive: true });
  await writeTableCsv(original, path);
  const back = (await readTable(path, { types: { text: 'categorical' }, trim: false })).table;
  assert.deepEqual(rows(back), rows(original));
  assert.deepEqual(readFileSync(path, 'utf8').split('\n')[0], 'id,text,x,ok');
});

const ADULT_NAMES = [
  'age',
  'workclass',
  'fnlwgt',
  'education',
  'education-num',
  'marital-status',
  'occupation',
  'relationship',
  'race',
  'sex',
  'capital-gain',
  'capital-loss',
  'hours-per-week',
  'native-country',
  'income',
];

function namesFromAdultNames(): string[] {
  // adult.names lists "name: values." for the 14 attributes; the label comes last.
  const text = readFileSync(join(SHARED, 'datasets', 'adult.names'), 'utf8');
  const names = [...text.matchAll(/^([a-z-]+): /gm)].map((m) => m[1]);
  return [...names, 'income'];
}

function levelCounts(column: Column): Record<string, number> {
  assert.equal(column.type, 'categorical');
  const out: Record<string, number> = {};
  if (column.type === 'categorical') for (const c of column.codes) if (c >= 0) out[column.dictionary[c]] = (out[column.dictionary[c]] ?? 0) + 1;
  return out;
}

test('UCI adult.data: 32,561 rows, " ?" read as missing', { skip: needsShared('datasets', 'adult.data') }, async () => {
  assert.deepEqual(namesFromAdultNames(), ADULT_NAMES);
  const options: ReadOptions = { columns: ADULT_NAMES };
  const { table, report } = await readTable(join(SHARED, 'datasets', 'adult.data'), options);
  assert.equal(table.rowCount, 32_561);
  assert.equal(report.header, false);
  assert.equal(report.delimiter, ',');
  assert.equal(report.rowsSkipped, 1);
  const missing = Object.fromEntries(report.columns.map((c) => [c.name, c.missing]));
  assert.equal(missing.workclass, 1_836);
  assert.equal(missing.occupation, 1_843);
  assert.equal(missing['native-country'], 583);
  assert.deepEqual(levelCounts(table.column('income')), { '<=50K': 24_720, '>50K': 7_841 });
  assert.deepEqual(
    report.columns.filter((c) => c.type === 'numeric').map((c) => c.name),
    ['age', 'fnlwgt', 'education-num', 'capital-gain', 'capital-loss', 'hours-per-week'],
  );
  assert.deepEqual(table.row(0), {
    age: 39,
    workclass: 'State-gov',
    fnlwgt: 77_516,
    education: 'Bachelors',
    'education-num': 13,
    'marital-status': 'Never-married',
    occupation: 'Adm-clerical',
    relationship: 'Not-in-family',
    race: 'White',
    sex: 'Male',
    'capital-gain': 2_174,
    'capital-loss': 0,
    'hours-per-week': 40,
    'native-country': 'United-States',
    income: '<=50K',
  });
  assert.deepEqual(report.issues, []);
});

test('UCI adult.test: skipRows 1, 16,281 rows, labels ending with "."', { skip: needsShared('datasets', 'adult.test') }, async () => {
  const { table, report } = await readTable(join(SHARED, 'datasets', 'adult.test'), { columns: ADULT_NAMES, skipRows: 1 });
  assert.equal(table.rowCount, 16_281);
  assert.equal(report.rowsSkipped, 2);
  assert.deepEqual(levelCounts(table.column('income')), { '<=50K.': 12_435, '>50K.': 3_846 });
  assert.equal(table.row(0).age, 25);
});

test('ProPublica COMPAS: header detected, 7,214 rows, repeated names made unique', { skip: needsShared('datasets', 'compas-scores-two-years.csv') }, async () => {
  const { table, report } = await readTable(join(SHARED, 'datasets', 'compas-scores-two-years.csv'));
  assert.equal(report.header, true);
  assert.equal(table.rowCount, 7_214);
  assert.equal(table.columns.length, 53);
  assert.ok(table.has('decile_score') && table.has('decile_score.1') && table.has('priors_count.1'));
  assert.deepEqual(
    report.issues.filter((i) => i.code === 'duplicate_column').map((i) => i.detail),
    ['decile_score.1', 'priors_count.1'],
  );
  assert.equal(table.column('two_year_recid').type, 'numeric');
  assert.equal(table.column('race').type, 'categorical');
  assert.deepEqual(levelCounts(table.column('race')), {
    'African-American': 3_696,
    Asian: 32,
    Caucasian: 2_454,
    Hispanic: 637,
    'Native American': 18,
    Other: 377,
  });
});
