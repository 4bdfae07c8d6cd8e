/**
 * `--format sarif`: SARIF 2.1.0 for code-scanning dashboards. Every catalog rule is a
 * `tool.driver.rules` entry; every finding a result whose location is logical (an AWS
 * resource has no file), with the deterministic finding id as partial fingerprint so
 * that dashboards track the same misconfiguration across scans.
 */
import type { Finding, RuleDefinition, Severity } from '../../core/model.ts';
import { templateAsPlaceholders } from '../../core/remediation.ts';
import type { ScanReport, SuppressedReportFinding } from '../report.ts';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  CRITICAL: 'error',
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'note',
};

/** GitHub code scanning ranks alerts by this 0–10 score. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  CRITICAL: '9.5',
  HIGH: '8.0',
  MEDIUM: '5.5',
  LOW: '3.0',
};

export function formatSarif(
  report: ScanReport,
  rules: readonly RuleDefinition[],
  toolVersion: string,
): string {
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'eks-netguard',
            version: toolVersion,
            informationUri: 'https://docs.aws.amazon.com/eks/latest/userguide/eks-networking.html',
            rules: rules.map((rule) => ({
              id: rule.id,
              name: rule.id,
              shortDescription: { text: rule.title },
              fullDescription: { text: rule.description },
              help: { text: templateAsPlaceholders(rule.remediation) },
              ...(rule.references[0]?.startsWith('https://') ? { helpUri: rule.references[0] } : {}),
              defaultConfiguration: { level: LEVEL[rule.severity] },
              properties: {
                severity: rule.severity,
                severities: [...(rule.severities ?? [rule.severity])],
                resourceType: rule.resourceType,
                references: [...rule.references],
                'security-severity': SECURITY_SEVERITY[rule.severity],
                tags: ['security', 'eks', 'networking'],
              },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            toolExecutionNotifications: report.errors.map((e) => ({
              level: 'error',
              message: { text: `${e.region} ${e.operation}: ${e.message}` },
            })),
          },
        ],
        // Suppressed findings stay in the log, marked the SARIF way, so viewers hide them.
        results: [...report.findings, ...report.suppressed].map((f: Finding | SuppressedReportFinding) => ({
          ruleId: f.ruleId,
          ...(ruleIndex.has(f.ruleId) ? { ruleIndex: ruleIndex.get(f.ruleId) } : {}),
          level: LEVEL[f.severity],
          message: {
            text: `${f.title} — cluster ${f.clusterName} (${f.region}), ${f.resourceType} ${f.resourceId}. Fix: ${f.remediation}`,
          },
          locations: [
            {
              logicalLocations: [
                {
                  name: f.resourceId,
                  fullyQualifiedName: `${f.accountId}/${f.region}/${f.clusterName}/${f.resourceId}`,
                  kind: 'resource',
                },
              ],
            },
          ],
          partialFingerprints: { findingId: f.id },
          properties: {
            severity: f.severity,
            accountId: f.accountId,
            region: f.region,
            clusterName: f.clusterName,
            resourceType: f.resourceType,
            evidence: f.evidence,
            remediation: f.remediation,
          },
          ...('suppression' in f && f.status === 'SUPPRESSED'
            ? {
                suppressions: [
                  {
                    kind: 'external',
                    status: 'accepted',
                    justification: `${f.suppression.reason} (until ${f.suppression.expiresAt}; ${f.suppression.id})`,
                  },
                ],
              }
            : {}),
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
