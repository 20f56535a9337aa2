// Help reaches the user from every entry point: the command list, each verb, and for verbs with
// methods (mitigate) each method's own options, however the user asks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candor } from '../helpers/cli.js';

test('candor --help lists every verb, and each verb answers --help with its own usage', () => {
  const top = candor(['--help']);
  assert.equal(top.code, 0);
  const verbs = ['assess', 'train', 'predict', 'errors', 'explain', 'compare', 'gate', 'mitigate', 'runs', 'serve', 'demo'];
  for (const verb of verbs) assert.match(top.stdout, new RegExp(`^  ${verb}\\b`, 'm'), verb);
  for (const verb of verbs) {
    const r = candor([verb, '--help']);
    assert.equal(r.code, 0, `${verb}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Usage: candor ${verb}\\b`), verb);
  }
});

test('candor mitigate METHOD --help and candor mitigate help METHOD print that method\'s options', () => {
  for (const method of ['postprocess', 'reduce']) {
    for (const argv of [['mitigate', method, '--help'], ['mitigate', 'help', method], ['help', 'mitigate']]) {
      const r = candor(argv);
      assert.equal(r.code, 0, r.stderr);
      if (argv[0] === 'help') assert.match(r.stdout, /^Usage: candor mitigate <method>/);
      else assert.match(r.stdout, new RegExp(`^Usage: candor mitigate ${method} `), argv.join(' '));
    }
  }
});
