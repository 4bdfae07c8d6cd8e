import { describe, expect, it } from 'vitest';
import { nodePublicIp } from '../../../functions/core/rules/node-public-ip.ts';
import type { Ec2Instance } from '../../../functions/core/snapshot.ts';
import {
  buildSnapshot,
  CLUSTER,
  instance,
  managedNodegroup,
  REGION,
  runRule,
} from '../../fixtures/snapshot-builder.ts';

const rule = nodePublicIp;

/** A Karpenter node (tag eks:eks-cluster-name, no node group) in `subnetId`, with or without a public IP. */
function karpenterNode(id: string, subnetId: string, publicIp?: string): Ec2Instance {
  return instance(id, {
    SubnetId: subnetId,
    Tags: { 'eks:eks-cluster-name': CLUSTER, 'karpenter.sh/nodepool': 'default' },
    ...(publicIp !== undefined ? { PublicIpAddress: publicIp } : {}),
  });
}

describe('node-public-ip', () => {
  it('fires per subnet for Karpenter nodes with public addresses, counting and listing them sorted', () => {
    // Arrange
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.instances = [
        karpenterNode('i-2', 'subnet-pub', '203.0.113.2'),
        karpenterNode('i-1', 'subnet-pub', '203.0.113.1'),
        karpenterNode('i-3', 'subnet-a'),
      ];
    });
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'subnet-pub', resourceType: 'subnet', severity: 'LOW' });
    expect(findings[0]?.evidence).toMatchObject({
      subnetId: 'subnet-pub',
      count: 2,
      instanceIds: ['i-1', 'i-2'],
    });
    expect(findings[0]?.remediation).toContain(
      `aws ec2 modify-subnet-attribute --region ${REGION} --subnet-id subnet-pub --no-map-public-ip-on-launch`,
    );
  });

  it('covers self-managed and Auto Mode nodes too', () => {
    // Arrange
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.instances = [
        instance('i-self', {
          SubnetId: 'subnet-pub',
          PublicIpAddress: '203.0.113.5',
          Tags: { [`kubernetes.io/cluster/${CLUSTER}`]: 'owned' },
        }),
        instance('i-auto', {
          SubnetId: 'subnet-pub',
          PublicIpAddress: '203.0.113.6',
          Tags: { 'eks:eks-cluster-name': CLUSTER, 'eks:kubernetes-node-pool-name': 'general-purpose' },
        }),
      ];
    });
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings[0]?.evidence).toMatchObject({ count: 2, instanceIds: ['i-auto', 'i-self'] });
  });

  it('does not fire for managed node group instances with public addresses (nodegroup-public-subnet covers them)', () => {
    // Arrange
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.instances = [
        instance('i-mng', {
          SubnetId: 'subnet-pub',
          PublicIpAddress: '203.0.113.7',
          Tags: { 'eks:cluster-name': CLUSTER, 'eks:nodegroup-name': 'ng-1' },
        }),
      ];
    });
    // Act + Assert
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('does not fire for nodes without a public address', () => {
    // Arrange
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.instances = [karpenterNode('i-1', 'subnet-a'), karpenterNode('i-2', 'subnet-b')];
    });
    // Act + Assert
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it("ignores instances that are not this cluster's nodes, or not running", () => {
    // Arrange
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.instances = [
        instance('i-other', {
          SubnetId: 'subnet-pub',
          PublicIpAddress: '203.0.113.8',
          Tags: { 'eks:eks-cluster-name': 'other' },
        }),
        { ...karpenterNode('i-stopped', 'subnet-pub', '203.0.113.9'), State: 'stopped' },
      ];
    });
    // Act + Assert
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('does not suggest turning off auto-assign on a subnet a managed node group needs it in', () => {
    // Arrange: a node group also uses subnet-pub (its nodes join only with public addresses there)
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      cluster.nodegroups = [managedNodegroup('ng-pub', { subnets: ['subnet-pub'] })];
      vpc.instances = [karpenterNode('i-1', 'subnet-pub', '203.0.113.1')];
    });
    // Act
    const [finding] = runRule(rule, snapshot);
    // Assert
    expect(finding?.remediation).not.toContain('--no-map-public-ip-on-launch');
    expect(finding?.remediation).toContain('EC2NodeClass spec.associatePublicIPAddress: false');
  });

  it('lists at most 20 instance ids but counts them all', () => {
    // Arrange
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.instances = Array.from({ length: 25 }, (_, i) =>
        karpenterNode(`i-${String(i).padStart(2, '0')}`, 'subnet-pub', `203.0.113.${i + 10}`),
      );
    });
    // Act
    const [finding] = runRule(rule, snapshot);
    // Assert
    expect(finding?.evidence.count).toBe(25);
    expect(finding?.evidence.instanceIds).toHaveLength(20);
    expect(finding?.evidence.instanceIds).toEqual(
      Array.from({ length: 20 }, (_, i) => `i-${String(i).padStart(2, '0')}`),
    );
  });
});
