/**
 * A finding in the AWS Security Finding Format (ASFF), for Security Hub's
 * `BatchImportFindings`. Pure: the CLI's `--format asff` and the deployed Security Hub
 * exporter build the same documents from it. The types below are the subset of ASFF we
 * fill, written out here because the core imports no AWS SDK; they are structurally
 * assignable to `AwsSecurityFinding` of `@aws-sdk/client-securityhub`.
 */
import type { FindingStatus } from './lifecycle.ts';
import type { Finding, ResourceType, Severity } from './model.ts';
import { RULES } from './rules/index.ts';

export type AwsPartition = 'aws' | 'aws-cn' | 'aws-us-gov';

export type AsffSeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export interface AsffResource {
  Type: string;
  Id: string;
  Partition: AwsPartition;
  Region: string;
  Details?: { Other?: Record<string, string> };
}

export interface AwsSecurityFinding {
  SchemaVersion: '2018-10-08';
  Id: string;
  ProductArn: string;
  ProductName: string;
  GeneratorId: string;
  AwsAccountId: string;
  Region: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  Severity: { Label: AsffSeverityLabel; Original: string };
  Title: string;
  Description: string;
  Remediation: { Recommendation: { Text: string; Url?: string } };
  SourceUrl?: string;
  ProductFields: Record<string, string>;
  Resources: AsffResource[];
  Compliance: { Status: 'PASSED' | 'FAILED' };
  RecordState: 'ACTIVE' | 'ARCHIVED';
  Workflow: { Status: 'NEW' | 'SUPPRESSED' | 'RESOLVED' };
  FindingProviderFields: { Severity: { Label: AsffSeverityLabel; Original: string }; Types: string[] };
}

export interface AsffOptions {
  /** Where the finding is imported: the Security Hub account, region and partition. */
  partition: AwsPartition;
  region: string;
  accountId: string;
  /** Defaults to the account's default (custom integration) product. */
  productArn?: string;
  /** The stored lifecycle status; OPEN when absent (the CLI reports open findings). */
  status?: FindingStatus;
  /** ISO-8601 times: `updatedAt` must grow for Security Hub to accept a re-import. */
  updatedAt: string;
  /** When the finding was first seen; defaults to `updatedAt`. */
  createdAt?: string;
  /** The resource's ARN when the caller knows it (node group and Fargate profile ARNs end in a UUID). */
  resourceArn?: string;
}

/** Security Hub's ASFF field limits (the BatchImportFindings reference). */
export const ASFF_LIMITS = {
  title: 256,
  description: 1024,
  recommendationText: 512,
  productFieldValue: 2048,
  productFields: 50,
  resources: 32,
} as const;

/** All our findings are configuration checks of AWS best practice for EKS networking. */
export const ASFF_TYPE = 'Software and Configuration Checks/AWS Security Best Practices';

const LABEL: Record<Severity, AsffSeverityLabel> = {
  LOW: 'LOW',
  MEDIUM: 'MEDIUM',
  HIGH: 'HIGH',
  CRITICAL: 'CRITICAL',
};

const RESOURCE_TYPE: Record<ResourceType, string> = {
  cluster: 'AwsEksCluster',
  subnet: 'AwsEc2Subnet',
  'security-group': 'AwsEc2SecurityGroup',
  vpc: 'AwsEc2Vpc',
  instance: 'AwsEc2Instance',
  // ASFF has no node group or Fargate profile resource type.
  nodegroup: 'Other',
  'fargate-profile': 'Other',
};

const RULE_BY_ID = new Map(RULES.map((rule) => [rule.id, rule]));

/** The partition a region belongs to (`cn-north-1` → `aws-cn`, `us-gov-west-1` → `aws-us-gov`). */
export function partitionOfRegion(region: string): AwsPartition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The account's default product, which accepts findings from any custom integration. */
export function defaultProductArn(partition: AwsPartition, region: string, accountId: string): string {
  return `arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function ec2Arn(partition: AwsPartition, f: Finding, kind: string, id: string): string {
  return `arn:${partition}:ec2:${f.region}:${f.accountId}:${kind}/${id}`;
}

function clusterArn(partition: AwsPartition, f: Finding): string {
  return `arn:${partition}:eks:${f.region}:${f.accountId}:cluster/${f.clusterName}`;
}

/** The finding's own resource, typed, with a real ARN. */
function primaryResource(f: Finding, partition: AwsPartition, resourceArn: string | undefined): AsffResource {
  const base = { Type: RESOURCE_TYPE[f.resourceType], Partition: partition, Region: f.region };
  switch (f.resourceType) {
    case 'cluster':
      return { ...base, Id: f.resourceId.startsWith('arn:') ? f.resourceId : clusterArn(partition, f) };
    case 'subnet':
      return { ...base, Id: ec2Arn(partition, f, 'subnet', f.resourceId) };
    case 'security-group':
      return { ...base, Id: ec2Arn(partition, f, 'security-group', f.resourceId) };
    case 'vpc':
      return { ...base, Id: ec2Arn(partition, f, 'vpc', f.resourceId) };
    case 'instance':
      return { ...base, Id: ec2Arn(partition, f, 'instance', f.resourceId) };
    case 'nodegroup':
    case 'fargate-profile': {
      // Without the caller's ARN: the ARN up to the UUID EKS appends, which the scan does not see.
      const kind = f.resourceType === 'nodegroup' ? 'nodegroup' : 'fargateprofile';
      const id =
        resourceArn ??
        `arn:${partition}:eks:${f.region}:${f.accountId}:${kind}/${f.clusterName}/${f.resourceId}`;
      const nameKey = f.resourceType === 'nodegroup' ? 'nodegroupName' : 'fargateProfileName';
      return { ...base, Id: id, Details: { Other: { clusterName: f.clusterName, [nameKey]: f.resourceId } } };
    }
  }
}

/** Network ACLs the evidence names (the NACL path rule): each becomes an `AwsEc2NetworkAcl` resource. */
function networkAclIds(evidence: Record<string, unknown>): string[] {
  const ids = new Set<string>();
  if (typeof evidence.networkAclId === 'string') ids.add(evidence.networkAclId);
  if (Array.isArray(evidence.blockedLegs)) {
    for (const leg of evidence.blockedLegs) {
      const id = (leg as { networkAclId?: unknown } | null)?.networkAclId;
      if (typeof id === 'string') ids.add(id);
    }
  }
  return [...ids];
}

/**
 * The finding's resource first (typed, with its ARN), then the network ACLs its evidence names
 * and, for a resource other than the cluster, the cluster. OCSF `resources` reuse this list.
 */
export function findingResources(f: Finding, partition: AwsPartition, resourceArn?: string): AsffResource[] {
  const primary = primaryResource(f, partition, resourceArn);
  const related: AsffResource[] = networkAclIds(f.evidence).map((id) => ({
    Type: 'AwsEc2NetworkAcl',
    Id: ec2Arn(partition, f, 'network-acl', id),
    Partition: partition,
    Region: f.region,
  }));
  // The cluster rides along so Security Hub can filter every finding of a cluster.
  if (f.resourceType !== 'cluster') {
    related.push({
      Type: 'AwsEksCluster',
      Id: clusterArn(partition, f),
      Partition: partition,
      Region: f.region,
    });
  }
  return [primary, ...related].slice(0, ASFF_LIMITS.resources);
}

function description(f: Finding): string {
  const rule = RULE_BY_ID.get(f.ruleId);
  const why = rule ? [rule.risk ?? '', rule.description].filter(Boolean).join(' ') : f.title;
  return truncate(
    `${why} Cluster ${f.clusterName} (${f.region}), ${f.resourceType} ${f.resourceId}.`,
    ASFF_LIMITS.description,
  );
}

function productFields(f: Finding): Record<string, string> {
  const fields: Record<string, string> = {
    'eks-netguard/RuleId': f.ruleId,
    'eks-netguard/ClusterName': f.clusterName,
    'eks-netguard/ResourceType': f.resourceType,
    'eks-netguard/ResourceId': f.resourceId,
    'eks-netguard/Evidence': JSON.stringify(f.evidence),
    'eks-netguard/Remediation': f.remediation,
    'eks-netguard/References': f.references.join(' '),
  };
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [key, truncate(value, ASFF_LIMITS.productFieldValue)]),
  );
}

/**
 * The ASFF document for a finding. Id = the finding id, so a re-import updates the
 * Security Hub finding instead of adding one; RESOLVED → PASSED + ARCHIVED, SUPPRESSED →
 * Workflow SUPPRESSED, anything else (OPEN, reopened) → FAILED, ACTIVE, NEW.
 */
export function toAsff(finding: Finding, options: AsffOptions): AwsSecurityFinding {
  const { partition } = options;
  const status = options.status ?? 'OPEN';
  const severity = { Label: LABEL[finding.severity], Original: finding.severity };
  const url = finding.references.find((ref) => ref.startsWith('https://'));
  return {
    SchemaVersion: '2018-10-08',
    Id: finding.id,
    ProductArn: options.productArn ?? defaultProductArn(partition, options.region, options.accountId),
    ProductName: 'eks-netguard',
    GeneratorId: finding.ruleId,
    AwsAccountId: finding.accountId,
    Region: finding.region,
    Types: [ASFF_TYPE],
    CreatedAt: options.createdAt ?? options.updatedAt,
    UpdatedAt: options.updatedAt,
    Severity: severity,
    Title: truncate(finding.title, ASFF_LIMITS.title),
    Description: description(finding),
    Remediation: {
      Recommendation: {
        Text: truncate(finding.remediation, ASFF_LIMITS.recommendationText),
        ...(url ? { Url: url } : {}),
      },
    },
    ...(url ? { SourceUrl: url } : {}),
    ProductFields: productFields(finding),
    Resources: findingResources(finding, partition, options.resourceArn),
    Compliance: { Status: status === 'RESOLVED' ? 'PASSED' : 'FAILED' },
    RecordState: status === 'RESOLVED' ? 'ARCHIVED' : 'ACTIVE',
    Workflow: { Status: status === 'RESOLVED' ? 'RESOLVED' : status === 'SUPPRESSED' ? 'SUPPRESSED' : 'NEW' },
    FindingProviderFields: { Severity: severity, Types: [ASFF_TYPE] },
  };
}
