/** Output of the `rules` command: the catalog exactly as registered. */
import type { RuleDefinition } from '../../core/model.ts';
import { catalogEntry } from '../../core/rule-catalog-entry.ts';
import { textTable } from './text-table.ts';

/** One catalog entry of `rules --format json` (the same shape as `GET /rules`). */
export const ruleCatalogEntry = catalogEntry;

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
