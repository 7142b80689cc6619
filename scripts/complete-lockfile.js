#!/usr/bin/env node
/**
 * The npm registry this project is built from does not serve every platform's native binary (for example
 * @swc/core-darwin-arm64 answers 404), so `npm install` leaves those optional packages out of
 * package-lock.json, and `npm ci` then refuses the lockfile as out of sync — on every machine.
 * This adds the missing optional platform packages with the version their parent pins and the os/cpu/libc
 * their name states, so `npm ci` accepts the lockfile and skips them on platforms they are not for.
 * Run it after any `npm install` that changes the lockfile: `node scripts/complete-lockfile.js`.
 */
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32', 'mips64el'];

/** `@swc/core-linux-arm-gnueabihf` → { os: ['linux'], cpu: ['arm'], libc: ['glibc'] }. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  if (!os || !cpu) return undefined;
  const platform = { os: [os], cpu: [cpu] };
  if (os === 'linux' && parts.some((p) => p.startsWith('musl'))) platform.libc = ['musl'];
  else if (os === 'linux' && parts.some((p) => p.startsWith('gnu'))) platform.libc = ['glibc'];
  return platform;
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${location ? `${location}/` : ''}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    const platform = platformOf(name);
    if (!platform || !/^\d+\.\d+\.\d+/.test(spec)) continue;
    packages[`node_modules/${name}`] = { version: spec, ...platform, optional: true };
    added++;
  }
}

// Keep npm's own key order (alphabetical below the root) so diffs stay small.
const [root, ...rest] = Object.keys(packages);
lock.packages = Object.fromEntries([[root, packages[root]], ...rest.sort((a, b) => a.localeCompare(b, 'en')).map((k) => [k, packages[k]])]);
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional platform package(s)`);
