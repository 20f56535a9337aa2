// Runs every benchmark in turn (each in its own process, so one's memory does not weigh on the
// next) and prints their tables. Record the results in bench/RESULTS.md.
// Run: npm run bench [-- --rows N --reps N]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
const extra = process.argv.slice(2);
const only = process.env.BENCH;
let failed = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && (!only || f.startsWith(only))).sort()) {
  process.stdout.write(`\n## ${file}\n\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, file), ...extra], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
