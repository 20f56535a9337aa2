import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnsOf, exprToString, isUserError, parseExpression, type Expr } from '../../src/index.js';

/** Fully parenthesised, to see how the parser grouped things. */
function shape(e: Expr): string {
  switch (e.type) {
    case 'column':
      return e.name;
    case 'literal':
      return JSON.stringify(e.value);
    case 'logical':
    case 'compare':
    case 'arithmetic':
      return `(${shape(e.left)} ${e.op} ${shape(e.right)})`;
    case 'not':
      return `(not ${shape(e.operand)})`;
    case 'negate':
      return `(- ${shape(e.operand)})`;
    case 'in':
      return `(${shape(e.operand)} ${e.negated ? 'not in' : 'in'} [${e.values.map(shape).join(', ')}])`;
    case 'between':
      return `(${shape(e.operand)} ${e.negated ? 'not between' : 'between'} ${shape(e.low)} ${shape(e.high)})`;
    case 'is_null':
      return `(${shape(e.operand)} ${e.negated ? 'is not null' : 'is null'})`;
    case 'contains':
      return `(${shape(e.value)} ${e.negated ? 'not in' : 'in'} list ${e.list.name})`;
  }
}

/** The AST without positions or quoting style, for structural comparison. */
function strip(e: unknown): unknown {
  if (Array.isArray(e)) return e.map(strip);
  if (e === null || typeof e !== 'object') return e;
  return Object.fromEntries(
    Object.entries(e)
      .filter(([k]) => k !== 'start' && k !== 'end' && k !== 'quoted')
      .map(([k, v]) => [k, strip(v)]),
  );
}

function syntaxErrorOf(text: string): { message: string; details: Record<string, unknown> } {
  try {
    parseExpression(text);
  } catch (e) {
    assert.ok(isUserError(e) && e.code === 'syntax_error', `expected a syntax error for ${JSON.stringify(text)}, got ${String(e)}`);
    return { message: e.message, details: e.details };
  }
  assert.fail(`${JSON.stringify(text)} parsed`);
}

test('parseExpression records the character span of every node', () => {
  const e = parseExpression("age > 40 and sex = 'F'");
  assert.equal(e.type, 'logical');
  if (e.type !== 'logical' || e.left.type !== 'compare' || e.right.type !== 'compare') return;
  assert.deepEqual([e.start, e.end], [0, 22]);
  assert.deepEqual([e.left.start, e.left.end, e.left.left.start, e.left.left.end, e.left.right.start, e.left.right.end], [0, 8, 0, 3, 6, 8]);
  assert.deepEqual([e.right.start, e.right.end, e.right.right.start, e.right.right.end], [13, 22, 19, 22]);
});

test('parseExpression spans of a parenthesised operand include the parentheses in the parent', () => {
  const e = parseExpression(' (a + b) * c ');
  assert.deepEqual([e.start, e.end], [1, 12]);
  if (e.type !== 'arithmetic') return assert.fail();
  assert.deepEqual([e.left.start, e.left.end], [2, 7]);
});

test('parseExpression binds or < and < not < tests < + - < * / < unary minus', () => {
  assert.equal(shape(parseExpression('a or b and not c')), '(a or (b and (not c)))');
  assert.equal(shape(parseExpression('not a = 1 + 2 * -x')), '(not (a = (1 + (2 * (- x)))))');
  assert.equal(shape(parseExpression('a - b - c / d / e')), '((a - b) - ((c / d) / e))');
  assert.equal(shape(parseExpression('a and b and c or d')), '(((a and b) and c) or d)');
  assert.equal(shape(parseExpression('not not a')), '(not (not a))');
  assert.equal(shape(parseExpression('(a or b) and c')), '((a or b) and c)');
  assert.equal(shape(parseExpression('x between 1 + 1 and 2 * 3 and y')), '((x between (1 + 1) (2 * 3)) and y)');
});

test('parseExpression reads every test form', () => {
  assert.equal(shape(parseExpression("sex in ('Female', 'Other')")), '(sex in ["Female", "Other"])');
  assert.equal(shape(parseExpression('x not in (1, -2, null)')), '(x not in [1, -2, null])');
  assert.equal(shape(parseExpression('x not between 1 and 2')), '(x not between 1 2)');
  assert.equal(shape(parseExpression('x is null')), '(x is null)');
  assert.equal(shape(parseExpression('x is not null')), '(x is not null)');
  assert.equal(shape(parseExpression("'diabetes' in pre_existing_conditions")), '("diabetes" in list pre_existing_conditions)');
  assert.equal(shape(parseExpression("'diabetes' not in \"conditions\"")), '("diabetes" not in list conditions)');
  for (const [op, canonical] of [['=', '='], ['==', '='], ['!=', '!='], ['<>', '!='], ['<', '<'], ['<=', '<='], ['>', '>'], ['>=', '>=']]) {
    assert.equal(shape(parseExpression(`a${op}1`)), `(a ${canonical} 1)`);
  }
});

test('parseExpression keywords are case-insensitive, names are not', () => {
  const upper = parseExpression('NOT Age IS NULL AND x NOT BETWEEN 1 AND 2 OR y IN (TRUE, FALSE, NULL) Or z Not In (1)');
  const lower = parseExpression('not Age is null and x not between 1 and 2 or y in (true, false, null) or z not in (1)');
  assert.deepEqual(strip(upper), strip(lower));
  assert.equal(columnsOf(upper)[0], 'Age');
});

test('parseExpression reads quoted names and text with doubled quotes', () => {
  const e = parseExpression('"hours ""per"" week" > `a``b` and name = \'it\'\'s\' and "and" = \'\'');
  assert.deepEqual(columnsOf(e), ['hours "per" week', 'a`b', 'name', 'and']);
  assert.match(exprToString(e), /name = 'it''s'/);
  assert.equal(shape(parseExpression("x = ''")), '(x = "")');
  assert.equal(shape(parseExpression('größe > 1')), '(größe > 1)');
});

test('parseExpression reads numbers in every notation and folds a minus sign into them', () => {
  const values = ['1', '1.5', '.5', '2.', '1e3', '1.5E-3', '2e+2', '-7', '- 7', '-(7)', '--7'].map((s) => {
    const e = parseExpression(s);
    return e.type === 'literal' ? e.value : shape(e);
  });
  assert.deepEqual(values, [1, 1.5, 0.5, 2, 1000, 0.0015, 200, -7, -7, -7, 7]);
  const neg = parseExpression('x > -5');
  assert.equal(neg.type === 'compare' && neg.right.type === 'literal' && neg.right.start, 4);
  assert.equal(shape(parseExpression('-x')), '(- x)');
  assert.deepEqual([true, false, null].map((v) => (parseExpression(String(v)) as { value: unknown }).value), [true, false, null]);
});

test('a syntax error names the position, what was expected and found, and points at it', () => {
  assert.equal(syntaxErrorOf('age > 5 6').message, 'syntax error at character 8: expected an operator, "and", "or" or end of expression, found "6"\nage > 5 6\n        ^');
  assert.equal(syntaxErrorOf('').message, 'syntax error at character 0: expected an expression, found end of expression\n\n^');
  assert.equal(syntaxErrorOf('   ').message, 'syntax error at character 3: expected an expression, found end of expression\n   \n   ^');
  assert.equal(syntaxErrorOf('age >').message, 'syntax error at character 5: expected an expression, found end of expression\nage >\n     ^');
  assert.equal(syntaxErrorOf("name = 'abc").message, "syntax error at character 7: expected a closing ' for the text that starts here, found end of expression\nname = 'abc\n       ^");
  assert.equal(syntaxErrorOf('"hours > 3').message, 'syntax error at character 0: expected a closing " for the name that starts here, found end of expression\n"hours > 3\n^');
  assert.equal(syntaxErrorOf('`x').details.position, 0);
  assert.equal(syntaxErrorOf('(a > 1').message.split('\n')[0], 'syntax error at character 6: expected an operator, "and", "or" or ")", found end of expression');
  assert.equal(syntaxErrorOf('a > 1)').message.split('\n')[0], 'syntax error at character 5: expected an operator, "and", "or" or end of expression, found ")"');
  assert.equal(syntaxErrorOf('x in (1 2)').message.split('\n')[0], 'syntax error at character 8: expected "," or ")", found "2"');
  assert.equal(syntaxErrorOf('x in ()').message.split('\n')[0], 'syntax error at character 6: expected a literal, found ")"');
  assert.equal(syntaxErrorOf('x in (y)').message.split('\n')[0], 'syntax error at character 6: expected a literal, found "y"');
  assert.equal(syntaxErrorOf('x in 1').message.split('\n')[0], 'syntax error at character 5: expected "(", found "1"');
  assert.equal(syntaxErrorOf("'a' in 1").message.split('\n')[0], 'syntax error at character 7: expected "(" or a list column, found "1"');
  assert.equal(syntaxErrorOf('x is 5').message.split('\n')[0], 'syntax error at character 5: expected "not" or "null", found "5"');
  assert.equal(syntaxErrorOf('a not b').message.split('\n')[0], 'syntax error at character 6: expected "in" or "between", found "b"');
  assert.equal(syntaxErrorOf('x between 1').message.split('\n')[0], 'syntax error at character 11: expected an operator or "and", found end of expression');
  assert.equal(syntaxErrorOf('a # 3').message.split('\n')[0], 'syntax error at character 2: expected an operator, "and", "or" or end of expression, found "#"');
  assert.equal(syntaxErrorOf('a and or b').message.split('\n')[0], 'syntax error at character 6: expected an expression, found "or"');
  assert.equal(syntaxErrorOf('x = "" ').message.split('\n')[0], 'syntax error at character 4: expected a column name between the quotes, found ""');
  assert.equal(syntaxErrorOf('x > 1e400').message.split('\n')[0], 'syntax error at character 4: expected a number between -1.8e308 and 1.8e308, found "1e400"');
  assert.equal(syntaxErrorOf("x = 'a' and y = 'a very long text that goes on and on'  z").message.split('\n')[0].endsWith("found \"z\""), true);
});

test('a syntax error carries the expression, position and expectations as details', () => {
  const { message, details } = syntaxErrorOf('a > 1 6');
  assert.equal(message.split('\n').length, 3);
  assert.deepEqual(details, { expression: 'a > 1 6', position: 6, expected: ['an operator', '"and"', '"or"', 'end of expression'], found: '"6"' });
});

test('a syntax error on a later line echoes that line, and tabs keep the caret aligned', () => {
  assert.equal(syntaxErrorOf('a > 1 and\nb >').message, 'syntax error at character 13: expected an expression, found end of expression\nb >\n   ^');
  assert.equal(syntaxErrorOf('\ta ? 1').message, 'syntax error at character 3: expected an operator, "and", "or" or end of expression, found "?"\n\ta ? 1\n\t  ^');
});

test('exprToString prints a canonical form that parses back to the same tree', () => {
  const cases: [string, string][] = [
    ['NOT(Age>=40)  AND "sex"==\'F\'', "not Age >= 40 and sex = 'F'"],
    ['a <> 1 or (b or c)', 'a != 1 or (b or c)'],
    ['(a or b) and c', '(a or b) and c'],
    ['a - (b - c)', 'a - (b - c)'],
    ['(a - b) - c', 'a - b - c'],
    ['a / (b * c)', 'a / (b * c)'],
    ['- (a + b)', '-(a + b)'],
    ['- - a', '-(-a)'],
    ['a - -5', 'a - -5'],
    ['x in (-1, 2.5, null)', 'x in (-1, 2.5, null)'],
    ["'it''s' NOT IN tags", "'it''s' not in tags"],
    ['"hours per week" between 1e21 and 1e-7', '"hours per week" between 1e+21 and 1e-7'],
    ['"in" is not null', '"in" is not null'],
    ['`a"b` = 1', '"a""b" = 1'],
    ['(a > 1) = (b < 2)', '(a > 1) = (b < 2)'],
    ['(a is null) is null', '(a is null) is null'],
    ['not (a and b)', 'not (a and b)'],
    ['-0 = x', '-0 = x'],
    ['TRUE and NULL', 'true and null'],
  ];
  for (const [input, canonical] of cases) {
    const e = parseExpression(input);
    assert.equal(exprToString(e), canonical, input);
    assert.deepEqual(strip(parseExpression(canonical)), strip(e), input);
  }
});

test('columnsOf lists each referenced column once, in order', () => {
  assert.deepEqual(columnsOf(parseExpression("age > 40 and sex = 'F' or age < 18 and 'a' in tags and x between y and z")), ['age', 'sex', 'tags', 'x', 'y', 'z']);
  assert.deepEqual(columnsOf(parseExpression('1 = 1')), []);
});
