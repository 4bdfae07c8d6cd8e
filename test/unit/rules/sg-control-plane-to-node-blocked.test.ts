import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import { evaluateSnapshot } from '../../../functions/core/evaluate.ts';
import { sgControlPlaneToNodeBlocked } from '../../../functions/core/rules/sg-control-plane-to-node-blocked.ts';
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

const rule = sgControlPlaneToNodeBlocked;
const NODE_SG = 'sg-node';

/** One node with its own SG carrying `nodeIngress`; cluster subnets are subnet-a/b (10.0.1.0/24, 10.0.2.0/24). */
function withNode(nodeIngress: Ec2IpPermission[]): Snapshot {
  return buildSnapshot(({ vpc }) => {
    vpc.instances = [instance('i-1', { SecurityGroupIds: [NODE_SG] })];
    vpc.securityGroups.push(securityGroup(NODE_SG, { IpPermissions: nodeIngress }));
  });
}

describe('sg-control-plane-to-node-blocked', () => {
  it('fires on the cluster when no node SG lets the control plane reach 10250', () => {
    // Arrange
    const snapshot = withNode([ingress('tcp', 443, 443, { groups: [CLUSTER_SG] })]);
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: CLUSTER_ARN, severity: 'HIGH', resourceType: 'cluster' });
    expect(findings[0]?.evidence).toMatchObject({
      clusterSecurityGroups: [CLUSTER_SG],
      nodeSecurityGroups: [NODE_SG],
      clusterSubnets: [
        { subnetId: 'subnet-a', cidr: '10.0.1.0/24' },
        { subnetId: 'subnet-b', cidr: '10.0.2.0/24' },
      ],
    });
  });

  it.each([
    ['tcp 10250-10250', ingress('tcp', 10250, 10250, { groups: [CLUSTER_SG] })],
    ['protocol number "6"', ingress('6', 10250, 10250, { groups: [CLUSTER_SG] })],
    ['the usual 1025-65535 range', ingress('tcp', 1025, 65535, { groups: [CLUSTER_SG] })],
    ['a range ending at 10250', ingress('tcp', 10000, 10250, { groups: [CLUSTER_SG] })],
    ['a range starting at 10250', ingress('tcp', 10250, 10260, { groups: [CLUSTER_SG] })],
    ['all protocols', ingress('-1', undefined, undefined, { groups: [CLUSTER_SG] })],
  ])('does not fire when a node SG allows the cluster SG by %s', (_name, permission) => {
    expect(runRule(rule, withNode([permission]))).toEqual([]);
  });

  it.each([
    ['a range just above 10250', ingress('tcp', 10251, 10260, { groups: [CLUSTER_SG] })],
    ['a range just below 10250', ingress('tcp', 10000, 10249, { groups: [CLUSTER_SG] })],
    ['UDP 10250', ingress('17', 10250, 10250, { groups: [CLUSTER_SG] })],
    ['ICMPv6', ingress('icmpv6', -1, -1, { groups: [CLUSTER_SG] })],
    ['TCP 10250 from the node SG itself', ingress('tcp', 10250, 10250, { groups: [NODE_SG] })],
    ['TCP 10250 from one cluster subnet only', ingress('tcp', 10250, 10250, { cidrs: ['10.0.1.0/24'] })],
  ])('fires when the only rule is %s', (_name, permission) => {
    expect(runRule(rule, withNode([permission]))).toHaveLength(1);
  });

  it('does not fire when an additional cluster SG is referenced', () => {
    const snapshot = withNode([ingress('tcp', 10250, 10250, { groups: ['sg-extra'] })]);
    snapshot.clusters[0]!.cluster.resourcesVpcConfig.securityGroupIds = ['sg-extra'];
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it.each([
    ['the VPC CIDR', ['10.0.0.0/16']],
    ['one CIDR per cluster subnet', ['10.0.1.0/24', '10.0.2.0/24']],
    ['the world', ['0.0.0.0/0']],
  ])('does not fire when TCP 10250 is allowed from %s', (_name, cidrs) => {
    expect(runRule(rule, withNode([ingress('tcp', 10250, 10250, { cidrs })]))).toEqual([]);
  });

  it('does not fire when CIDR rules on two node SGs together cover both cluster subnets', () => {
    // Arrange
    const snapshot = withNode([ingress('tcp', 10250, 10250, { cidrs: ['10.0.1.0/24'] })]);
    const [vpc] = snapshot.vpcs;
    vpc!.instances = [instance('i-1', { SecurityGroupIds: [NODE_SG, 'sg-node-2'] })];
    vpc!.securityGroups.push(
      securityGroup('sg-node-2', {
        IpPermissions: [ingress('tcp', 10250, 10250, { cidrs: ['10.0.2.0/24'] })],
      }),
    );
    // Act / Assert
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('fires when a cluster subnet is not in the inventory, whatever the CIDR rule', () => {
    const snapshot = withNode([ingress('tcp', 10250, 10250, { cidrs: ['10.0.0.0/16'] })]);
    snapshot.clusters[0]!.cluster.resourcesVpcConfig.subnetIds = ['subnet-a', 'subnet-gone'];
    expect(runRule(rule, snapshot)).toHaveLength(1);
  });

  it('does not fire when node SGs are unknown', () => {
    expect(runRule(rule, buildSnapshot())).toEqual([]);
  });

  it('does not fire when none of the node SGs is in the inventory', () => {
    const snapshot = withNode([]);
    snapshot.vpcs[0]!.instances = [instance('i-1', { SecurityGroupIds: ['sg-deleted'] })];
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('passes managed node groups without visible instances through the cluster SG self rule, and fires once it is gone', () => {
    const passing = buildSnapshot(({ cluster }) => {
      cluster.nodegroups = [managedNodegroup('ng-1')];
    });
    const failing = buildSnapshot(({ cluster, vpc }) => {
      cluster.nodegroups = [managedNodegroup('ng-1')];
      vpc.securityGroups = [
        securityGroup(CLUSTER_SG, { IpPermissions: [ingress('tcp', 443, 443, { cidrs: ['10.0.0.0/16'] })] }),
      ];
    });
    expect(runRule(rule, passing)).toEqual([]);
    const failed = runRule(rule, failing);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.evidence.nodeSecurityGroupSource).toBe('cluster-security-group-fallback');
  });

  it('is skipped when the node groups could not be read', () => {
    const snapshot = withNode([]);
    snapshot.clusters[0]!.incomplete = ['nodegroups'];
    const result = evaluateSnapshot(snapshot, [rule], DEFAULT_RULE_CONFIG);
    expect(result.findings).toEqual([]);
    expect(result.coverage[0]?.skipped[0]).toMatchObject({
      ruleId: rule.id,
      reason: 'incomplete-inventory',
      missing: ['nodegroups'],
    });
  });

  describe('IPv6 clusters', () => {
    /** The withNode layout, as an IPv6 cluster whose cluster subnets have IPv6 blocks. */
    function ipv6WithNode(nodeIngress: Ec2IpPermission[], ipFamily = 'ipv6'): Snapshot {
      const snapshot = withNode(nodeIngress);
      snapshot.clusters[0]!.cluster.kubernetesNetworkConfig = { ipFamily };
      snapshot.vpcs[0]!.subnets[0]!.Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: '2600:1f18:aa:1::/64' }];
      snapshot.vpcs[0]!.subnets[1]!.Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: '2600:1f18:aa:2::/64' }];
      return snapshot;
    }

    it.each([
      ['the VPC IPv6 block', ['2600:1f18:aa::/56']],
      ['one IPv6 block per cluster subnet', ['2600:1f18:aa:1::/64', '2600:1f18:aa:2::/64']],
    ])('does not fire when TCP 10250 is allowed from %s', (_name, ipv6Cidrs) => {
      expect(runRule(rule, ipv6WithNode([ingress('tcp', 10250, 10250, { ipv6Cidrs })]))).toEqual([]);
    });

    it('fires when the IPv6 source covers only one cluster subnet, listing the IPv6 sources', () => {
      // Arrange
      const snapshot = ipv6WithNode([ingress('tcp', 10250, 10250, { ipv6Cidrs: ['2600:1f18:aa:1::/64'] })]);
      // Act
      const findings = runRule(rule, snapshot);
      // Assert
      expect(findings).toHaveLength(1);
      expect(findings[0]?.evidence.ipv6CidrsAllowing10250).toEqual(['2600:1f18:aa:1::/64']);
    });

    it('does not accept an IPv6 source for an IPv4 cluster', () => {
      const snapshot = ipv6WithNode(
        [ingress('tcp', 10250, 10250, { ipv6Cidrs: ['2600:1f18:aa::/56'] })],
        'ipv4',
      );
      expect(runRule(rule, snapshot)).toHaveLength(1);
    });

    it('accepts one cluster subnet covered by IPv4 and the other by IPv6', () => {
      const snapshot = ipv6WithNode([
        ingress('tcp', 10250, 10250, { cidrs: ['10.0.1.0/24'], ipv6Cidrs: ['2600:1f18:aa:2::/64'] }),
      ]);
      expect(runRule(rule, snapshot)).toEqual([]);
    });
  });

  it('renders the fix for every node SG, with the cluster SG as source', () => {
    const [finding] = runRule(rule, withNode([]));
    expect(finding?.remediation).toContain(
      `for sg in ${NODE_SG}; do aws ec2 authorize-security-group-ingress --region us-east-1 --group-id "$sg" --ip-permissions 'IpProtocol=tcp,FromPort=10250,ToPort=10250,UserIdGroupPairs=[{GroupId=${CLUSTER_SG}}]'; done`,
    );
  });
});
