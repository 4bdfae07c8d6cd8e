/**
 * Supply chain: the lockfile is committed and resolves every dependency range of
 * package.json (so `npm ci` installs exactly what was reviewed), and no dependency is
 * taken from outside the registry (git URLs, tarballs, local paths).
 * (`npm audit` needs the registry's audit endpoint; see docs/SECURITY.md.)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));

describe('dependencies', () => {
  it('has package-lock.json under version control', () => {
    const tracked = execFileSync('git', ['ls-files', '--error-unmatch', 'package-lock.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(tracked.trim()).toBe('package-lock.json');
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
  });

  it('declares registry semver ranges only (no git, tarball, file or "*" specifiers)', () => {
    const specs = { ...pkg.dependencies, ...pkg.devDependencies } as Record<string, string>;
    const offending = Object.entries(specs).filter(([, spec]) => !/^[~^]?\d+(\.\d+){0,2}$/.test(spec));
    expect(offending).toEqual([]);
  });

  it('resolves every declared range, and the whole production tree, from the lockfile', () => {
    // `npm ls` exits non-zero and lists "invalid"/"missing" when the lock does not satisfy a range.
    const ls = (...args: string[]) =>
      JSON.parse(
        execFileSync('npm', ['ls', '--package-lock-only', '--json', ...args], {
          cwd: ROOT,
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        }),
      );
    expect(ls('--depth=0').problems ?? []).toEqual([]);
    expect(ls('--all', '--omit=dev').problems ?? []).toEqual([]);
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
      expect(lock.packages[`node_modules/${name}`]?.version, name).toBeDefined();
    }
  }, 60_000);
});
