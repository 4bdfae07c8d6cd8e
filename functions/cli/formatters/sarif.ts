/**
 * `--format sarif`: SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning among
 * them). Every catalog rule is a `tool.driver.rules` entry; every finding a result with the
 * deterministic finding id as partial fingerprint, so dashboards track the same
 * misconfiguration across scans.
 *
 * GitHub refuses a result without a `physicalLocation`, and an AWS resource has no file: a
 * finding of planned infrastructure points at its template file and line; any other finding
 * at `--sarif-artifact FILE` when given, else at the stable per-cluster path
 * `eks/<account>/<region>/<cluster>`, line 1. The AWS resource stays as a logical location.
 */
import type { Location, Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding, RuleDefinition, Severity } from '../../core/model.ts';
import { templateAsPlaceholders } from '../../core/remediation.ts';
import { UsageError } from '../errors.ts';
import type { ScanReport, SuppressedReportFinding } from '../report.ts';
import { plannedArtifactUri } from './sarif-location.ts';

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

export interface SarifOptions {
  /** `--sarif-artifact`: the repository file every live/snapshot result points at, as typed. */
  artifact?: string;
}

/**
 * Where a finding of a template or plan scan was declared (DESIGN.md): a file position, or a
 * Terraform address only. Read structurally: live and snapshot findings carry none.
 */
type PlannedLocation = { file: string; line: number; column?: number } | { address: string };

/**
 * Checks `--sarif-artifact` and turns it into the relative URI SARIF wants: forward
 * slashes, each segment percent-encoded. GitHub resolves it against the repository root, so
 * an absolute path or one that climbs out of the checkout is refused.
 */
export function sarifArtifactUri(path: string): string {
  const normalised = path
    .trim()
    .replaceAll('\\', '/')
    .replace(/^(\.\/)+/, '');
  if (normalised === '' || normalised.endsWith('/')) {
    throw new UsageError(`invalid --sarif-artifact "${path}": expected a file path such as infra/eks.tf`);
  }
  if (
    normalised.startsWith('/') ||
    /^[A-Za-z]:\//.test(normalised) ||
    /^[A-Za-z][A-Za-z0-9+.-]*:/.test(normalised)
  ) {
    throw new UsageError(
      `invalid --sarif-artifact "${path}": expected a path relative to the repository root, such as infra/eks.tf`,
    );
  }
  const segments = normalised.split('/').filter((s) => s !== '.');
  if (segments.includes('..')) {
    throw new UsageError(
      `invalid --sarif-artifact "${path}": expected a path relative to the repository root without "..", such as infra/eks.tf`,
    );
  }
  return segments.map((s) => encodeURIComponent(s)).join('/');
}

/** `endpoint-public-open` → `EndpointPublicOpen` (GitHub shows `name`; it must not be the id). */
export function pascalCaseName(ruleId: string): string {
  return ruleId
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join('');
}

/** The stable per-cluster path of a live or snapshot finding (documented in the README). */
export function clusterArtifactPath(f: Pick<Finding, 'accountId' | 'region' | 'clusterName'>): string {
  return ['eks', f.accountId, f.region, f.clusterName].map((s) => encodeURIComponent(s)).join('/');
}

/** `runs[].automationDetails.id`: the category (up to the last `/`) differs per account and regions. */
export function automationId(report: Pick<ScanReport, 'accountId' | 'regions'>): string {
  const regions = [...report.regions].sort().join(',') || 'no-region';
  return `eks-netguard/${report.accountId}/${regions}/`;
}

function plannedLocation(f: Finding): PlannedLocation | undefined {
  const location = (f as Finding & { location?: unknown }).location;
  if (typeof location !== 'object' || location === null) return undefined;
  const l = location as Record<string, unknown>;
  if (typeof l.file === 'string' && typeof l.line === 'number')
    return { file: l.file, line: l.line, ...(typeof l.column === 'number' ? { column: l.column } : {}) };
  if (typeof l.address === 'string') return { address: l.address };
  return undefined;
}

function locationOf(f: Finding, options: SarifOptions): Location {
  const planned = plannedLocation(f);
  const logicalLocations: NonNullable<Location['logicalLocations']> = [
    {
      name: f.resourceId,
      fullyQualifiedName: `${f.accountId}/${f.region}/${f.clusterName}/${f.resourceId}`,
      kind: 'resource',
    },
  ];
  if (planned && 'file' in planned) {
    return {
      physicalLocation: {
        artifactLocation: { uri: plannedArtifactUri(planned.file) },
        region: {
          startLine: Math.max(1, planned.line),
          ...(planned.column ? { startColumn: planned.column } : {}),
        },
      },
      logicalLocations,
    };
  }
  if (planned)
    logicalLocations.push({ name: planned.address, fullyQualifiedName: planned.address, kind: 'resource' });
  return {
    physicalLocation: {
      artifactLocation: {
        uri: options.artifact ? sarifArtifactUri(options.artifact) : clusterArtifactPath(f),
      },
      region: { startLine: 1 },
    },
    logicalLocations,
  };
}

function driverRule(rule: RuleDefinition): ReportingDescriptor {
  return {
    id: rule.id,
    name: pascalCaseName(rule.id),
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
  };
}

function result(
  f: Finding | SuppressedReportFinding,
  ruleIndex: Map<string, number>,
  options: SarifOptions,
): Result {
  return {
    ruleId: f.ruleId,
    ...(ruleIndex.has(f.ruleId) ? { ruleIndex: ruleIndex.get(f.ruleId) } : {}),
    level: LEVEL[f.severity],
    message: {
      text: `${f.title} — cluster ${f.clusterName} (${f.region}), ${f.resourceType} ${f.resourceId}. Fix: ${f.remediation}`,
    },
    locations: [locationOf(f, options)],
    partialFingerprints: { findingId: f.id },
    properties: {
      severity: f.severity,
      // A two-level rule's result may rank differently from the rule's default.
      'security-severity': SECURITY_SEVERITY[f.severity],
      accountId: f.accountId,
      region: f.region,
      clusterName: f.clusterName,
      resourceType: f.resourceType,
      evidence: f.evidence,
      remediation: f.remediation,
    },
    // Suppressed findings stay in the log, marked the SARIF way, so viewers hide them.
    ...('suppression' in f && f.status === 'SUPPRESSED'
      ? {
          suppressions: [
            {
              kind: 'external' as const,
              status: 'accepted' as const,
              justification: `${f.suppression.reason} (until ${f.suppression.expiresAt}; ${f.suppression.id})`,
            },
          ],
        }
      : {}),
  };
}

export function formatSarif(
  report: ScanReport,
  rules: readonly RuleDefinition[],
  toolVersion: string,
  options: SarifOptions = {},
): string {
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'eks-netguard',
            version: toolVersion,
            informationUri: 'https://docs.aws.amazon.com/eks/latest/userguide/eks-networking.html',
            rules: rules.map(driverRule),
          },
        },
        automationDetails: { id: automationId(report) },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            toolExecutionNotifications: report.errors.map((e) => ({
              level: 'error',
              message: { text: `${e.region} ${e.operation}: ${e.message}` },
            })),
          },
        ],
        results: [...report.findings, ...report.suppressed].map((f) => result(f, ruleIndex, options)),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
