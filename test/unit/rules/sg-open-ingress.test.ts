import { describe, expect, it } from 'vitest';
import { sgOpenIngress } from '../../../functions/core/rules/sg-open-ingress.ts';
import type { Ec2IpPermission, Snapshot } from '../../../functions/core/snapshot.ts';
import {
  buildSnapshot,
  CLUSTER_SG,
  ingress,
  instance,
  runRule,
  securityGroup,
} from '../../fixtures/snapshot-builder.ts';

const rule = sgOpenIngress;

/** The cluster SG keeps its self rule and gets `extra` permissions. */
function clusterSgWith(...extra: Ec2IpPermission[]): Snapshot {
  return buildSnapshot(({ vpc }) => {
    vpc.securityGroups[0]!.IpPermissions.push(...extra);
  });
}

const world = { cidrs: ['0.0.0.0/0'] };

describe('sg-open-ingress', () => {
  it('does not fire on the compliant base account', () => {
    expect(runRule(rule, buildSnapshot())).toEqual([]);
  });

  it('fires MEDIUM on the cluster SG for HTTPS open to the world, with the permission as evidence', () => {
    // Arrange
    const snapshot = clusterSgWith(ingress('tcp', 443, 443, world));
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      resourceId: CLUSTER_SG,
      severity: 'MEDIUM',
      resourceType: 'security-group',
    });
    expect(findings[0]?.evidence.openPermissions).toEqual([
      { protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0' },
    ]);
  });

  it.each([
    ['all traffic', ingress('-1', undefined, undefined, world)],
    ['SSH', ingress('tcp', 22, 22, world)],
    ['SSH from IPv6 ::/0', ingress('tcp', 22, 22, { ipv6Cidrs: ['::/0'] })],
    ['RDP by protocol number', ingress('6', 3389, 3389, world)],
    ['a range ending at etcd 2379', ingress('tcp', 2000, 2379, world)],
    ['a range starting at etcd 2380', ingress('tcp', 2380, 2400, world)],
    ['6443', ingress('tcp', 6443, 6443, world)],
    ['kubelet 10250 over UDP "17"', ingress('17', 10250, 10250, world)],
    ['read-only kubelet 10255', ingress('tcp', 10255, 10255, world)],
    ['SSH over SCTP "132"', ingress('132', 22, 22, world)],
    ['every TCP port', ingress('tcp', 0, 65535, world)],
  ])('is HIGH for %s', (_name, permission) => {
    const findings = runRule(rule, clusterSgWith(permission));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('HIGH');
  });

  it.each([
    ['ports just below SSH', ingress('tcp', 20, 21, world)],
    ['ports between SSH and etcd', ingress('tcp', 23, 2378, world)],
    ['ports between etcd and RDP', ingress('tcp', 2381, 3388, world)],
    ['ports between the two kubelet ports', ingress('tcp', 10251, 10254, world)],
    ['ports just above 10255', ingress('udp', 10256, 30000, world)],
    ['ICMP whose type/code fields read 22', ingress('icmp', 22, 22, world)],
    ['ICMPv6 by protocol number "58"', ingress('58', -1, -1, { ipv6Cidrs: ['::/0'] })],
    ['ESP (protocol 50, no ports)', ingress('50', undefined, undefined, world)],
  ])('is MEDIUM for %s', (_name, permission) => {
    const findings = runRule(rule, clusterSgWith(permission));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('MEDIUM');
  });

  it.each([
    ['a private CIDR', ingress('tcp', 22, 22, { cidrs: ['10.0.0.0/8'] })],
    ['half the internet', ingress('-1', undefined, undefined, { cidrs: ['0.0.0.0/1', '128.0.0.0/1'] })],
    ['a group reference', ingress('-1', undefined, undefined, { groups: ['sg-lb'] })],
    ['an IPv6 /1', ingress('tcp', 22, 22, { ipv6Cidrs: ['::/1'] })],
  ])('does not fire for %s', (_name, permission) => {
    expect(runRule(rule, clusterSgWith(permission))).toEqual([]);
  });

  it('reports one finding per SG at the highest severity, listing every open permission', () => {
    const snapshot = clusterSgWith(
      ingress('tcp', 443, 443, world),
      ingress('tcp', 22, 22, { cidrs: ['0.0.0.0/0'], ipv6Cidrs: ['::/0'] }),
    );
    const findings = runRule(rule, snapshot);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('HIGH');
    expect(findings[0]?.evidence.openPermissions).toEqual([
      { protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0' },
      { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0' },
      { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '::/0' },
    ]);
  });

  it('checks additional cluster SGs and node SGs, each as its own finding', () => {
    // Arrange
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      cluster.cluster.resourcesVpcConfig.securityGroupIds = ['sg-extra'];
      vpc.instances = [instance('i-1', { SecurityGroupIds: ['sg-node'] })];
      vpc.securityGroups.push(
        securityGroup('sg-extra', { IpPermissions: [ingress('tcp', 80, 80, world)] }),
        securityGroup('sg-node', { IpPermissions: [ingress('tcp', 30000, 32767, world)] }),
      );
    });
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings.map((f) => [f.resourceId, f.severity])).toEqual([
      ['sg-extra', 'MEDIUM'],
      ['sg-node', 'MEDIUM'],
    ]);
  });

  it('ignores open SGs that are neither cluster nor node SGs', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.securityGroups.push(
        securityGroup('sg-web', { IpPermissions: [ingress('-1', undefined, undefined, world)] }),
      );
    });
    expect(runRule(rule, snapshot)).toEqual([]);
  });
});
