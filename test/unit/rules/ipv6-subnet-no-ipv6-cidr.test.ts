import { describe, expect, it } from 'vitest';
import { formatIpv6 } from '../../../functions/core/cidr.ts';
import { ipv6SubnetNoIpv6Cidr } from '../../../functions/core/rules/ipv6-subnet-no-ipv6-cidr.ts';
import type { Snapshot } from '../../../functions/core/snapshot.ts';
import {
  buildSnapshot,
  instance,
  managedNodegroup,
  notJudgedReason,
  runRule,
  subnet,
} from '../../fixtures/snapshot-builder.ts';

const rule = ipv6SubnetNoIpv6Cidr;

/**
 * An IPv6 cluster in a VPC with 2600:1f18:aa::/56. subnet-a has 2600:1f18:aa::/64 and
 * subnet-b has no IPv6 block unless `bothHaveIpv6`.
 */
function ipv6Cluster(options: { bothHaveIpv6?: boolean; vpcIpv6?: string[] } = {}): Snapshot {
  return buildSnapshot(({ cluster, vpc }) => {
    cluster.cluster.kubernetesNetworkConfig = { ipFamily: 'ipv6', serviceIpv6Cidr: 'fd00::/108' };
    vpc.vpc!.Ipv6CidrBlocks = options.vpcIpv6 ?? ['2600:1f18:aa::/56'];
    vpc.subnets[0]!.Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: '2600:1f18:aa::/64' }];
    if (options.bothHaveIpv6)
      vpc.subnets[1]!.Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: '2600:1f18:aa:1::/64' }];
  });
}

describe('ipv6-subnet-no-ipv6-cidr', () => {
  it('fires HIGH on a cluster subnet of an IPv6 cluster that has no IPv6 block', () => {
    // Arrange
    const snapshot = ipv6Cluster();
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'subnet-b', severity: 'HIGH', resourceType: 'subnet' });
    expect(findings[0]?.evidence).toMatchObject({
      subnetId: 'subnet-b',
      roles: ['cluster'],
      ipFamily: 'ipv6',
    });
  });

  it('does not fire when every related subnet has an IPv6 block', () => {
    expect(runRule(rule, ipv6Cluster({ bothHaveIpv6: true }))).toEqual([]);
  });

  it('does not fire for an IPv4 cluster, whose subnets need no IPv6 block', () => {
    expect(runRule(rule, buildSnapshot())).toEqual([]);
  });

  it('checks node and Fargate subnets too', () => {
    // Arrange
    const snapshot = ipv6Cluster({ bothHaveIpv6: true });
    snapshot.vpcs[0]!.subnets.push(
      subnet('subnet-node', { CidrBlock: '10.0.3.0/24' }),
      subnet('subnet-fg', { CidrBlock: '10.0.4.0/24' }),
    );
    snapshot.clusters[0]!.nodegroups = [managedNodegroup('ng', { subnets: ['subnet-node'] })];
    snapshot.clusters[0]!.fargateProfiles = [{ fargateProfileName: 'fp', subnets: ['subnet-fg'] }];
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings.map((f) => [f.resourceId, f.evidence.roles])).toEqual([
      ['subnet-node', ['node']],
      ['subnet-fg', ['fargate']],
    ]);
  });

  it('proposes a free /64 of the VPC block for each subnet, different for each', () => {
    // Arrange: subnet-a uses 2600:1f18:aa::/64, so the first free blocks are :1:: and :2::.
    const snapshot = ipv6Cluster();
    snapshot.vpcs[0]!.subnets.push(subnet('subnet-c', { CidrBlock: '10.0.3.0/24' }));
    snapshot.vpcs[0]!.instances = [instance('i-1', { SubnetId: 'subnet-c' })];
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings.map((f) => f.resourceId)).toEqual(['subnet-b', 'subnet-c']);
    expect(findings[0]?.remediation).toContain(
      'aws ec2 associate-subnet-cidr-block --region us-east-1 --subnet-id subnet-b --ipv6-cidr-block 2600:1f18:aa:1::/64',
    );
    expect(findings[1]?.remediation).toContain('--subnet-id subnet-c --ipv6-cidr-block 2600:1f18:aa:2::/64');
  });

  it('adds turning on IPv6 auto-assignment for a node subnet only (one finding per fix)', () => {
    // Arrange
    const snapshot = ipv6Cluster();
    // Act
    const [clusterOnly] = runRule(rule, snapshot);
    snapshot.vpcs[0]!.instances = [instance('i-1', { SubnetId: 'subnet-b' })];
    const [nodeSubnet] = runRule(rule, snapshot);
    // Assert
    expect(clusterOnly?.remediation).not.toContain('--assign-ipv6-address-on-creation');
    expect(nodeSubnet?.remediation).toContain(
      'aws ec2 modify-subnet-attribute --region us-east-1 --subnet-id subnet-b --assign-ipv6-address-on-creation',
    );
  });

  it('tells to give the VPC an IPv6 block first when it has none', () => {
    const [finding] = runRule(rule, ipv6Cluster({ vpcIpv6: [] }));
    expect(finding?.remediation).toContain(
      'aws ec2 associate-vpc-cidr-block --region us-east-1 --vpc-id vpc-0a1b2c3d --amazon-provided-ipv6-cidr-block',
    );
    expect(finding?.remediation).toContain('--ipv6-cidr-block <ipv6SubnetCidr>');
  });

  it('is not judged when the subnets could not be read', () => {
    const snapshot = ipv6Cluster();
    snapshot.vpcs[0]!.incomplete = ['subnets'];
    expect(runRule(rule, snapshot)).toEqual([]);
    expect(notJudgedReason(rule, snapshot)).toContain('subnets');
  });
});

describe('formatIpv6', () => {
  it.each([
    [0n, '::'],
    [0x26001f1800aa00010000000000000000n, '2600:1f18:aa:1::'],
    [0x20010db8000000000001000000000001n, '2001:db8::1:0:0:1'],
    [0x00010002000300040005000600070008n, '1:2:3:4:5:6:7:8'],
  ])('writes %s in its RFC 5952 form', (value, text) => {
    expect(formatIpv6(value)).toBe(text);
  });
});
