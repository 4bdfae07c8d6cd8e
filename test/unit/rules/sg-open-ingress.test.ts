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

  it('fires MEDIUM on the cluster SG for HTTPS open to the world, with protocol, ports and CIDRs as evidence', () => {
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
    expect(findings[0]?.evidence.exposures).toEqual([
      { protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0'] },
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
    ['half the internet', ingress('-1', undefined, undefined, { cidrs: ['0.0.0.0/1'] })],
    ['two halves with a gap', ingress('-1', undefined, undefined, { cidrs: ['0.0.0.0/1', '128.0.0.0/2'] })],
    ['a group reference', ingress('-1', undefined, undefined, { groups: ['sg-lb'] })],
    ['an IPv6 /1', ingress('tcp', 22, 22, { ipv6Cidrs: ['::/1'] })],
  ])('does not fire for %s', (_name, permission) => {
    expect(runRule(rule, clusterSgWith(permission))).toEqual([]);
  });

  it('reports one finding per SG at the highest severity, listing every exposure', () => {
    const snapshot = clusterSgWith(
      ingress('tcp', 443, 443, world),
      ingress('tcp', 22, 22, { cidrs: ['0.0.0.0/0'], ipv6Cidrs: ['::/0'] }),
    );
    const findings = runRule(rule, snapshot);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('HIGH');
    expect(findings[0]?.evidence.exposures).toEqual([
      { protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: ['0.0.0.0/0', '::/0'] },
      { protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0'] },
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

  describe('world sets across rules', () => {
    const lower = { cidrs: ['0.0.0.0/1'] };
    const upper = { cidrs: ['128.0.0.0/1'] };

    it('fires when two rules for the same port add up to the whole IPv4 space, naming both CIDRs', () => {
      // Arrange
      const snapshot = clusterSgWith(ingress('tcp', 443, 443, lower), ingress('tcp', 443, 443, upper));
      // Act
      const findings = runRule(rule, snapshot);
      // Assert
      expect(findings).toHaveLength(1);
      expect(findings[0]?.severity).toBe('MEDIUM');
      expect(findings[0]?.evidence.exposures).toEqual([
        { protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/1', '128.0.0.0/1'] },
      ]);
    });

    it('does not fire when the two halves open different ports', () => {
      const snapshot = clusterSgWith(ingress('tcp', 443, 443, lower), ingress('tcp', 80, 80, upper));
      expect(runRule(rule, snapshot)).toEqual([]);
    });

    it('does not fire when the two halves open the same port over different protocols', () => {
      const snapshot = clusterSgWith(ingress('tcp', 53, 53, lower), ingress('udp', 53, 53, upper));
      expect(runRule(rule, snapshot)).toEqual([]);
    });

    it('fires for ::/1 + 8000::/1 on the same port', () => {
      const snapshot = clusterSgWith(
        ingress('tcp', 8443, 8443, { ipv6Cidrs: ['::/1'] }),
        ingress('tcp', 8443, 8443, { ipv6Cidrs: ['8000::/1'] }),
      );
      expect(runRule(rule, snapshot)[0]?.evidence.exposures).toEqual([
        { protocol: 'tcp', fromPort: 8443, toPort: 8443, cidrs: ['::/1', '8000::/1'] },
      ]);
    });

    it('reports the world set of one all-traffic rule with two halves as all traffic, HIGH', () => {
      const findings = runRule(
        rule,
        clusterSgWith(ingress('-1', undefined, undefined, { cidrs: ['0.0.0.0/1', '128.0.0.0/1'] })),
      );
      expect(findings[0]?.severity).toBe('HIGH');
      expect(findings[0]?.evidence.exposures).toEqual([
        { protocol: 'all', cidrs: ['0.0.0.0/1', '128.0.0.0/1'] },
      ]);
    });

    it('fires for a world set split across an all-traffic rule and a tcp rule, on the tcp rule’s ports only', () => {
      // Arrange: -1 from the lower half, tcp 8080-8090 from the upper half.
      const snapshot = clusterSgWith(
        ingress('-1', undefined, undefined, lower),
        ingress('tcp', 8080, 8090, upper),
      );
      // Act
      const findings = runRule(rule, snapshot);
      // Assert
      expect(findings).toHaveLength(1);
      expect(findings[0]?.severity).toBe('MEDIUM');
      expect(findings[0]?.evidence.exposures).toEqual([
        { protocol: 'tcp', fromPort: 8080, toPort: 8090, cidrs: ['0.0.0.0/1', '128.0.0.0/1'] },
      ]);
    });

    it('cuts overlapping port ranges into segments and is HIGH when a world segment holds a sensitive port', () => {
      // Arrange: lower half on 20-30, upper half on 25-10000: world only on 25-30.
      const snapshot = clusterSgWith(ingress('tcp', 20, 30, lower), ingress('tcp', 25, 10000, upper));
      // Act
      const findings = runRule(rule, snapshot);
      // Assert
      expect(findings[0]?.evidence.exposures).toEqual([
        { protocol: 'tcp', fromPort: 25, toPort: 30, cidrs: ['0.0.0.0/1', '128.0.0.0/1'] },
      ]);
      expect(findings[0]?.severity).toBe('MEDIUM');
      const ssh = runRule(
        rule,
        clusterSgWith(ingress('tcp', 0, 22, lower), ingress('tcp', 22, 65535, upper)),
      );
      expect(ssh[0]?.evidence.exposures).toEqual([
        { protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: ['0.0.0.0/1', '128.0.0.0/1'] },
      ]);
      expect(ssh[0]?.severity).toBe('HIGH');
    });

    it('merges adjacent segments with the same world set into one range', () => {
      const snapshot = clusterSgWith(
        ingress('tcp', 1000, 2000, lower),
        ingress('tcp', 1000, 1500, upper),
        ingress('tcp', 1501, 2000, upper),
      );
      expect(runRule(rule, snapshot)[0]?.evidence.exposures).toEqual([
        { protocol: 'tcp', fromPort: 1000, toPort: 2000, cidrs: ['0.0.0.0/1', '128.0.0.0/1'] },
      ]);
    });

    it('names only the CIDRs that make up the union, not narrower ones inside them', () => {
      const snapshot = clusterSgWith(
        ingress('tcp', 443, 443, { cidrs: ['0.0.0.0/0', '10.0.0.0/8'] }),
        ingress('tcp', 443, 443, { cidrs: ['192.168.0.0/16'] }),
      );
      expect(runRule(rule, snapshot)[0]?.evidence.exposures).toEqual([
        { protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0'] },
      ]);
    });

    it('does not repeat per port what an all-traffic world rule already reports', () => {
      const snapshot = clusterSgWith(
        ingress('-1', undefined, undefined, world),
        ingress('tcp', 22, 22, { cidrs: ['10.0.0.0/8'] }),
      );
      expect(runRule(rule, snapshot)[0]?.evidence.exposures).toEqual([
        { protocol: 'all', cidrs: ['0.0.0.0/0'] },
      ]);
    });

    it('reports a tcp world rule of the other IP version next to an IPv4 all-traffic one', () => {
      const snapshot = clusterSgWith(
        ingress('-1', undefined, undefined, world),
        ingress('tcp', 22, 22, { ipv6Cidrs: ['::/0'] }),
      );
      expect(runRule(rule, snapshot)[0]?.evidence.exposures).toEqual([
        { protocol: 'all', cidrs: ['0.0.0.0/0'] },
        { protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: ['::/0'] },
      ]);
    });

    it('treats an ICMP rule for every type as covering a specific type', () => {
      const snapshot = clusterSgWith(ingress('icmp', -1, -1, lower), ingress('icmp', 8, -1, upper));
      expect(runRule(rule, snapshot)[0]?.evidence.exposures).toEqual([
        { protocol: 'icmp', fromPort: 8, toPort: -1, cidrs: ['0.0.0.0/1', '128.0.0.0/1'] },
      ]);
      expect(
        runRule(rule, clusterSgWith(ingress('icmp', 0, -1, lower), ingress('icmp', 8, -1, upper))),
      ).toEqual([]);
    });
  });

  describe('remediation', () => {
    it('revokes exactly the rules of the world set and authorizes the same rules from a placeholder source', () => {
      // Arrange
      const snapshot = clusterSgWith(
        ingress('-1', undefined, undefined, { cidrs: ['0.0.0.0/1'] }),
        ingress('tcp', 22, 22, { cidrs: ['128.0.0.0/1', '10.0.0.0/8'] }),
      );
      // Act
      const [finding] = runRule(rule, snapshot);
      // Assert
      expect(finding?.remediation).toContain(
        `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${CLUSTER_SG} --ip-permissions '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/1"}]},{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"128.0.0.0/1"}]}]'`,
      );
      expect(finding?.remediation).toContain(
        `aws ec2 authorize-security-group-ingress --region us-east-1 --group-id ${CLUSTER_SG} --ip-permissions '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"<allowedCidr>"}]},{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"<allowedCidr>"}]}]'`,
      );
      expect(finding?.remediation).toContain('aws_vpc_security_group_ingress_rule');
    });
  });
});
