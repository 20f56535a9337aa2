import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openStore } from '../../src/adapters/tracker/index.js';
import { tempDir } from '../helpers/cli.js';
import { go, startWriter } from './writer-process.js';
import { SYNTHETIC_METRICS } from './synthetic.js';

test('two processes writing runs at the same time into a new store lose nothing', async (t) => {
  const store = join(tempDir('candor-tracker-concurrent-'), 'runs.sqlite');
  const n = 60;
  const groups = 40;
  // Both open a store that does not exist yet (creating and migrating it may race too), then
  // start writing together.
  const writers = [startWriter(store, 'a', n, groups, true), startWriter(store, 'b', n, groups, true)];
  t.after(() => writers.forEach((w) => w.child.kill('SIGKILL')));
  await Promise.all(writers.map((w) => w.ready));
  writers.forEach(go);
  const exits = await Promise.all(writers.map((w) => w.exited));
  for (const e of exits) assert.equal(e.code, 0, e.stderr);
  for (const w of writers) assert.equal(w.ids.length, n);

  const s = openStore(store, { mustExist: true });
  try {
    assert.deepEqual(s.integrityCheck(), { ok: true, problems: [] });
    const runs = s.listRuns();
    assert.equal(runs.length, 2 * n);
    assert.deepEqual(runs.map((r) => r.id).sort((x, y) => x - y), [...writers[0].ids, ...writers[1].ids].sort((x, y) => x - y));
    for (const [w, label] of [[writers[0], 'a'], [writers[1], 'b']] as const) {
      const mine = s.listRuns({ tag: label });
      assert.deepEqual(mine.map((r) => r.id), w.ids, `the runs tagged ${label} are the ids its writer printed, in order`);
      assert.deepEqual(mine.map((r) => r.name), Array.from({ length: n }, (_, i) => `${label}-${i}`));
    }
    for (const r of runs) assert.equal(s.runMetrics(r.id).length, (groups + 1) * SYNTHETIC_METRICS.length);
    // The writers interleaved: neither wrote all its runs before the other started.
    const order = runs.map((r) => r.tags[0]).join('');
    assert.ok(!/^a+b+$|^b+a+$/.test(order), `no interleaving: ${order}`);
  } finally {
    s.close();
  }
});
