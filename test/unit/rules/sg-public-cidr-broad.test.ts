import { describe, expect, it } from 'vitest';
import { sgPublicCidrBroad } from '../../../functions/core/rules/sg-public-cidr-broad.ts';
import type { Ec2IpPermission, Snapshot } from '../../../functions/core/snapshot.ts';
import {
  buildSnapshot,
  CLUSTER_SG,
  ingress,
  instance,
  runRule,
  securityGroup,
} from '../../fixtures/snapshot-builder.ts';

const rule = sgPublicCidrBroad;

/** The cluster SG keeps its self rule and gets `extra` permissions. */
function clusterSgWith(...extra: Ec2IpPermission[]): Snapshot {
  return buildSnapshot(({ vpc }) => {
    vpc.securityGroups[0]!.IpPermissions.push(...extra);
  });
}

describe('sg-public-cidr-broad', () => {
  it('does not fire on the compliant base account', () => {
    expect(runRule(rule, buildSnapshot())).toEqual([]);
  });

  it('fires MEDIUM on the cluster SG for a public IPv4 /15, with protocol, ports and CIDR as evidence', () => {
    // Arrange
    const snapshot = clusterSgWith(ingress('tcp', 443, 443, { cidrs: ['198.50.0.0/15', '203.0.113.0/24'] }));
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      resourceId: CLUSTER_SG,
      severity: 'MEDIUM',
      resourceType: 'security-group',
    });
    expect(findings[0]?.evidence.broadSources).toEqual([
      { protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '198.50.0.0/15' },
    ]);
  });

  it('fires for a public IPv6 block shorter than /32', () => {
    const findings = runRule(rule, clusterSgWith(ingress('tcp', 443, 443, { ipv6Cidrs: ['2600::/16'] })));
    expect(findings[0]?.evidence.broadSources).toEqual([
      { protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '2600::/16' },
    ]);
  });

  it('reports all-traffic rules without ports', () => {
    const findings = runRule(
      rule,
      clusterSgWith(ingress('-1', undefined, undefined, { cidrs: ['64.0.0.0/2'] })),
    );
    expect(findings[0]?.evidence.broadSources).toEqual([{ protocol: 'all', cidr: '64.0.0.0/2' }]);
  });

  it.each([
    ['a public /16, the minimum itself', ingress('tcp', 443, 443, { cidrs: ['198.51.0.0/16'] })],
    ['a public IPv6 /32', ingress('tcp', 443, 443, { ipv6Cidrs: ['2001:db8::/32'] })],
    ['a broad private block 10.0.0.0/8', ingress('tcp', 22, 22, { cidrs: ['10.0.0.0/8'] })],
    ['the shared address space 100.64.0.0/10', ingress('tcp', 22, 22, { cidrs: ['100.64.0.0/10'] })],
    ['a unique-local IPv6 block fc00::/7', ingress('tcp', 22, 22, { ipv6Cidrs: ['fc00::/7'] })],
    ['the world (sg-open-ingress)', ingress('tcp', 22, 22, { cidrs: ['0.0.0.0/0'], ipv6Cidrs: ['::/0'] })],
    ['a group reference', ingress('-1', undefined, undefined, { groups: ['sg-lb'] })],
  ])('does not fire for %s', (_name, permission) => {
    expect(runRule(rule, clusterSgWith(permission))).toEqual([]);
  });

  it('leaves CIDRs that add up to the world on the same port to sg-open-ingress', () => {
    const snapshot = clusterSgWith(
      ingress('tcp', 443, 443, { cidrs: ['0.0.0.0/1'] }),
      ingress('tcp', 443, 443, { cidrs: ['128.0.0.0/1'] }),
    );
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('fires for the same halves on different ports, where they are not a world set', () => {
    // Arrange
    const snapshot = clusterSgWith(
      ingress('tcp', 443, 443, { cidrs: ['0.0.0.0/1'] }),
      ingress('tcp', 80, 80, { cidrs: ['128.0.0.0/1'] }),
    );
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings[0]?.evidence.broadSources).toEqual([
      { protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/1' },
      { protocol: 'tcp', fromPort: 80, toPort: 80, cidr: '128.0.0.0/1' },
    ]);
  });

  it('honours configured minimum prefixes for IPv4 and IPv6', () => {
    const snapshot = clusterSgWith(
      ingress('tcp', 443, 443, { cidrs: ['198.51.100.0/23'], ipv6Cidrs: ['2600:1f00::/40'] }),
    );
    expect(runRule(rule, snapshot)).toEqual([]);
    const findings = runRule(rule, snapshot, { minPublicCidrPrefix: 24, minPublicIpv6Prefix: 48 });
    expect(findings[0]?.evidence.broadSources).toEqual([
      { protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '198.51.100.0/23' },
      { protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '2600:1f00::/40' },
    ]);
  });

  it('checks node SGs and ignores SGs that are neither cluster nor node SGs', () => {
    // Arrange
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.instances = [instance('i-1', { SecurityGroupIds: ['sg-node'] })];
      vpc.securityGroups.push(
        securityGroup('sg-node', {
          IpPermissions: [ingress('tcp', 30000, 32767, { cidrs: ['52.0.0.0/8'] })],
        }),
        securityGroup('sg-web', { IpPermissions: [ingress('tcp', 443, 443, { cidrs: ['52.0.0.0/8'] })] }),
      );
    });
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings.map((f) => f.resourceId)).toEqual(['sg-node']);
  });

  it('renders a revoke of the broad source and an authorize from a placeholder on the same rule', () => {
    const [finding] = runRule(rule, clusterSgWith(ingress('tcp', 443, 443, { cidrs: ['52.0.0.0/8'] })));
    expect(finding?.remediation).toContain(
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${CLUSTER_SG} --ip-permissions '[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{"CidrIp":"52.0.0.0/8"}]}]'`,
    );
    expect(finding?.remediation).toContain(`"IpRanges":[{"CidrIp":"<narrowerCidr>"}]`);
  });
});
