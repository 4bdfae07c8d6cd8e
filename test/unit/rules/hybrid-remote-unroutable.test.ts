import { describe, expect, it } from 'vitest';
import { hybridRemoteUnroutable } from '../../../functions/core/rules/hybrid-remote-unroutable.ts';
import type { Ec2Route, Snapshot } from '../../../functions/core/snapshot.ts';
import { buildSnapshot, notJudgedReason, runRule } from '../../fixtures/snapshot-builder.ts';

const rule = hybridRemoteUnroutable;
const NODES = '192.168.0.0/20';
const PODS = '192.168.64.0/18';

/** A hybrid cluster; the private route table of the cluster subnets (rtb-private) gets `routes` besides its NAT default route. */
function hybrid(routes: Ec2Route[], hybridCluster = true): Snapshot {
  return buildSnapshot(({ cluster, vpc }) => {
    if (hybridCluster) {
      cluster.cluster.remoteNetworkConfig = {
        remoteNodeNetworks: [{ cidrs: [NODES] }],
        remotePodNetworks: [{ cidrs: [PODS] }],
      };
    }
    vpc.routeTables[1]!.Routes.push(...routes);
  });
}

describe('hybrid-remote-unroutable', () => {
  it('fires HIGH on each cluster subnet whose route table has no route to the remote networks', () => {
    // Arrange
    const snapshot = hybrid([]);
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings.map((f) => [f.resourceId, f.severity, f.resourceType])).toEqual([
      ['subnet-a', 'HIGH', 'subnet'],
      ['subnet-b', 'HIGH', 'subnet'],
    ]);
    expect(findings[0]?.evidence).toEqual({
      subnetId: 'subnet-a',
      routeTableId: 'rtb-private',
      viaMainTable: false,
      remoteNodeCidrsWithoutRoute: [NODES],
      remotePodCidrsWithoutRoute: [PODS],
    });
  });

  it.each([
    ['a transit gateway', { TransitGatewayId: 'tgw-1' }],
    ['a virtual private gateway', { GatewayId: 'vgw-1' }],
    ['a network interface', { NetworkInterfaceId: 'eni-1' }],
    ['an instance', { InstanceId: 'i-vpn' }],
    ['a peering connection', { VpcPeeringConnectionId: 'pcx-1' }],
    [
      'a Cloud WAN core network',
      { CoreNetworkArn: 'arn:aws:networkmanager::123456789012:core-network/core-network-1' },
    ],
  ])('does not fire when one route via %s contains both remote networks', (_name, target) => {
    expect(
      runRule(rule, hybrid([{ DestinationCidrBlock: '192.168.0.0/16', State: 'active', ...target }])),
    ).toEqual([]);
  });

  it('names only the remote pod CIDR when the node CIDR is routed', () => {
    const findings = runRule(
      rule,
      hybrid([{ DestinationCidrBlock: NODES, TransitGatewayId: 'tgw-1', State: 'active' }]),
    );
    expect(findings[0]?.evidence).toMatchObject({
      remoteNodeCidrsWithoutRoute: [],
      remotePodCidrsWithoutRoute: [PODS],
    });
  });

  it.each([
    [
      'a blackholed route',
      { DestinationCidrBlock: '192.168.0.0/16', TransitGatewayId: 'tgw-1', State: 'blackhole' },
    ],
    [
      'a route to an internet gateway',
      { DestinationCidrBlock: '192.168.0.0/16', GatewayId: 'igw-1', State: 'active' },
    ],
    [
      'a route to a NAT gateway',
      { DestinationCidrBlock: '192.168.0.0/16', NatGatewayId: 'nat-1', State: 'active' },
    ],
    [
      'a narrower route',
      { DestinationCidrBlock: '192.168.0.0/24', TransitGatewayId: 'tgw-1', State: 'active' },
    ],
  ])('fires when the only route is %s', (_name, route) => {
    expect(runRule(rule, hybrid([route]))).toHaveLength(2);
  });

  it('counts a default route to a transit gateway (its destination contains everything)', () => {
    const snapshot = hybrid([]);
    snapshot.vpcs[0]!.routeTables[1]!.Routes = [
      { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
      { DestinationCidrBlock: '0.0.0.0/0', TransitGatewayId: 'tgw-1', State: 'active' },
    ];
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('does not fire for a cluster without hybrid nodes', () => {
    expect(runRule(rule, hybrid([], false))).toEqual([]);
  });

  it('renders one create-route per missing CIDR through the gateway the table already uses for on-premises routes', () => {
    const [finding] = runRule(
      rule,
      hybrid([{ DestinationCidrBlock: NODES, TransitGatewayId: 'tgw-1', State: 'active' }]),
    );
    expect(finding?.remediation).toContain(
      `for cidr in ${PODS}; do aws ec2 create-route --region us-east-1 --route-table-id rtb-private --destination-cidr-block "$cidr" --transit-gateway-id tgw-1; done`,
    );
  });

  it('leaves the gateway as a placeholder when the table has no on-premises route yet', () => {
    const [finding] = runRule(rule, hybrid([]));
    expect(finding?.remediation).toContain(
      `for cidr in ${NODES} ${PODS}; do aws ec2 create-route --region us-east-1 --route-table-id rtb-private --destination-cidr-block "$cidr" --transit-gateway-id <transitGatewayId>; done`,
    );
  });

  it('is not judged when a route to a prefix list (whose CIDRs are not collected) might carry the remote networks', () => {
    // Arrange
    const snapshot = hybrid([
      { DestinationPrefixListId: 'pl-onprem', TransitGatewayId: 'tgw-1', State: 'active' },
    ]);
    // Act / Assert
    expect(runRule(rule, snapshot)).toEqual([]);
    expect(notJudgedReason(rule, snapshot)).toContain('pl-onprem');
  });
});
