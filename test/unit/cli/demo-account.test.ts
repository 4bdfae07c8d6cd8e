import { describe, expect, it } from 'vitest';
import { DEMO_SNAPSHOT, demoSnapshot } from '../../../functions/cli/demo-account.ts';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import { type EvaluationResult, evaluateSnapshot } from '../../../functions/core/evaluate.ts';
import { remainingPlaceholders } from '../../../functions/core/remediation.ts';
import { RULES } from '../../../functions/core/rules/index.ts';

const evaluateDemo = (): EvaluationResult => evaluateSnapshot(demoSnapshot(), RULES, DEFAULT_RULE_CONFIG);

/** The findings of one cluster as sorted `ruleId SEVERITY resourceId` lines. */
function findingLines(result: EvaluationResult, clusterName: string): string[] {
  return result.findings
    .filter((f) => f.clusterName === clusterName)
    .map((f) => `${f.ruleId} ${f.severity} ${f.resourceId}`)
    .sort();
}

/** The rules not judged for one cluster, sorted. */
function notJudgedIds(result: EvaluationResult, clusterName: string): string[] {
  const coverage = result.coverage.find((c) => c.clusterName === clusterName);
  return (coverage?.notJudged ?? []).map((entry) => entry.ruleId).sort();
}

const CNI_RULES = [
  'cni-custom-networking-no-secondary-cidr',
  'cni-external-snat-without-nat',
  'cni-network-policy-disabled',
  'cni-pod-sg-unsupported-instance',
];

describe('demo account', () => {
  it('trips every rule of the catalog (37) at least once, without rule errors', () => {
    // Arrange
    const catalog = RULES.map((rule) => rule.id);
    // Act
    const result = evaluateDemo();
    // Assert
    const fired = new Set(result.findings.map((f) => f.ruleId));
    expect(result.errors).toEqual([]);
    expect(catalog).toHaveLength(37);
    expect(catalog.filter((id) => !fired.has(id))).toEqual([]);
  });

  it('has seven clusters in three regions and six VPCs, each VPC with its default network ACL', () => {
    // Arrange
    const snapshot = demoSnapshot();
    // Act
    const regions = new Set(snapshot.clusters.map((c) => c.region));
    // Assert
    expect(snapshot.accountId).toBe('111122223333');
    expect(snapshot.clusters.map((c) => c.cluster.name)).toEqual([
      'payments-prod',
      'checkout-staging',
      'data-pipeline',
      'factory-hybrid',
      'analytics-eu',
      'storefront-auto',
      'edge-ipv6',
    ]);
    expect(regions).toEqual(new Set(['us-east-1', 'eu-west-1', 'us-west-2']));
    expect(snapshot.vpcs).toHaveLength(6);
    for (const vpc of snapshot.vpcs) {
      expect(
        vpc.networkAcls.filter((acl) => acl.IsDefault),
        vpc.vpcId,
      ).toHaveLength(1);
    }
  });

  it('keeps payments-prod, the well-run cluster, down to its busy subnet', () => {
    const result = evaluateDemo();
    expect(findingLines(result, 'payments-prod')).toEqual([
      'subnet-ip-exhaustion MEDIUM subnet-0a10000000000c1c1',
    ]);
    expect(notJudgedIds(result, 'payments-prod')).toEqual([]);
  });

  it('shows checkout-staging as the console-made cluster it is', () => {
    const result = evaluateDemo();
    const arn = 'arn:aws:eks:us-east-1:111122223333:cluster/checkout-staging';
    expect(findingLines(result, 'checkout-staging')).toEqual([
      'cni-external-snat-without-nat HIGH subnet-0a10000000000c2c2',
      `cni-network-policy-disabled MEDIUM ${arn}`,
      'cni-pod-sg-unsupported-instance MEDIUM checkout-ng-public',
      `endpoint-private-disabled MEDIUM ${arn}`,
      `endpoint-public-open HIGH ${arn}`,
      'nodegroup-public-subnet LOW checkout-ng-public',
      'nodegroup-ssh-open HIGH checkout-ng-public',
      'sg-open-ingress HIGH sg-0e1a2b3c4d5e6f703',
      'subnet-cluster-tag-conflict MEDIUM subnet-0a10000000000a4a4',
      'subnet-cluster-tag-missing LOW subnet-0a10000000000a3a3',
      'subnet-elb-tag-missing MEDIUM subnet-0a10000000000c2c2',
      'subnet-public-ip-autoassign-disabled HIGH subnet-0a10000000000c2c2',
      `subnet-single-az HIGH ${arn}`,
    ]);
    expect(notJudgedIds(result, 'checkout-staging')).toEqual([]);
  });

  it('shows data-pipeline broken in its isolated subnets, SGs and node metadata', () => {
    const result = evaluateDemo();
    const arn = 'arn:aws:eks:us-east-1:111122223333:cluster/data-pipeline';
    expect(findingLines(result, 'data-pipeline')).toEqual([
      `cni-custom-networking-no-secondary-cidr LOW ${arn}`,
      `cni-network-policy-disabled MEDIUM ${arn}`,
      `endpoint-private-dns-disabled HIGH ${arn}`,
      'fargate-public-subnet HIGH fp-ingest',
      'node-imds-reachable-from-pods HIGH pipeline-r6i',
      'sg-cluster-self-ingress-missing HIGH sg-0e2b3c4d5e6f70801',
      `sg-control-plane-to-node-blocked HIGH ${arn}`,
      'sg-node-cluster-tag MEDIUM i-0b2000000000000d1',
      'sg-node-cluster-tag MEDIUM i-0b2000000000000d2',
      `sg-node-to-control-plane-blocked HIGH ${arn}`,
      'subnet-internal-elb-tag-missing LOW subnet-0b20000000000a1a1',
      'subnet-internal-elb-tag-missing LOW subnet-0b20000000000b1b1',
      'subnet-internal-elb-tag-missing LOW subnet-0b20000000000d1d1',
      'subnet-ip-exhaustion HIGH subnet-0b20000000000d1d1',
      'subnet-isolated-missing-endpoints HIGH subnet-0b20000000000a1a1',
      'subnet-isolated-missing-endpoints HIGH subnet-0b20000000000d1d1',
      'subnet-role-tag-mismatch MEDIUM subnet-0b20000000000a2a2',
      'vpc-endpoint-az-gap LOW subnet-0b20000000000d1d1',
    ]);
    expect(notJudgedIds(result, 'data-pipeline')).toEqual([]);
  });

  it('shows factory-hybrid unable to reach its on-premises nodes, and its nodes blocked by a network ACL', () => {
    const result = evaluateDemo();
    const arn = 'arn:aws:eks:us-east-1:111122223333:cluster/factory-hybrid';
    expect(findingLines(result, 'factory-hybrid')).toEqual([
      `hybrid-cluster-sg-blocks-remote HIGH ${arn}`,
      `hybrid-remote-cidr-overlap HIGH ${arn}`,
      'hybrid-remote-unroutable HIGH subnet-0f60000000000b1b1',
      'nacl-blocks-node-control-plane HIGH subnet-0f60000000000a3a3',
      'nacl-blocks-node-control-plane HIGH subnet-0f60000000000b3b3',
    ]);
    expect(notJudgedIds(result, 'factory-hybrid')).toEqual([]);
  });

  it('shows analytics-eu unreachable by its nodes, with Karpenter nodes on public addresses', () => {
    const result = evaluateDemo();
    const arn = 'arn:aws:eks:eu-west-1:111122223333:cluster/analytics-eu';
    expect(findingLines(result, 'analytics-eu')).toEqual([
      `endpoint-nodes-cannot-reach HIGH ${arn}`,
      `endpoint-private-disabled MEDIUM ${arn}`,
      `endpoint-public-cidr-broad MEDIUM ${arn}`,
      'node-imds-reachable-from-pods LOW i-0c3000000000000b1',
      'node-imds-reachable-from-pods LOW i-0c3000000000000b2',
      'node-imds-reachable-from-pods LOW i-0c3000000000000b3',
      'node-public-ip LOW subnet-0c30000000000a2a2',
      'sg-open-ingress MEDIUM sg-0e3c4d5e6f7081901',
    ]);
    // Calico and a self-managed vpc-cni: the add-on's settings cannot be seen.
    expect(notJudgedIds(result, 'analytics-eu')).toEqual(CNI_RULES);
  });

  it('shows storefront-auto (Auto Mode) open to the world through a split world CIDR, its cni rules not judged', () => {
    const result = evaluateDemo();
    const arn = 'arn:aws:eks:eu-west-1:111122223333:cluster/storefront-auto';
    expect(findingLines(result, 'storefront-auto')).toEqual([
      `endpoint-public-open HIGH ${arn}`,
      'node-public-ip LOW subnet-0e70000000000a1a1',
      'node-public-ip LOW subnet-0e70000000000b1b1',
      'sg-public-cidr-broad MEDIUM sg-0e7b8c9d0e1f2a302',
      'vpc-flow-logs-disabled LOW vpc-0e7a8b9c0d1e2f307',
    ]);
    const coverage = result.coverage.find((c) => c.clusterName === 'storefront-auto');
    expect(notJudgedIds(result, 'storefront-auto')).toEqual(CNI_RULES);
    for (const entry of coverage?.notJudged ?? []) expect(entry.reason).toMatch(/Auto Mode/);
    const open = result.findings.find(
      (f) => f.clusterName === 'storefront-auto' && f.ruleId === 'endpoint-public-open',
    );
    expect(JSON.stringify(open?.evidence)).toContain('128.0.0.0/1');
  });

  it('shows edge-ipv6 with a cluster subnet lacking IPv6 and a node subnet not auto-assigning it', () => {
    const result = evaluateDemo();
    expect(findingLines(result, 'edge-ipv6')).toEqual([
      'ipv6-subnet-autoassign-disabled HIGH subnet-0d40000000000b1b1',
      'ipv6-subnet-no-ipv6-cidr HIGH subnet-0d40000000000c1c1',
    ]);
    expect(notJudgedIds(result, 'edge-ipv6')).toEqual([]);
  });

  it('renders every remediation with the values its finding holds (no placeholder for an evidence value)', () => {
    // Arrange
    const result = evaluateDemo();
    // Act: placeholders left in a remediation although the evidence has a plain value for them.
    const unfilled = result.findings.flatMap((finding) =>
      remainingPlaceholders(finding.remediation)
        .filter((name) => {
          const value = (finding.evidence as Record<string, unknown>)[name];
          return typeof value === 'string' || typeof value === 'number';
        })
        .map((name) => `${finding.ruleId} ${finding.resourceId}: <${name}>`),
    );
    // Assert
    expect(result.findings.length).toBeGreaterThan(0);
    expect(unfilled).toEqual([]);
  });

  it('yields the same finding ids when evaluated twice (ids are deterministic)', () => {
    const first = evaluateDemo().findings.map((f) => f.id);
    const second = evaluateDemo().findings.map((f) => f.id);
    expect(first.length).toBeGreaterThan(0);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  it('hands out independent copies so callers cannot corrupt the bundled data', () => {
    const copy = demoSnapshot();
    copy.clusters.length = 0;
    copy.vpcs[0]!.subnets[0]!.Tags.Name = 'changed';
    expect(demoSnapshot().clusters).toHaveLength(7);
    expect(DEMO_SNAPSHOT.vpcs[0]!.subnets[0]!.Tags.Name).toBe('platform-private-a');
  });
});
