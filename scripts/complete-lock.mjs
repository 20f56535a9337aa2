// Completes package-lock.json with the platform-specific optional packages that this machine's
// npm mirror does not serve (it answers 404 for e.g. @duckdb/node-bindings-darwin-arm64), so
// `npm install` leaves them out and `npm ci` then refuses the lock as out of sync. Each missing
// optional dependency gets an entry with the os/cpu/libc its name declares; npm skips it on
// other platforms without fetching it. Run after `npm install` changes the lock.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [key, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const at = `node_modules/${name}`;
    if (packages[at]) continue;
    const m = /-(darwin|linux|win32|freebsd|android|openbsd|sunos|aix|netbsd)-(x64|arm64|arm|ia32|ppc64|s390x|riscv64|loong64|mips64el)(-(musl|gnu|msvc))?$/.exec(name);
    if (!m) {
      console.error(`${key}: optional ${name} is missing from the lock and its platform is not in its name; install it or leave it`);
      process.exitCode = 1;
      continue;
    }
    const stub = { version, cpu: [m[2]], ...(m[1] === 'linux' ? { libc: [m[4] === 'musl' ? 'musl' : 'glibc'] } : {}), optional: true, os: [m[1]] };
    packages[at] = stub;
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} optional platform entries added`);
