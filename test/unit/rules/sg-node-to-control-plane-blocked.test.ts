import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import { evaluateSnapshot } from '../../../functions/core/evaluate.ts';
import { sgNodeToControlPlaneBlocked } from '../../../functions/core/rules/sg-node-to-control-plane-blocked.ts';
import type { Ec2IpPermission, Snapshot } from '../../../functions/core/snapshot.ts';
import {
  buildSnapshot,
  CLUSTER_ARN,
  CLUSTER_SG,
  ingress,
  instance,
  managedNodegroup,
  runRule,
  securityGroup,
} from '../../fixtures/snapshot-builder.ts';

const rule = sgNodeToControlPlaneBlocked;
const NODE_SG = 'sg-node';

/** One self-managed node in subnet-a (10.0.1.0/24) with its own SG; the cluster SG gets `clusterIngress`. */
function withNode(clusterIngress: Ec2IpPermission[]): Snapshot {
  return buildSnapshot(({ vpc }) => {
    vpc.instances = [instance('i-1', { SecurityGroupIds: [NODE_SG] })];
    vpc.securityGroups = [
      securityGroup(CLUSTER_SG, { IpPermissions: clusterIngress }),
      securityGroup(NODE_SG),
    ];
  });
}

describe('sg-node-to-control-plane-blocked', () => {
  it('fires on the cluster when the cluster SG lets nothing in from the nodes', () => {
    // Arrange
    const snapshot = withNode([ingress('-1', undefined, undefined, { groups: [CLUSTER_SG] })]);
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: CLUSTER_ARN, severity: 'HIGH', resourceType: 'cluster' });
    expect(findings[0]?.evidence).toMatchObject({
      clusterSecurityGroups: [CLUSTER_SG],
      nodeSecurityGroups: [NODE_SG],
      nodeSecurityGroupSource: 'instances',
      nodeSubnets: [{ subnetId: 'subnet-a', cidr: '10.0.1.0/24' }],
    });
  });

  it.each([
    ['tcp 443-443', ingress('tcp', 443, 443, { groups: [NODE_SG] })],
    ['protocol number "6"', ingress('6', 443, 443, { groups: [NODE_SG] })],
    ['a range ending at 443', ingress('tcp', 442, 443, { groups: [NODE_SG] })],
    ['a range starting at 443', ingress('tcp', 443, 444, { groups: [NODE_SG] })],
    ['all protocols', ingress('-1', undefined, undefined, { groups: [NODE_SG] })],
  ])('does not fire when the cluster SG allows the node SG by %s', (_name, permission) => {
    expect(runRule(rule, withNode([permission]))).toEqual([]);
  });

  it.each([
    ['a range just above 443', ingress('tcp', 444, 500, { groups: [NODE_SG] })],
    ['a range just below 443', ingress('tcp', 400, 442, { groups: [NODE_SG] })],
    ['UDP 443', ingress('udp', 443, 443, { groups: [NODE_SG] })],
    ['ICMP (type/code, not ports)', ingress('icmp', -1, -1, { groups: [NODE_SG] })],
    ['ICMP protocol number "1" with type 443 in FromPort', ingress('1', 443, 443, { groups: [NODE_SG] })],
    ['TCP 443 from an unrelated group', ingress('tcp', 443, 443, { groups: ['sg-elsewhere'] })],
    ['TCP 443 from IPv6 ::/0 only', ingress('tcp', 443, 443, { ipv6Cidrs: ['::/0'] })],
    [
      'TCP 443 from a CIDR narrower than the node subnet',
      ingress('tcp', 443, 443, { cidrs: ['10.0.1.0/25'] }),
    ],
    ['TCP 443 from a CIDR outside the node subnet', ingress('tcp', 443, 443, { cidrs: ['10.1.0.0/16'] })],
  ])('fires when the only rule is %s', (_name, permission) => {
    expect(runRule(rule, withNode([permission]))).toHaveLength(1);
  });

  it.each([
    ['the VPC CIDR', '10.0.0.0/16'],
    ['exactly the node subnet', '10.0.1.0/24'],
    ['the world', '0.0.0.0/0'],
  ])('does not fire when TCP 443 is allowed from %s, covering the node subnet', (_name, cidr) => {
    expect(runRule(rule, withNode([ingress('tcp', 443, 443, { cidrs: [cidr] })]))).toEqual([]);
  });

  it('fires when the CIDRs cover only one of two node subnets', () => {
    const snapshot = withNode([ingress('tcp', 443, 443, { cidrs: ['10.0.1.0/24'] })]);
    snapshot.vpcs[0]?.instances.push(instance('i-2', { SubnetId: 'subnet-b', SecurityGroupIds: [NODE_SG] }));
    expect(runRule(rule, snapshot)).toHaveLength(1);
  });

  it('does not fire when CIDR rules spread over two cluster SGs together cover every node subnet', () => {
    // Arrange: subnet-a allowed by the EKS cluster SG, subnet-b by an additional cluster SG.
    const snapshot = withNode([ingress('tcp', 443, 443, { cidrs: ['10.0.1.0/24'] })]);
    const [cluster] = snapshot.clusters;
    const [vpc] = snapshot.vpcs;
    cluster!.cluster.resourcesVpcConfig.securityGroupIds = ['sg-extra'];
    vpc!.securityGroups.push(
      securityGroup('sg-extra', { IpPermissions: [ingress('tcp', 443, 443, { cidrs: ['10.0.2.0/24'] })] }),
    );
    vpc!.instances.push(instance('i-2', { SubnetId: 'subnet-b', SecurityGroupIds: [NODE_SG] }));
    // Act / Assert
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('fires when a node subnet is not in the inventory, whatever the CIDR rule', () => {
    const snapshot = withNode([ingress('tcp', 443, 443, { cidrs: ['10.0.0.0/8'] })]);
    snapshot.vpcs[0]!.instances = [instance('i-1', { SubnetId: 'subnet-gone', SecurityGroupIds: [NODE_SG] })];
    const findings = runRule(rule, snapshot);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence.nodeSubnets).toEqual([{ subnetId: 'subnet-gone', cidr: undefined }]);
  });

  it('fires when no node subnet is known: a CIDR rule cannot be shown to cover nothing', () => {
    const snapshot = withNode([ingress('tcp', 443, 443, { cidrs: ['0.0.0.0/0'] })]);
    snapshot.vpcs[0]!.instances = [instance('i-1', { SubnetId: undefined, SecurityGroupIds: [NODE_SG] })];
    expect(runRule(rule, snapshot)).toHaveLength(1);
  });

  it('fires when the permission allowing the nodes sits on a non-cluster SG', () => {
    const snapshot = withNode([]);
    snapshot.vpcs[0]!.securityGroups[1] = securityGroup(NODE_SG, {
      IpPermissions: [ingress('tcp', 443, 443, { groups: [NODE_SG] })],
    });
    expect(runRule(rule, snapshot)).toHaveLength(1);
  });

  it('does not fire when node SGs are unknown (no nodes, no node groups)', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.securityGroups = [securityGroup(CLUSTER_SG)];
    });
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('does not fire when none of the node SGs is in the inventory', () => {
    const snapshot = withNode([]);
    snapshot.vpcs[0]!.instances = [instance('i-1', { SecurityGroupIds: ['sg-deleted'] })];
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('does not fire when the cluster SG references a node SG that is missing from the inventory', () => {
    const snapshot = withNode([ingress('tcp', 443, 443, { groups: ['sg-deleted'] })]);
    snapshot.vpcs[0]!.instances = [instance('i-1', { SecurityGroupIds: [NODE_SG, 'sg-deleted'] })];
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('lists node SGs missing from the inventory in the evidence', () => {
    const snapshot = withNode([]);
    snapshot.vpcs[0]!.instances = [instance('i-1', { SecurityGroupIds: [NODE_SG, 'sg-deleted'] })];
    const findings = runRule(rule, snapshot);
    expect(findings[0]?.evidence.missingNodeSecurityGroups).toEqual(['sg-deleted']);
  });

  it('uses the cluster SG as node SG for managed node groups without visible instances', () => {
    // Arrange: the default cluster SG self-ingress (all protocols) lets the nodes in.
    const passing = buildSnapshot(({ cluster }) => {
      cluster.nodegroups = [managedNodegroup('ng-1')];
    });
    const failing = buildSnapshot(({ cluster, vpc }) => {
      cluster.nodegroups = [managedNodegroup('ng-1')];
      vpc.securityGroups = [securityGroup(CLUSTER_SG)];
    });
    // Act
    const passed = runRule(rule, passing);
    const failed = runRule(rule, failing);
    // Assert
    expect(passed).toEqual([]);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.evidence.nodeSecurityGroupSource).toBe('cluster-security-group-fallback');
  });

  it('is skipped when the instances could not be read (node SGs unknowable)', () => {
    const snapshot = withNode([]);
    snapshot.vpcs[0]!.incomplete = ['instances'];
    const result = evaluateSnapshot(snapshot, [rule], DEFAULT_RULE_CONFIG);
    expect(result.findings).toEqual([]);
    expect(result.coverage[0]?.skipped[0]).toMatchObject({ ruleId: rule.id, reason: 'incomplete-inventory' });
  });

  describe('IPv6 clusters', () => {
    /** The withNode layout, as an IPv6 cluster whose node subnet subnet-a has 2600:1f18:aa:1::/64. */
    function ipv6WithNode(clusterIngress: Ec2IpPermission[], ipFamily = 'ipv6'): Snapshot {
      const snapshot = withNode(clusterIngress);
      snapshot.clusters[0]!.cluster.kubernetesNetworkConfig = { ipFamily };
      snapshot.vpcs[0]!.subnets[0]!.Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: '2600:1f18:aa:1::/64' }];
      return snapshot;
    }

    it.each([
      ['the VPC IPv6 block', '2600:1f18:aa::/56'],
      ['exactly the node subnet IPv6 block', '2600:1f18:aa:1::/64'],
    ])('does not fire when TCP 443 is allowed from %s, covering the node subnet', (_name, ipv6Cidr) => {
      expect(runRule(rule, ipv6WithNode([ingress('tcp', 443, 443, { ipv6Cidrs: [ipv6Cidr] })]))).toEqual([]);
    });

    it('fires when the IPv6 source does not cover the node subnet IPv6 block, listing both in the evidence', () => {
      // Arrange
      const snapshot = ipv6WithNode([ingress('tcp', 443, 443, { ipv6Cidrs: ['2600:1f18:aa:2::/64'] })]);
      // Act
      const findings = runRule(rule, snapshot);
      // Assert
      expect(findings).toHaveLength(1);
      expect(findings[0]?.evidence).toMatchObject({
        nodeSubnets: [{ subnetId: 'subnet-a', cidr: '10.0.1.0/24', ipv6Cidrs: ['2600:1f18:aa:1::/64'] }],
        ipv6CidrsAllowing443: ['2600:1f18:aa:2::/64'],
      });
    });

    it('does not accept an IPv6 source for an IPv4 cluster', () => {
      const snapshot = ipv6WithNode([ingress('tcp', 443, 443, { ipv6Cidrs: ['2600:1f18:aa::/56'] })], 'ipv4');
      expect(runRule(rule, snapshot)).toHaveLength(1);
    });

    it('fires when a node subnet of an IPv6 cluster has no IPv6 block and its IPv4 block is not covered', () => {
      const snapshot = ipv6WithNode([ingress('tcp', 443, 443, { ipv6Cidrs: ['::/0'] })]);
      snapshot.vpcs[0]!.subnets[0]!.Ipv6CidrBlockAssociationSet = undefined;
      expect(runRule(rule, snapshot)).toHaveLength(1);
    });

    it('still accepts an IPv4 source covering the node subnet in an IPv6 cluster', () => {
      expect(runRule(rule, ipv6WithNode([ingress('tcp', 443, 443, { cidrs: ['10.0.0.0/16'] })]))).toEqual([]);
    });
  });

  it('renders the fix on the cluster SG, naming the node SGs as sources', () => {
    const [finding] = runRule(rule, withNode([]));
    expect(finding?.remediation).toContain(
      `aws ec2 authorize-security-group-ingress --region us-east-1 --group-id ${CLUSTER_SG} --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=${NODE_SG}}]'`,
    );
  });
});
