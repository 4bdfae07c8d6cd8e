/**
 * docs/security-hub.md shows what a finding looks like in Security Hub: the example must be
 * exactly what the exporter sends for the demo account today, not what it sent once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asffProblems } from '../../fixtures/asff-field-rules.ts';
import { securityHubDocExample } from '../../fixtures/security-hub-example.ts';

const ROOT = join(import.meta.dirname, '../../..');

describe('docs/security-hub.md', () => {
  it('shows the ASFF document the exporter renders for the demo account, and it passes the ASFF field rules', () => {
    // Arrange
    const doc = readFileSync(join(ROOT, 'docs/security-hub.md'), 'utf8');
    const example = securityHubDocExample();
    // Act + Assert
    expect(doc).toContain(`\`\`\`json\n${example}\n\`\`\``);
    expect(asffProblems(JSON.parse(example))).toEqual([]);
  });

  it('is listed in the README with the securityHub deploy parameter', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('docs/security-hub.md');
    expect(readme).toMatch(/\|\s*`securityHub`\s*\|/);
  });
});
