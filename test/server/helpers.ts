// Shared fixtures of the dashboard server tests: a stand-in for the built app (the real one is
// tested end to end in test/dashboard), small tables and JS models with closed-form explanations.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { categoricalColumn, jsModel, type Model, numericColumn, Table } from '../../src/index.js';
import { tempDir } from '../helpers/cli.js';

/** Text no response may ever contain: it sits in a file outside the app's directory. */
export const SECRET = 'TOP-SECRET-6f1c2e';

/** The inline-hostile text the fixture app's script holds (it must survive inlining unchanged). */
export const TRICKY = '</script><!-- <script> </SCRIPT>';

/**
 * A built app as Vite writes it (index.html, a module script and a stylesheet under assets/, a
 * font the stylesheet names), a secret file beside the directory and symlinks pointing out of it.
 */
export function fixtureApp(): { dir: string; secretPath: string } {
  const root = tempDir('candor-server-');
  const dir = join(root, 'dashboard');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  const secretPath = join(root, 'secret.txt');
  writeFileSync(secretPath, SECRET);
  writeFileSync(
    join(dir, 'index.html'),
    [
      '<!doctype html>',
      '<html lang="en">',
      '  <head>',
      '    <meta charset="utf-8" />',
      '    <title>Candor dashboard</title>',
      '    <script type="module" crossorigin src="./assets/index-abc123.js"></script>',
      '    <link rel="stylesheet" crossorigin href="./assets/index-def456.css">',
      '  </head>',
      '  <body>',
      '    <div id="root"></div>',
      '  </body>',
      '</html>',
      '',
    ].join('\n'),
  );
  // Markup-like text in a string, a regular expression, a template and a comment.
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), `globalThis.candorFixture = [${JSON.stringify(TRICKY)}, /<!--x<\\/script>/i.test('a<!--X</script>'), \`<!--\${1}</script \`]; // </script> <!--\n`);
  writeFileSync(join(dir, 'assets', 'index-def456.css'), "@font-face { font-family: f; src: url(./font-1.woff2) format('woff2'); }\nbody { color: #111; }\n");
  writeFileSync(join(dir, 'assets', 'font-1.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32, 1, 2, 3]));
  symlinkSync(secretPath, join(dir, 'assets', 'leak.txt'));
  symlinkSync(root, join(dir, 'up'));
  return { dir, secretPath };
}

/** y = 2a − 3b + 1 exactly, for a regression whose SHAP values are known in closed form. */
export const W = { a: 2, b: -3, c: 1 };
export const linear = (a: number, b: number) => W.a * a + W.b * b + W.c;

/** 60 rows: a, b numeric, g categorical, y = the linear function plus noise, pred its prediction. */
export function regressionTable(): Table {
  const n = 60;
  const a = Array.from({ length: n }, (_, i) => ((i * 37) % 23) / 4 - 2);
  const b = Array.from({ length: n }, (_, i) => ((i * 11) % 17) / 8);
  const g = Array.from({ length: n }, (_, i) => ['x', 'y', 'z'][i % 3]);
  const y = a.map((ai, i) => linear(ai, b[i]) + (((i * 7) % 5) - 2) / 10);
  return new Table([numericColumn('a', a), numericColumn('b', b), categoricalColumn('g', g), numericColumn('y', y), numericColumn('pred', a.map((ai, i) => linear(ai, b[i])))]);
}

export function linearModel(): Model {
  return jsModel({ name: 'linear', task: 'regression', inputs: ['a', 'b'], predict: (rows) => rows.map((r) => linear(r.a as number, r.b as number)) });
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** P(yes) = sigmoid(0.5 a + (g = 'x' ? 1 : −1)); a missing a counts as 0. */
export function logisticProbability(a: number | null, g: string | null): number {
  return sigmoid(0.5 * (a ?? 0) + (g === 'x' ? 1 : -1));
}

export function logisticModel(): Model {
  return jsModel({
    name: 'logistic',
    task: 'binary',
    classes: ['no', 'yes'],
    inputs: ['a', { name: 'g', type: 'categorical' }],
    predict: (rows) => rows.map((r) => logisticProbability(r.a as number | null, r.g as string | null)),
  });
}

/** A binary task over the regression table: label yes/no, the logistic model's probability as the score. */
export function binaryTable(): Table {
  const t = regressionTable();
  const a = t.column('a') as { values: Float64Array };
  const g = t.column('g') as { codes: Int32Array; dictionary: readonly string[] };
  const n = t.rowCount;
  const label = Array.from({ length: n }, (_, i) => ((i * 13) % 7 < 3 ? 'yes' : 'no'));
  const score = Array.from({ length: n }, (_, i) => logisticProbability(a.values[i], g.dictionary[g.codes[i]]));
  return new Table([t.column('a'), t.column('b'), t.column('g'), categoricalColumn('label', label), numericColumn('p', score)]);
}
