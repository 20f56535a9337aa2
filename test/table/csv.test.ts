import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CsvParser, formatLoadIssue, isUserError, parseCsv, valueAt, type CsvOptions, type LoadIssueCode, type Table } from '../../src/index.js';

/** Every row as a plain object. */
function rows(table: Table): Record<string, unknown>[] {
  return Array.from({ length: table.rowCount }, (_, i) => table.row(i));
}

/** Asserts `fn` throws a user error with `code` whose message matches `message`; returns it. */
function throwsUser(fn: () => unknown, code: string, message?: RegExp | string) {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(isUserError(caught), `expected a user error ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}

test('parseCsv reads a header, numbers and text, with sorted dictionaries and a report', () => {
  const { table, report } = parseCsv('age,sex,score\n30,M,0.5\n61,F,0.25\n45,M,1\n', { source: 'people.csv' });
  assert.deepEqual(rows(table), [
    { age: 30, sex: 'M', score: 0.5 },
    { age: 61, sex: 'F', score: 0.25 },
    { age: 45, sex: 'M', score: 1 },
  ]);
  const sex = table.column('sex');
  assert.equal(sex.type, 'categorical');
  assert.deepEqual(sex.type === 'categorical' && sex.dictionary, ['F', 'M']);
  assert.equal(report.source, 'people.csv');
  assert.equal(report.format, 'csv');
  assert.equal(report.rowsRead, 3);
  assert.equal(report.rowsSkipped, 0);
  assert.equal(report.delimiter, ',');
  assert.equal(report.header, true);
  assert.deepEqual(
    report.columns.map((c) => [c.name, c.type, c.typeFrom, c.missing]),
    [
      ['age', 'numeric', 'inferred', 0],
      ['sex', 'categorical', 'inferred', 0],
      ['score', 'numeric', 'inferred', 0],
    ],
  );
  assert.deepEqual(report.issues, []);
});

test('quoted fields keep delimiters, doubled quotes and newlines, and line numbers stay physical', () => {
  const text = 'id,text,n\n1,"a, b",2\n2,"say ""hi""",3\n3,"two\nlines",4\n4,  "padded"  ,5\n';
  const { table } = parseCsv(text);
  assert.deepEqual(
    rows(table).map((r) => r.text),
    ['a, b', 'say "hi"', 'two\nlines', 'padded'],
  );
  // The ragged row is on physical line 7: the quoted newline above counts as a line.
  throwsUser(() => parseCsv(`${text}5,x\n`, { source: 'q.csv' }), 'ragged_row', 'q.csv line 7: expected 3 fields, found 2 (check the delimiter or quoting, or pass --delimiter)');
});

test('CRLF, lone CR, a BOM and trailing blank lines are handled', () => {
  const expected = [
    { a: 1, b: 'x' },
    { a: 2, b: 'y' },
  ];
  assert.deepEqual(rows(parseCsv('a,b\r\n1,x\r\n2,y\r\n\r\n\r\n').table), expected);
  assert.deepEqual(rows(parseCsv('a,b\r1,x\r2,y\r').table), expected);
  const bom = parseCsv('\uFEFFa,b\n1,x\n2,y');
  assert.deepEqual(bom.table.names(), ['a', 'b']);
  assert.deepEqual(rows(bom.table), expected);
  const trailing = parseCsv('a,b\n1,x\n2,y\n\n  \n');
  assert.equal(trailing.report.rowsSkipped, 2);
  assert.deepEqual(trailing.report.issues, []);
});

test('blank lines between rows are skipped, counted and reported', () => {
  const { table, report } = parseCsv('a,b\n1,2\n\n3,4\n\n\n5,6\n');
  assert.equal(table.rowCount, 3);
  assert.equal(report.rowsSkipped, 3);
  assert.deepEqual(report.issues, [{ code: 'blank_lines', line: 3, count: 3 }]);
});

test('chunks may split records, quotes, escapes and CRLF anywhere', () => {
  const text = 'name,score,flag\r\n"Smith, J",0.5,true\r\n"a ""quoted""\r\nvalue",1.50,FALSE\r\nplain,-3,true\r\n,,\r\n"x",007,false';
  const whole = parseCsv(text);
  for (const size of [1, 2, 3, 5, 7, 11, 64]) {
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
    const parsed = parseCsv(chunks);
    assert.deepEqual(rows(parsed.table), rows(whole.table), `chunk size ${size}`);
    assert.deepEqual(parsed.report, whole.report, `chunk size ${size}`);
  }
  assert.deepEqual(rows(whole.table)[1], { name: 'a "quoted"\r\nvalue', score: 1.5, flag: false });
});

test('any text split into any chunks parses the same as in one piece', () => {
  const cell = fc.oneof(
    fc.constantFrom('', 'NA', '0', '-1.5', '1e3', '007', 'x', 'a b', ' padded '),
    fc.string({ unit: fc.constantFrom('a', '1', ',', '"', '\n', '\r', ' ', '.') , maxLength: 6 }).map((s) => `"${s.replaceAll('"', '""')}"`),
  );
  const csv = fc.integer({ min: 1, max: 4 }).chain((width) =>
    fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 12 }).map((body) => ['h1,h2,h3,h4'.split(',').slice(0, width).join(','), ...body.map((r) => r.join(','))].join('\n')),
  );
  fc.assert(
    fc.property(csv, fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 20 }), (text, sizes) => {
      const opts: CsvOptions = { delimiter: ',', header: true };
      const whole = parseCsv(text, opts);
      const chunks: string[] = [];
      for (let i = 0, k = 0; i < text.length; k++) {
        const size = sizes[k % sizes.length];
        chunks.push(text.slice(i, i + size));
        i += size;
      }
      const parsed = parseCsv(chunks, opts);
      assert.deepEqual(rows(parsed.table), rows(whole.table));
      assert.deepEqual(parsed.report, whole.report);
    }),
    { numRuns: 300 },
  );
});

test('the delimiter is detected among , ; tab and |, honouring quotes', () => {
  assert.equal(parseCsv('a;b;c\n1;2;3\n4;5;6\n').report.delimiter, ';');
  assert.equal(parseCsv('a\tb\n1\t2\n').report.delimiter, '\t');
  assert.equal(parseCsv('a|b\n1|2\n').report.delimiter, '|');
  // Semicolons inside quotes do not count.
  const q = parseCsv('name,note\n"x;y;z",1\n"p;q",2\n');
  assert.equal(q.report.delimiter, ',');
  assert.deepEqual(rows(q.table)[0], { name: 'x;y;z', note: 1 });
  // A European CSV: semicolons with decimal commas.
  const eu = parseCsv('a;b\n1,5;2\n3,5;4\n');
  assert.equal(eu.report.delimiter, ';');
  assert.deepEqual(rows(eu.table)[0], { a: '1,5', b: 2 });
  // One column: no delimiter splits anything, and that is fine.
  const one = parseCsv('x\n1\n2\n');
  assert.deepEqual(rows(one.table), [{ x: 1 }, { x: 2 }]);
});

test('a header is detected above numbers, and not when the first row is data', () => {
  assert.equal(parseCsv('a,b\n1,2\n').report.header, true);
  const noHeader = parseCsv('1,2\n3,4\n');
  assert.equal(noHeader.report.header, false);
  assert.deepEqual(noHeader.table.names(), ['column_1', 'column_2']);
  assert.equal(noHeader.table.rowCount, 2);
  // All text: a first row whose values recur below is data, not a header.
  assert.equal(parseCsv('Male,White\nFemale,Black\nMale,Black\n').report.header, false);
  assert.equal(parseCsv('sex,race\nMale,White\nFemale,Black\n').report.header, true);
  // A missing marker or an empty cell in the first row means data.
  assert.equal(parseCsv('x,?\ny,z\n').report.header, false);
  // Forced either way.
  assert.equal(parseCsv('a,b\n1,2\n', { header: false }).table.rowCount, 2);
  assert.deepEqual(parseCsv('1,2\n3,4\n', { header: true }).table.names(), ['1', '2']);
});

test('UCI-style files: no header, ", " separators, " ?" missing and a preamble line', () => {
  const names = ['age', 'workclass', 'income'];
  const data = '39, State-gov, <=50K\n50, ?, >50K\n\n';
  const { table, report } = parseCsv(data, { columns: names });
  assert.equal(report.header, false);
  assert.deepEqual(rows(table), [
    { age: 39, workclass: 'State-gov', income: '<=50K' },
    { age: 50, workclass: null, income: '>50K' },
  ]);
  assert.equal(report.columns[1].missing, 1);
  const test2 = parseCsv('|1x3 Cross validator\n25, Private, <=50K.\n38, ?, >50K.\n', { columns: names, skipRows: 1 });
  assert.equal(test2.report.rowsSkipped, 1);
  assert.deepEqual(rows(test2.table)[0], { age: 25, workclass: 'Private', income: '<=50K.' });
});

test('trim can be turned off, keeping spaces (and making " 39" text)', () => {
  const { table } = parseCsv('a,b\n 39, x\n 40, ?\n', { trim: false });
  assert.deepEqual(rows(table), [
    { a: ' 39', b: ' x' },
    { a: ' 40', b: ' ?' },
  ]);
  assert.equal(table.column('a').type, 'categorical');
});

test('missing markers: the defaults, a custom list, numeric markers and none at all', () => {
  const text = 'x,y\nNA,a\nN/A,b\n?,c\nnull,d\nNULL,e\nNaN,f\n,g\n1,NA\n';
  const { table, report } = parseCsv(text);
  assert.equal(table.column('x').type, 'numeric');
  assert.equal(report.columns[0].missing, 7);
  assert.equal(report.columns[1].missing, 1);
  const custom = parseCsv('x,y\n-999,a\n5,unknown\n', { missing: ['-999', 'unknown'] });
  assert.deepEqual(rows(custom.table), [
    { x: null, y: 'a' },
    { x: 5, y: null },
  ]);
  const none = parseCsv('x,y\nNA,\n1,b\n', { missing: [] });
  assert.deepEqual(rows(none.table), [
    { x: 'NA', y: '' },
    { x: '1', y: 'b' },
  ]);
});

test('numbers: plain, signed, exponent and huge; hex, Infinity and 1,000 are text', () => {
  const ok = parseCsv('v\n1\n-2.5\n+3\n.5\n5.\n1e3\n-1.5E-2\n1e308\n0.1\n123456789012345\n');
  assert.deepEqual(
    rows(ok.table).map((r) => r.v),
    [1, -2.5, 3, 0.5, 5, 1000, -0.015, 1e308, 0.1, 123456789012345],
  );
  for (const bad of ['0x10', 'Infinity', '1e309', '1_000', '--1', '1.2.3', '٣']) {
    const { table } = parseCsv(`v\n1\n"${bad}"\n`);
    assert.equal(table.column('v').type, 'categorical', bad);
  }
  const big = parseCsv('id\n12345678901234567890\n1\n');
  assert.equal(big.table.column('id').type, 'numeric');
  assert.deepEqual(big.report.issues, [{ code: 'precision_loss', column: 'id', line: 2, count: 1, values: ['12345678901234567890'] }]);
  assert.equal(parseCsv('id\n12345678901234567890\n', { types: { id: 'categorical' } }).table.row(0).id, '12345678901234567890');
  // Correct rounding: 0.1 + 0.2 style decimals parse exactly as Number() does.
  const decimals = ['0.3', '2.675', '1.005', '9007199254740.993', '0.000001', '0.0000001', '-0'];
  const parsed = parseCsv(`v\n${decimals.join('\n')}\n`).table.column('v');
  decimals.forEach((d, i) => assert.ok(Object.is(valueAt(parsed, i), Number(d)), d));
});

test('a column that turns out to be text keeps the exact text of its earlier numbers', () => {
  const { table, report } = parseCsv('v\n1.50\n007\n-0\n2\n1e3\nabc\n');
  assert.deepEqual(
    rows(table).map((r) => r.v),
    ['1.50', '007', '-0', '2', '1e3', 'abc'],
  );
  assert.equal(report.issues.length, 0);
});

test('a mostly numeric column with a stray marker is read as text, with an issue saying why', () => {
  const lines = Array.from({ length: 40 }, (_, i) => String(i));
  lines.splice(20, 0, 'unknown');
  const { table, report } = parseCsv(`v\n${lines.join('\n')}\n`);
  assert.equal(table.column('v').type, 'categorical');
  assert.deepEqual(report.issues, [{ code: 'mostly_numeric', column: 'v', line: 22, count: 1, values: ['unknown'] }]);
  assert.match(formatLoadIssue(report.issues[0]), /column "v": read as categorical because 1 value is not numbers \("unknown"\) \(line 22\)/);
});

test('booleans are inferred from true/false in any case', () => {
  const { table } = parseCsv('a,b\nTRUE,1\nfalse,0\n,1\nTrue,0\n');
  assert.equal(table.column('a').type, 'boolean');
  assert.deepEqual(
    rows(table).map((r) => r.a),
    [true, false, null, true],
  );
  assert.equal(table.column('b').type, 'numeric');
});

test('types override inference, and a value that does not fit names column, line and value', () => {
  const { table, report } = parseCsv('zip,ok,n\n02134,yes,1\n10001,no,2\n', { types: { zip: 'categorical', ok: 'boolean', n: 'categorical' } });
  assert.deepEqual(rows(table), [
    { zip: '02134', ok: true, n: '1' },
    { zip: '10001', ok: false, n: '2' },
  ]);
  assert.deepEqual(
    report.columns.map((c) => c.typeFrom),
    ['declared', 'declared', 'declared'],
  );
  const e = throwsUser(
    () => parseCsv('a,b\n1,x\n2,y\nthree,z\n', { source: 'd.csv', types: { a: 'numeric' } }),
    'not_numeric',
    'd.csv line 4: column "a" is declared numeric but has the value "three" (add it to the missing values, or declare the column categorical)',
  );
  assert.deepEqual(e.details, { column: 'a', line: 4, value: 'three' });
  throwsUser(() => parseCsv('a\nyes\nmaybe\n', { types: { a: 'boolean' } }), 'not_boolean', /line 3: column "a" is declared boolean but has the value "maybe"/);
  throwsUser(() => parseCsv('age\n1\n', { types: { agee: 'numeric' } }), 'unknown_column', /did you mean "age"/);
  throwsUser(() => parseCsv('a\n1\n', { types: { a: 'date' as 'numeric' } }), 'invalid_option');
});

test('columns names a headerless file and must match its width', () => {
  const { table } = parseCsv('1,2\n3,4\n', { columns: ['x', 'y'] });
  assert.deepEqual(rows(table), [
    { x: 1, y: 2 },
    { x: 3, y: 4 },
  ]);
  // With a header, the given names replace it.
  assert.deepEqual(parseCsv('a,b\n1,2\n', { columns: ['x', 'y'] }).table.names(), ['x', 'y']);
  throwsUser(() => parseCsv('1,2,3\n', { columns: ['x', 'y'], source: 'h.csv' }), 'column_count_mismatch', 'h.csv has 3 fields per row but 2 column names were given (check the names or the delimiter ",")');
});

test('select reads only the named columns, in that order', () => {
  const { table, report } = parseCsv('a,b,c\n1,x,3\n2,y,4\n', { select: ['c', 'a'] });
  assert.deepEqual(table.names(), ['c', 'a']);
  assert.deepEqual(rows(table), [
    { c: 3, a: 1 },
    { c: 4, a: 2 },
  ]);
  assert.deepEqual(
    report.columns.map((c) => c.name),
    ['c', 'a'],
  );
  throwsUser(() => parseCsv('age,b\n1,2\n', { select: ['agee'] }), 'unknown_column', /unknown column in select: "agee" \(did you mean "age"\?\)/);
});

test('duplicate and empty header names are made unique, with issues', () => {
  const { table, report } = parseCsv('id,score,score,,score.1\n1,2,3,4,5\n');
  assert.deepEqual(table.names(), ['id', 'score', 'score.2', 'column_4', 'score.1']);
  assert.deepEqual(report.issues, [
    { code: 'duplicate_column', column: 'score', detail: 'score.2' },
    { code: 'empty_column_name', count: 4, detail: 'column_4' },
  ]);
});

test('a ragged row is an error naming the file, the line and the counts', () => {
  const e = throwsUser(() => parseCsv('a,b,c\n1,2,3\n4,5\n', { source: 'data.csv' }), 'ragged_row', 'data.csv line 3: expected 3 fields, found 2 (check the delimiter or quoting, or pass --delimiter)');
  assert.deepEqual(e.details, { line: 3, expected: 3, found: 2, source: 'data.csv' });
  throwsUser(() => parseCsv('a,b\n1,2\n3,4,5\n', { source: 'data.csv' }), 'ragged_row', /line 3: expected 2 fields, found 3/);
  // After skipped lines and a multi-line field the line is still the physical one.
  throwsUser(() => parseCsv('pre\na,b\n1,"x\ny"\n\n2\n', { skipRows: 1, source: 'data.csv' }), 'ragged_row', /^data\.csv line 6:/);
});

test('an unterminated quote is an error naming the line where it opened', () => {
  throwsUser(() => parseCsv('a,b\n1,2\n3,"oops\n4,5\n', { source: 'u.csv' }), 'unterminated_quote', /^u\.csv line 3: a quoted field opened here is never closed/);
  throwsUser(() => parseCsv('"a,b\n1,2\n', { source: 'u.csv' }), 'unterminated_quote', /^u\.csv line 1:/);
});

test('text after a closing quote is kept and reported', () => {
  const { table, report } = parseCsv('a,b\n"x"y,1\n');
  assert.equal(table.row(0).a, 'xy');
  assert.deepEqual(report.issues, [{ code: 'malformed_quote', line: 2, count: 1 }]);
});

test('an empty or blank input is an error; a header alone gives no rows', () => {
  throwsUser(() => parseCsv('', { source: 'e.csv' }), 'empty_file', 'e.csv has no data (the file is empty or blank)');
  throwsUser(() => parseCsv('\n\n  \n'), 'empty_file');
  throwsUser(() => parseCsv('preamble\n', { skipRows: 1, source: 'e.csv' }), 'empty_file', /after skipping 1 line/);
  const { table, report } = parseCsv('a,b\n');
  assert.equal(table.rowCount, 0);
  assert.deepEqual(table.names(), ['a', 'b']);
  assert.deepEqual(report.issues, [{ code: 'no_rows' }]);
});

test('one row, one column, and an all-missing column', () => {
  assert.deepEqual(rows(parseCsv('a,b\n1,x').table), [{ a: 1, b: 'x' }]);
  assert.deepEqual(rows(parseCsv('a\n5').table), [{ a: 5 }]);
  const { table, report } = parseCsv('a,b\n1,NA\n2,\n');
  assert.equal(table.column('b').type, 'numeric');
  assert.deepEqual(report.issues, [{ code: 'all_missing', column: 'b' }]);
});

test('invalid options are refused with the option named', () => {
  throwsUser(() => parseCsv('a', { delimiter: ';;' }), 'invalid_option', /invalid delimiter/);
  throwsUser(() => parseCsv('a', { delimiter: '"' }), 'invalid_option');
  throwsUser(() => parseCsv('a', { skipRows: -1 }), 'invalid_option', /skipRows/);
});

test('the parser is single-use', () => {
  const p = new CsvParser();
  p.push('a\n1\n');
  p.finish();
  assert.throws(() => p.push('2\n'));
  assert.throws(() => p.finish());
});

test('many rows across many chunks build the same columns as the values that made them', () => {
  const n = 50_000;
  const lines = ['i,x,g,f'];
  for (let i = 0; i < n; i++) lines.push(`${i},${(i * 0.37).toFixed(2)},g${i % 7},${i % 3 === 0 ? 'true' : 'false'}`);
  const text = lines.join('\n');
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += 4093) chunks.push(text.slice(i, i + 4093));
  const { table } = parseCsv(chunks);
  assert.equal(table.rowCount, n);
  const x = table.column('x');
  const g = table.column('g');
  const f = table.column('f');
  assert.equal(x.type, 'numeric');
  assert.equal(g.type, 'categorical');
  assert.equal(f.type, 'boolean');
  for (let i = 0; i < n; i += 997) {
    assert.equal(valueAt(x, i), Number((i * 0.37).toFixed(2)));
    assert.equal(valueAt(g, i), `g${i % 7}`);
    assert.equal(valueAt(f, i), i % 3 === 0);
  }
});

test('many distinct text values, with missing markers among them', () => {
  const lines = ['k'];
  for (let i = 0; i < 100_000; i++) lines.push(i % 1000 === 0 ? 'NA' : `key-${i}`);
  const { table, report } = parseCsv(lines.join('\n'));
  const k = table.column('k');
  assert.equal(k.type === 'categorical' && k.dictionary.length, 99_900);
  assert.equal(report.columns[0].missing, 100);
  assert.equal(table.row(99_999).k, 'key-99999');
  assert.equal(table.row(1000).k, null);
});

test('formatLoadIssue renders every issue code in words', () => {
  const codes: LoadIssueCode[] = [
    'duplicate_column',
    'empty_column_name',
    'blank_lines',
    'mostly_numeric',
    'all_missing',
    'no_rows',
    'precision_loss',
    'malformed_quote',
    'reformatted_numbers',
    'converted_to_text',
    'encoding_fallback',
  ];
  for (const code of codes) {
    const text = formatLoadIssue({ code, column: 'c', line: 3, count: 2, values: ['v'], detail: 'd' });
    assert.ok(text.length > 10 && !text.includes('undefined'), `${code}: ${text}`);
  }
});
