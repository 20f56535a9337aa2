import { userError, type UserError } from '../errors/index.js';

export type TokenKind = 'number' | 'string' | 'identifier' | 'keyword' | 'operator' | '(' | ')' | ',' | 'invalid' | 'end';

/** A lexical token. `value` is the number, the unescaped text or name, the lower-cased keyword or the operator. */
export interface Token {
  readonly kind: TokenKind;
  readonly value: string | number;
  /** The token as written. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** For identifiers, the quote they were written in. */
  readonly quote?: '"' | '`';
}

/** Reserved words (matched case-insensitively); a column with one of these names must be quoted. */
export const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'between', 'is', 'null', 'true', 'false']);

const WORD = /[\p{L}_][\p{L}\p{M}\p{Nd}_]*/uy;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const OPERATOR = /==|!=|<>|<=|>=|[=<>+\-*/]/y;
const SPACE = /\s+/y;

/** True when `name` can be written without quotes. */
export function isBareIdentifier(name: string): boolean {
  WORD.lastIndex = 0;
  return WORD.test(name) && WORD.lastIndex === name.length && !KEYWORDS.has(name.toLowerCase());
}

/**
 * Splits an expression into tokens, ending with an `end` token. Characters that start no token
 * become `invalid` tokens so that the parser reports them with what it expected there.
 */
export function lex(text: string): Token[] {
  const tokens: Token[] = [];
  const match = (re: RegExp, at: number): string | undefined => {
    re.lastIndex = at;
    return re.exec(text)?.[0];
  };
  let i = 0;
  while (i < text.length) {
    const space = match(SPACE, i);
    if (space) {
      i += space.length;
      continue;
    }
    const start = i;
    const c = text[i];
    let m: string | undefined;
    if (c === "'" || c === '"' || c === '`') {
      const { value, end } = readQuoted(text, start);
      const raw = text.slice(start, end);
      if (c === "'") tokens.push({ kind: 'string', value, text: raw, start, end });
      else {
        if (value === '') throw syntaxError(text, start, ['a column name between the quotes'], raw);
        tokens.push({ kind: 'identifier', value, text: raw, start, end, quote: c });
      }
      i = end;
    } else if ((m = match(NUMBER, i))) {
      tokens.push({ kind: 'number', value: Number(m), text: m, start, end: (i += m.length) });
    } else if ((m = match(WORD, i))) {
      const lower = m.toLowerCase();
      const keyword = KEYWORDS.has(lower);
      tokens.push({ kind: keyword ? 'keyword' : 'identifier', value: keyword ? lower : m, text: m, start, end: (i += m.length) });
    } else if ((m = match(OPERATOR, i))) {
      tokens.push({ kind: 'operator', value: m, text: m, start, end: (i += m.length) });
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, value: c, text: c, start, end: ++i });
    } else {
      const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
      tokens.push({ kind: 'invalid', value: ch, text: ch, start, end: (i += ch.length) });
    }
  }
  tokens.push({ kind: 'end', value: '', text: '', start: text.length, end: text.length });
  return tokens;
}

/** Reads a quoted string or name starting at `start`; a doubled quote inside stands for one. */
function readQuoted(text: string, start: number): { value: string; end: number } {
  const q = text[start];
  let value = '';
  let i = start + 1;
  while (true) {
    const close = text.indexOf(q, i);
    if (close < 0) {
      const what = q === "'" ? 'text' : 'name';
      throw syntaxError(text, start, [`a closing ${q} for the ${what} that starts here`], 'end of expression');
    }
    value += text.slice(i, close);
    if (text[close + 1] !== q) return { value, end: close + 1 };
    value += q;
    i = close + 2;
  }
}

/** How a token is named in "found …". */
export function describeToken(token: Token): string {
  if (token.kind === 'end') return 'end of expression';
  const text = token.text.length > 30 ? `${token.text.slice(0, 29)}…` : token.text;
  // The message must stay on one line: escape line breaks inside quoted tokens.
  return token.kind === 'string' || token.quote ? text.replace(/[\n\r]/g, (c) => (c === '\n' ? '\\n' : '\\r')) : JSON.stringify(text);
}

/**
 * A `syntax_error` whose message is three lines: what was expected and found where, the expression
 * (the line holding the error, when it has several) and a caret under the position.
 */
export function syntaxError(text: string, position: number, expected: readonly string[], found: string): UserError {
  const lineStart = text.lastIndexOf('\n', position - 1) + 1;
  const lineEnd = text.indexOf('\n', position);
  const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
  // Keep tabs so the caret lines up in a terminal; one space per code point otherwise.
  const pad = Array.from(text.slice(lineStart, position), (ch) => (ch === '\t' ? '\t' : ' ')).join('');
  const message = `syntax error at character ${position}: expected ${listOr(expected)}, found ${found}\n${line}\n${pad}^`;
  return userError('syntax_error', message, { expression: text, position, expected: [...expected], found });
}

function listOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
