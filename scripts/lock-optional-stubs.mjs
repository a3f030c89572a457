#!/usr/bin/env node
// Adds lockfile entries for platform-specific optional packages that the npm registry this
// project is built against does not serve (e.g. @biomejs/cli-darwin-arm64). npm leaves them
// out of package-lock.json when it cannot fetch them, and `npm ci` then refuses the lockfile
// ("Missing: … from lock file", npm/cli#8320). The stubs carry os/cpu/libc derived from the
// package name, so npm skips them on other platforms exactly as it would the real entries.
// Run after `npm install` changes the lockfile: `npm run lock:fix`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;

function platformOf(name) {
  const os = ['darwin', 'win32', 'linux', 'android', 'freebsd'].find((o) => name.includes(`-${o}`));
  const cpu = ['arm64', 'x64', 'arm', 'ia32'].find((c) => new RegExp(`-${c}(-|$)`).test(name));
  const libc = name.endsWith('-musl')
    ? 'musl'
    : name.includes('linux') && !name.includes('android')
      ? 'glibc'
      : undefined;
  return { os, cpu, libc };
}

for (const [key, entry] of Object.entries(packages)) {
  if (!key || !entry.optionalDependencies) continue;
  for (const [name, range] of Object.entries(entry.optionalDependencies)) {
    const nested = `${key}/node_modules/${name}`;
    const top = `node_modules/${name}`;
    if (packages[nested] || packages[top]) continue;
    const { os, cpu, libc } = platformOf(name);
    if (!os || !cpu) continue; // not a platform package: leave it for npm to resolve
    packages[top] = {
      version: range.replace(/^[\^~=]/, ''),
      optional: true,
      os: [os],
      cpu: [cpu],
      ...(libc ? { libc: [libc] } : {}),
    };
    added += 1;
  }
}

const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
lock.packages = sorted;
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-optional-stubs: ${added} platform stub(s) added`);
