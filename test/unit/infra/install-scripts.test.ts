/**
 * `npm ci` on a fresh clone prints no install-script warnings: every dependency that has
 * an install script is decided in `allowScripts` (npm 11 skips undecided ones and lists
 * them as `npm warn install-scripts`). README "What npm ci and osls package print" says why
 * each is denied.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');

describe('install scripts', () => {
  it('has an allowScripts decision for every locked package with an install script', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      allowScripts?: Record<string, boolean>;
    };
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const withScripts = new Set(
      Object.entries(lock.packages)
        .filter(([path, entry]) => path !== '' && entry.hasInstallScript)
        .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)),
    );
    expect(withScripts.size).toBeGreaterThan(0);
    const undecided = [...withScripts].filter((name) => pkg.allowScripts?.[name] === undefined);
    expect(undecided).toEqual([]);
  });
});
