/** Output of the `rules` command: the catalog exactly as registered. */
import type { RuleDefinition } from '../../core/model.ts';
import { templateAsPlaceholders } from '../../core/remediation.ts';
import { textTable } from './text-table.ts';

/** One catalog entry of `rules --format json`. */
export function ruleCatalogEntry(rule: RuleDefinition) {
  return {
    id: rule.id,
    severity: rule.severity,
    severities: [...(rule.severities ?? [rule.severity])],
    title: rule.title,
    description: rule.description,
    ...(rule.risk ? { risk: rule.risk } : {}),
    // The template with `<slot>` placeholders; findings carry it rendered with their values.
    remediation: templateAsPlaceholders(rule.remediation),
    references: [...rule.references],
    resourceType: rule.resourceType,
  };
}

export function formatRulesJson(rules: readonly RuleDefinition[]): string {
  return `${JSON.stringify(rules.map(ruleCatalogEntry), null, 2)}\n`;
}

export function formatRulesTable(rules: readonly RuleDefinition[]): string {
  const rows = rules.map((rule) => [
    rule.id,
    (rule.severities ?? [rule.severity]).join('/'),
    rule.resourceType,
    rule.title,
  ]);
  return `${textTable(['ID', 'SEVERITY', 'RESOURCE', 'TITLE'], rows)}\n\n${rules.length} rules.\n`;
}
