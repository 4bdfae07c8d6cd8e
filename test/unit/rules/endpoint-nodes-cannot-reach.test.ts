import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import { evaluateSnapshot } from '../../../functions/core/evaluate.ts';
import type { Finding } from '../../../functions/core/model.ts';
import { endpointNodesCannotReach } from '../../../functions/core/rules/endpoint-nodes-cannot-reach.ts';
import type { ClusterInventory, Snapshot, VpcInventory } from '../../../functions/core/snapshot.ts';
import {
  buildSnapshot,
  CLUSTER_ARN,
  instance,
  managedNodegroup,
  routeTable,
  runRule,
  subnet,
} from '../../fixtures/snapshot-builder.ts';

/**
 * Base for this rule: private endpoint off, public endpoint restricted to the NAT
 * gateway's /24, a managed node group in the two NAT-routed subnets, plus an isolated
 * subnet `subnet-iso` (main route table, no default route).
 */
function scenario(mutate?: (s: { cluster: ClusterInventory; vpc: VpcInventory }) => void): Snapshot {
  return buildSnapshot(({ cluster, vpc }) => {
    cluster.cluster.resourcesVpcConfig.endpointPrivateAccess = false;
    cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['198.51.100.0/24'];
    cluster.nodegroups = [managedNodegroup('ng-1')];
    vpc.subnets.push(subnet('subnet-iso', { CidrBlock: '10.0.50.0/24' }));
    mutate?.({ cluster, vpc });
  });
}

function firstReason(findings: Finding[]): string | undefined {
  const subnets = findings[0]?.evidence.subnets as { reason: string }[] | undefined;
  return subnets?.[0]?.reason;
}

describe('endpoint-nodes-cannot-reach', () => {
  it('does not fire when every NAT public IP is inside the CIDR list', () => {
    expect(runRule(endpointNodesCannotReach, scenario())).toEqual([]);
  });

  it('fires when the NAT gateway public IP is outside the CIDR list, naming each subnet', () => {
    // Arrange
    const snapshot = scenario(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['203.0.113.0/24'];
    });
    // Act
    const findings = runRule(endpointNodesCannotReach, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: CLUSTER_ARN, severity: 'HIGH', resourceType: 'cluster' });
    expect(findings[0]?.evidence.subnets).toEqual([
      {
        subnetId: 'subnet-a',
        class: 'private-egress',
        natGatewayId: 'nat-1',
        publicIps: ['198.51.100.10'],
        reason: 'NAT gateway public IPs not inside publicAccessCidrs: 198.51.100.10',
      },
      expect.objectContaining({ subnetId: 'subnet-b', natGatewayId: 'nat-1' }),
    ]);
  });

  it('fires when only one of two NAT public IPs is listed', () => {
    const snapshot = scenario(({ vpc }) => {
      const nat = vpc.natGateways[0];
      if (nat) nat.PublicIps = ['198.51.100.10', '192.0.2.5'];
    });
    const findings = runRule(endpointNodesCannotReach, snapshot);
    expect(findings).toHaveLength(1);
    expect(firstReason(findings)).toContain('192.0.2.5');
  });

  it('fires for a node group in an isolated subnet', () => {
    const snapshot = scenario(({ cluster }) => {
      cluster.nodegroups = [managedNodegroup('ng-iso', { subnets: ['subnet-iso'] })];
    });
    const findings = runRule(endpointNodesCannotReach, snapshot);
    expect(findings[0]?.evidence.subnets).toEqual([
      expect.objectContaining({ subnetId: 'subnet-iso', class: 'isolated' }),
    ]);
  });

  it('fires for a node group in a public subnet (node IPs unknown in advance)', () => {
    const snapshot = scenario(({ cluster }) => {
      cluster.nodegroups = [managedNodegroup('ng-pub', { subnets: ['subnet-pub'] })];
    });
    const findings = runRule(endpointNodesCannotReach, snapshot);
    expect(findings[0]?.evidence.subnets).toEqual([
      expect.objectContaining({ subnetId: 'subnet-pub', class: 'public' }),
    ]);
  });

  it('fires for a Fargate profile in an isolated subnet', () => {
    const snapshot = scenario(({ cluster }) => {
      cluster.nodegroups = [];
      cluster.fargateProfiles = [{ fargateProfileName: 'fp', subnets: ['subnet-iso'] }];
    });
    const findings = runRule(endpointNodesCannotReach, snapshot);
    expect(findings[0]?.evidence.subnets).toEqual([expect.objectContaining({ subnetId: 'subnet-iso' })]);
  });

  it('fires for a self-managed node instance in an isolated subnet', () => {
    const snapshot = scenario(({ cluster, vpc }) => {
      cluster.nodegroups = [];
      vpc.instances = [instance('i-1', { SubnetId: 'subnet-iso' })];
    });
    const findings = runRule(endpointNodesCannotReach, snapshot);
    expect(findings[0]?.evidence.subnets).toEqual([expect.objectContaining({ subnetId: 'subnet-iso' })]);
  });

  it('fires when the NAT gateway has no public IP (private NAT)', () => {
    const snapshot = scenario(({ vpc }) => {
      const nat = vpc.natGateways[0];
      if (nat) nat.PublicIps = [];
    });
    const findings = runRule(endpointNodesCannotReach, snapshot);
    expect(firstReason(findings)).toContain('no public IP');
  });

  it('fires when the routed NAT gateway is not in the inventory', () => {
    const snapshot = scenario(({ vpc }) => {
      vpc.natGateways = [];
    });
    const findings = runRule(endpointNodesCannotReach, snapshot);
    expect(firstReason(findings)).toContain('not found');
  });

  /** The private subnets' default route through `route` instead of the NAT gateway. */
  function privateEgressVia(route: Record<string, string>, mutate?: (c: ClusterInventory) => void) {
    return scenario(({ cluster, vpc }) => {
      cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['203.0.113.0/24'];
      vpc.routeTables = vpc.routeTables.map((t) =>
        t.RouteTableId === 'rtb-private'
          ? routeTable('rtb-private', [{ DestinationCidrBlock: '0.0.0.0/0', ...route }], t.Associations)
          : t,
      );
      mutate?.(cluster);
    });
  }

  it.each([
    ['a transit gateway', { TransitGatewayId: 'tgw-1' }, 'tgw-1'],
    ['a peering connection', { VpcPeeringConnectionId: 'pcx-1' }, 'pcx-1'],
    ['a NAT instance', { InstanceId: 'i-0nat' }, 'i-0nat'],
  ])('is not judged (v2) when a node subnet egresses through %s', (_name, route, via) => {
    // Arrange
    const snapshot = privateEgressVia(route);
    // Act
    const result = evaluateSnapshot(snapshot, [endpointNodesCannotReach], DEFAULT_RULE_CONFIG);
    // Assert: no finding and no pass (a stored finding stays OPEN), with the reason shown
    expect(result.findings).toEqual([]);
    expect(result.coverage[0]?.evaluatedRuleIds).toEqual([]);
    expect(result.coverage[0]?.notJudged[0]?.reason).toContain(`subnet-a (via ${via})`);
  });

  it('is not judged for the cluster even when another node subnet is clearly unreachable', () => {
    const snapshot = privateEgressVia({ TransitGatewayId: 'tgw-1' }, (cluster) => {
      cluster.nodegroups.push(managedNodegroup('ng-iso', { subnets: ['subnet-iso'] }));
    });
    const result = evaluateSnapshot(snapshot, [endpointNodesCannotReach], DEFAULT_RULE_CONFIG);
    expect(result.findings).toEqual([]);
    expect(result.coverage[0]?.notJudged).toHaveLength(1);
  });

  it('renders a command that adds the NAT gateway address to the allow-list', () => {
    const snapshot = scenario(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['203.0.113.0/24'];
    });
    const [finding] = runRule(endpointNodesCannotReach, snapshot);
    expect(finding?.remediation).toContain(
      'aws eks update-cluster-config --region us-east-1 --name demo --resources-vpc-config publicAccessCidrs="203.0.113.0/24,198.51.100.10/32"',
    );
  });

  it('does not fire when the CIDR list is a world set (0.0.0.0/1 + 128.0.0.0/1)', () => {
    const snapshot = scenario(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['0.0.0.0/1', '128.0.0.0/1'];
      cluster.nodegroups = [managedNodegroup('ng-iso', { subnets: ['subnet-iso'] })];
    });
    expect(runRule(endpointNodesCannotReach, snapshot)).toEqual([]);
  });

  it('does not fire when private access is on', () => {
    const snapshot = scenario(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.endpointPrivateAccess = true;
      cluster.nodegroups = [managedNodegroup('ng-iso', { subnets: ['subnet-iso'] })];
    });
    expect(runRule(endpointNodesCannotReach, snapshot)).toEqual([]);
  });

  it('does not fire when the CIDR list contains a world CIDR', () => {
    const snapshot = scenario(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['203.0.113.0/24', '0.0.0.0/0'];
      cluster.nodegroups = [managedNodegroup('ng-iso', { subnets: ['subnet-iso'] })];
    });
    expect(runRule(endpointNodesCannotReach, snapshot)).toEqual([]);
  });

  it('does not fire when the CIDR list is defaulted (0.0.0.0/0)', () => {
    const snapshot = scenario(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.publicAccessCidrs = undefined;
      cluster.nodegroups = [managedNodegroup('ng-iso', { subnets: ['subnet-iso'] })];
    });
    expect(runRule(endpointNodesCannotReach, snapshot)).toEqual([]);
  });

  it('skips node subnets missing from the inventory', () => {
    const snapshot = scenario(({ cluster }) => {
      cluster.nodegroups = [managedNodegroup('ng-x', { subnets: ['subnet-gone'] })];
    });
    expect(runRule(endpointNodesCannotReach, snapshot)).toEqual([]);
  });

  it('is skipped, not resolved, when NAT gateways could not be read', () => {
    // Arrange: would fire if the rule ran
    const snapshot = scenario(({ cluster, vpc }) => {
      cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['203.0.113.0/24'];
      vpc.incomplete = ['natGateways'];
    });
    // Act
    const result = evaluateSnapshot(snapshot, [endpointNodesCannotReach], DEFAULT_RULE_CONFIG);
    // Assert
    expect(result.findings).toEqual([]);
    expect(result.coverage[0]?.evaluatedRuleIds).toEqual([]);
    expect(result.coverage[0]?.skipped).toEqual([
      { ruleId: 'endpoint-nodes-cannot-reach', reason: 'incomplete-inventory', missing: ['natGateways'] },
    ]);
  });
});
