/**
 * The rule catalog as Markdown: `docs/rules.md` is this function's output over the
 * registry (`npm run docs:rules` writes it; a test fails when the file is not current),
 * so the shipped catalog never drifts from the rules the scanner runs.
 */
import type { RuleDefinition } from '../../core/model.ts';
import { ruleCatalogEntry } from './rules.ts';

/** Prose and table cells: `<x>` would be read as an HTML tag, `|` as a cell border. */
const text = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cell = (value: string) => text(value).replace(/\|/g, '\\|');

function ruleSection(rule: RuleDefinition): string {
  const entry = ruleCatalogEntry(rule);
  const lines = [
    `## \`${entry.id}\``,
    '',
    `**${text(entry.title)}**`,
    '',
    `- Severity: ${entry.severities.join(' / ')}`,
    `- Resource: ${entry.resourceType}`,
    `- Reads: ${rule.requires.length > 0 ? rule.requires.map((part) => `\`${part}\``).join(', ') : 'the cluster only'}`,
    '',
    text(entry.description),
    '',
  ];
  if (entry.risk) lines.push(`Risk: ${text(entry.risk)}`, '');
  lines.push(
    'Remediation (`<slot>`: filled in for each finding from what the scan saw):',
    '',
    '```text',
    entry.remediation,
    '```',
    '',
    'References:',
    '',
    ...entry.references.map((ref) => `- <${ref}>`),
    '',
  );
  return lines.join('\n');
}

export function formatRulesMarkdown(rules: readonly RuleDefinition[]): string {
  const index = rules.map((rule) => {
    const severities = (rule.severities ?? [rule.severity]).join(' / ');
    return `| [\`${rule.id}\`](#${rule.id}) | ${severities} | ${rule.resourceType} | ${cell(rule.title)} |`;
  });
  return [
    '# Rule catalog',
    '',
    '<!-- Generated from the rule registry (functions/core/rules/index.ts) by',
    '     `npm run docs:rules`; test/unit/docs/rules-doc.test.ts fails when it is stale. -->',
    '',
    `Catalog version 2: ${rules.length} rules, in the order the scanner evaluates them.`,
    'Rule ids are stable: the CLI output, the findings table, the API and alert filters carry',
    'them. `npx eks-netguard rules --format json` prints the same catalog as JSON.',
    '',
    'Each rule gives one of three outcomes per cluster: a finding, a pass, or *not judged*',
    'when an input it reads ("Reads" below) is unknown for that cluster (a describe call',
    'failed, a file left that part out) — never a finding and never a resolution.',
    '',
    '| id | severity | resource | title |',
    '|---|---|---|---|',
    ...index,
    '',
    ...rules.map(ruleSection),
  ].join('\n');
}
