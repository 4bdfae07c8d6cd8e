/**
 * `--format ocsf`: each finding as an OCSF Compliance Finding (class_uid 2003, OCSF
 * 1.3.0, cloud profile), one JSON object per line (JSON Lines), for Amazon Security Lake
 * custom sources and SIEMs that ingest OCSF. What OCSF has no attribute for (the evidence,
 * references that are not URLs) goes to `unmapped`.
 */
import { findingResources, partitionOfRegion } from '../../core/asff.ts';
import type { Finding, RuleDefinition, Severity } from '../../core/model.ts';
import type { ScanReport, SuppressedReportFinding } from '../report.ts';

export const OCSF_VERSION = '1.3.0';

const COMPLIANCE_FINDING = { class_uid: 2003, class_name: 'Compliance Finding', category_uid: 2 } as const;
/** Every line reports the finding as seen by this scan: activity Create (type_uid = class × 100 + activity). */
const ACTIVITY = { id: 1, name: 'Create' } as const;

const SEVERITY_ID: Record<Severity, { id: number; name: string }> = {
  LOW: { id: 2, name: 'Low' },
  MEDIUM: { id: 3, name: 'Medium' },
  HIGH: { id: 4, name: 'High' },
  CRITICAL: { id: 5, name: 'Critical' },
};

/** The catalog a finding's rule belongs to: OCSF `compliance.standards`. */
const STANDARD = 'eks-netguard rule catalog v2 (Amazon EKS networking)';

function event(
  f: Finding | SuppressedReportFinding,
  rule: RuleDefinition | undefined,
  time: number,
  toolVersion: string,
): Record<string, unknown> {
  const suppressed = 'suppression' in f && f.status === 'SUPPRESSED' ? f.suppression : undefined;
  const partition = partitionOfRegion(f.region);
  const urls = f.references.filter((ref) => ref.startsWith('https://'));
  const otherReferences = f.references.filter((ref) => !ref.startsWith('https://'));
  return {
    ...COMPLIANCE_FINDING,
    category_name: 'Findings',
    activity_id: ACTIVITY.id,
    activity_name: ACTIVITY.name,
    type_uid: COMPLIANCE_FINDING.class_uid * 100 + ACTIVITY.id,
    type_name: `${COMPLIANCE_FINDING.class_name}: ${ACTIVITY.name}`,
    severity_id: SEVERITY_ID[f.severity].id,
    severity: SEVERITY_ID[f.severity].name,
    status_id: suppressed ? 3 : 1,
    status: suppressed ? 'Suppressed' : 'New',
    ...(suppressed
      ? { status_detail: `${suppressed.reason} (until ${suppressed.expiresAt}; ${suppressed.id})` }
      : {}),
    time,
    message: `${f.title}: cluster ${f.clusterName} (${f.region}), ${f.resourceType} ${f.resourceId}`,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'eks-netguard', vendor_name: 'eks-netguard', version: toolVersion },
      profiles: ['cloud'],
    },
    cloud: {
      provider: 'AWS',
      region: f.region,
      account: { uid: f.accountId, type_id: 10, type: 'AWS Account' },
    },
    finding_info: {
      uid: f.id,
      title: f.title,
      desc: rule ? [rule.risk ?? '', rule.description].filter(Boolean).join(' ') : f.title,
      types: [rule?.id ?? f.ruleId],
      ...(urls[0] ? { src_url: urls[0] } : {}),
    },
    compliance: {
      control: f.ruleId,
      standards: [STANDARD],
      status_id: 3,
      status: 'Fail',
    },
    resources: findingResources(f, partition).map((r, index) => ({
      uid: r.Id,
      type: r.Type,
      region: r.Region,
      cloud_partition: r.Partition,
      // The first resource is the finding's own; the others are context (its cluster, NACLs).
      ...(index === 0
        ? { name: f.resourceId, data: { resourceType: f.resourceType, clusterName: f.clusterName } }
        : {}),
    })),
    remediation: { desc: f.remediation, ...(urls.length > 0 ? { references: urls } : {}) },
    unmapped: {
      evidence: f.evidence,
      ...(otherReferences.length > 0 ? { references: otherReferences } : {}),
    },
  };
}

export function formatOcsf(
  report: ScanReport,
  rules: readonly RuleDefinition[],
  toolVersion: string,
): string {
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const time = Date.parse(report.scannedAt);
  return [...report.findings, ...report.suppressed]
    .map((f) => `${JSON.stringify(event(f, byId.get(f.ruleId), time, toolVersion))}\n`)
    .join('');
}
