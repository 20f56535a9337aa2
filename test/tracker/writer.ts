// A child process for the crash and concurrency tests: records runs in a loop into the store at
// STORE and prints each run's id on its own line once its transaction has committed. With --wait
// it opens the store, prints "ready" and starts only when a line arrives on stdin.
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
  const run = s.recordRun({ kind: 'assess', name: `${label}-${i}`, tags: [label], document: syntheticInsights(groups, i), config: { label, i } });
  // A pipe write is synchronous on Linux: once this returns, the parent can read the id.
  process.stdout.write(`${run.id}\n`);
}
s.close();
