/**
 * One rule as the catalog shows it (`rules --format json`, `GET /rules`): its metadata,
 * with the remediation template's slots as `<slot>` placeholders (findings carry it
 * rendered with their own values).
 */
import type { RuleMetadata } from './model.ts';
import { templateAsPlaceholders } from './remediation.ts';

/** The catalog entry of a rule: the same shape for the CLI and the API. */
export function catalogEntry(rule: RuleMetadata) {
  return {
    id: rule.id,
    severity: rule.severity,
    severities: [...(rule.severities ?? [rule.severity])],
    title: rule.title,
    description: rule.description,
    ...(rule.risk ? { risk: rule.risk } : {}),
    remediation: templateAsPlaceholders(rule.remediation),
    references: [...rule.references],
    resourceType: rule.resourceType,
  };
}
