// A child process for the crash and concurrency tests: records runs in a loop into the store at
// STORE and prints each run's id on its own line once its transaction has committed. With --wait
// it opens the store, prints "ready" and starts only when a line arrives on stdin.
// With --wait the writers also pace each other: before its run i (i > 0) a writer waits until the
// store holds at least 2·i − 1 runs, so the other one has written too and the runs interleave
// however the machine schedules the two processes (writes themselves still race).
// Usage: node --import tsx writer.ts STORE LABEL COUNT GROUPS [--wait]   (COUNT 0 = until killed)
import { createInterface } from 'node:readline';
import { openStore } from '../../src/adapters/tracker/index.js';
import { syntheticInsights } from './synthetic.js';

const [store, label, countText, groupsText, wait] = process.argv.slice(2);
const count = Number(countText);
const groups = Number(groupsText);
const s = openStore(store);
if (wait === '--wait') {
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin });
  await new Promise((go) => lines.once('line', go));
  lines.close();
}
for (let i = 0; count === 0 || i < count; i++) {
  if (wait === '--wait' && i > 0) {
    const deadline = Date.now() + 30_000;
    while (s.count() < 2 * i - 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
  }
  const run = s.recordRun({ kind: 'assess', name: `${label}-${i}`, tags: [label], document: syntheticInsights(groups, i), config: { label, i } });
  // A pipe write is synchronous on Linux: once this returns, the parent can read the id.
  process.stdout.write(`${run.id}\n`);
}
s.close();
