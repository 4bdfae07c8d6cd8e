/**
 * Examples in the docs must keep working after the day they were written: a suppression
 * example with a literal `expiresAt` date turns into one the API and the config loader
 * refuse (or ignore as expired) once that date passes, so the docs describe the field or
 * compute the date instead. Also checks that the docs cite only files that exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  'test/fixtures/render-alerts-doc.ts',
];

describe('documentation examples', () => {
  it('give no suppression a literal expiry date (it would be in the past one day)', () => {
    const literal = /expiresAt["']?\s*[:=]\s*["']?\d{4}-\d{2}-\d{2}/;
    const offending = DOCS.flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
        .filter(({ line }) => literal.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(offending).toEqual([]);
  });

  it('link the rule catalog shipped in docs/rules.md, not a RULES.md the repository does not hold', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(existsSync(join(ROOT, 'RULES.md'))).toBe(false);
    expect(readme).not.toMatch(/RULES\.md/);
    expect(readme).toContain('](docs/rules.md)');
    expect(existsSync(join(ROOT, 'docs/rules.md'))).toBe(true);
  });
});
