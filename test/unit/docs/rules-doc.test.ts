/**
 * `docs/rules.md` is the catalog the README links: generated from the registry, so it
 * must be regenerated (`npm run docs:rules`) whenever a rule's text changes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatRulesMarkdown } from '../../../functions/cli/formatters/rules-markdown.ts';
import { RULES } from '../../../functions/core/rules/index.ts';

const ROOT = join(import.meta.dirname, '../../..');

describe('docs/rules.md', () => {
  it('is current with the rule registry (regenerate with `npm run docs:rules`)', () => {
    const committed = readFileSync(join(ROOT, 'docs/rules.md'), 'utf8');
    expect(committed).toBe(formatRulesMarkdown(RULES));
  });

  it('documents every rule with its severities, remediation template and references', () => {
    const doc = formatRulesMarkdown(RULES);
    expect(RULES).toHaveLength(37);
    for (const rule of RULES) {
      const section = doc.split(`## \`${rule.id}\``)[1]?.split('\n## ')[0] ?? '';
      expect(section, rule.id).toContain(`Severity: ${(rule.severities ?? [rule.severity]).join(' / ')}`);
      for (const reference of rule.references) expect(section, rule.id).toContain(`<${reference}>`);
      // Slots are shown as <placeholders>, never as raw {{slots}}.
      expect(section, rule.id).not.toContain('{{');
    }
  });

  it('escapes angle brackets in prose so that Markdown shows them rather than dropping them as HTML', () => {
    const doc = formatRulesMarkdown(RULES);
    expect(doc).toContain('kubernetes.io/cluster/&lt;cluster&gt; tag');
  });
});
