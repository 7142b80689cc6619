import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

/**
 * package.json promises a Node version; every package `npm ci` installs must run on the oldest one it promises,
 * or `npm ci` warns EBADENGINE (as content-disposition 3, Node ≥ 22, once did under a Node 20.19 promise).
 */
const ROOT = join(__dirname, '..');

interface LockEntry {
  version?: string;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  engines?: { node?: string } | string[];
}

/** npm's own rule for `os`/`cpu`: a `!x` entry excludes x; any plain entry makes the list an allow-list. */
function fits(list: string[] | undefined, value: string): boolean {
  if (!list || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const allowed = list.filter((entry) => !entry.startsWith('!'));
  return allowed.length === 0 || allowed.includes(value);
}

/** Optional platform packages for another OS or CPU are skipped by npm on this machine, engines and all. */
function installedHere(entry: LockEntry): boolean {
  return !entry.optional || (fits(entry.os, process.platform) && fits(entry.cpu, process.arch));
}

function engineRange(entry: LockEntry): string | undefined {
  return entry.engines && !Array.isArray(entry.engines) ? entry.engines.node : undefined;
}

describe('package-lock.json and the Node version package.json promises', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

  it('promises a minimum Node version', () => {
    expect(semver.minVersion(manifest.engines.node)).not.toBeNull();
  });

  it('installs no package whose engines.node refuses that minimum', () => {
    const minimum = semver.minVersion(manifest.engines.node)!;
    const refusing = Object.entries(lock.packages)
      .filter(([location, entry]) => location !== '' && installedHere(entry))
      .flatMap(([location, entry]) => {
        const range = engineRange(entry);
        return range && !semver.satisfies(minimum, range, { includePrerelease: true })
          ? [`${location}@${entry.version} wants node ${range}`]
          : [];
      });
    expect(refusing).toEqual([]);
  });
});
