import { cidrTextContains } from '../cidr.ts';
import { notJudged, type RuleDefinition, type RuleHit } from '../model.ts';
import type { Ec2Route } from '../snapshot.ts';
import { DOCS } from './references.ts';
import { knownSubnets } from './subnet-helpers.ts';

/**
 * The `aws ec2 create-route` option for a route's target, when the target is one that can
 * carry traffic to an on-premises network: a transit gateway, a virtual private gateway,
 * a network interface or instance (a VPN or SD-WAN appliance), a peering connection or a
 * Cloud WAN core network. Internet, NAT and egress-only gateways cannot.
 */
function hybridTarget(route: Ec2Route): string | undefined {
  if (route.TransitGatewayId) return `--transit-gateway-id ${route.TransitGatewayId}`;
  if (route.GatewayId?.startsWith('vgw-')) return `--gateway-id ${route.GatewayId}`;
  if (route.NetworkInterfaceId) return `--network-interface-id ${route.NetworkInterfaceId}`;
  if (route.InstanceId) return `--instance-id ${route.InstanceId}`;
  if (route.VpcPeeringConnectionId) return `--vpc-peering-connection-id ${route.VpcPeeringConnectionId}`;
  if (route.CoreNetworkArn) return `--core-network-arn ${route.CoreNetworkArn}`;
  return undefined;
}

/**
 * The control-plane ENIs sit in the cluster subnets and reach hybrid nodes (kubelet,
 * logs, exec) and pods on hybrid nodes (webhooks) through those subnets' route tables.
 * Without a route towards the on-premises network for every remote node and pod CIDR,
 * that traffic goes nowhere.
 */
export const hybridRemoteUnroutable: RuleDefinition = {
  id: 'hybrid-remote-unroutable',
  severity: 'HIGH',
  title: 'Cluster subnet has no route to a hybrid node or pod network',
  description:
    "The cluster has hybrid nodes, and a cluster subnet's effective route table has no active route to a transit gateway, virtual private gateway, network interface, instance, peering connection or Cloud WAN core network whose destination contains a remote node CIDR or a remote pod CIDR.",
  risk: 'The control plane cannot reach kubelets on premises (logs, exec, port-forward fail and nodes may not join), or webhooks served by pods on hybrid nodes fail.',
  remediation:
    'Route the remote networks to the gateway that reaches your on-premises network: for cidr in {{cidrList}}; do aws ec2 create-route --region {{region}} --route-table-id {{routeTableId}} --destination-cidr-block "$cidr" {{routeTarget}}; done. CloudFormation: AWS::EC2::Route (RouteTableId, DestinationCidrBlock, TransitGatewayId or GatewayId); Terraform: aws_route (route_table_id, destination_cidr_block, transit_gateway_id or gateway_id).',
  references: [DOCS.hybridNodesNetworking],
  resourceType: 'subnet',
  requires: ['cluster', 'subnets', 'routeTables'],
  evaluate(ctx) {
    if (!ctx.isHybrid || !ctx.vpc) return [];
    const hits: RuleHit[] = [];
    const undetermined: string[] = [];
    for (const subnet of knownSubnets(ctx, ctx.clusterSubnetIds)) {
      const { routeTable, viaMainTable } = ctx.vpc.routing(subnet.SubnetId);
      if (!routeTable) {
        undetermined.push(`${subnet.SubnetId}: no route table applies to it`);
        continue;
      }
      const routes = routeTable.Routes.filter(
        (route) => route.State?.toLowerCase() !== 'blackhole' && hybridTarget(route) !== undefined,
      );
      const unrouted = (cidrs: readonly string[]) =>
        cidrs.filter(
          (cidr) =>
            !routes.some(
              (route) =>
                route.DestinationCidrBlock !== undefined &&
                cidrTextContains(route.DestinationCidrBlock, cidr),
            ),
        );
      const nodeCidrs = unrouted(ctx.remoteNodeCidrs);
      const podCidrs = unrouted(ctx.remotePodCidrs);
      if (nodeCidrs.length === 0 && podCidrs.length === 0) continue;
      // A managed prefix list may hold the remote CIDRs; its entries are not in the snapshot.
      const viaPrefixList = routes.find((route) => route.DestinationPrefixListId !== undefined);
      if (viaPrefixList) {
        undetermined.push(
          `${subnet.SubnetId}: route table ${routeTable.RouteTableId} routes prefix list ${viaPrefixList.DestinationPrefixListId} whose CIDRs are not collected`,
        );
        continue;
      }
      const targets = [...new Set(routes.map((route) => hybridTarget(route) as string))];
      hits.push({
        resourceId: subnet.SubnetId,
        evidence: {
          subnetId: subnet.SubnetId,
          routeTableId: routeTable.RouteTableId,
          viaMainTable,
          remoteNodeCidrsWithoutRoute: nodeCidrs,
          remotePodCidrsWithoutRoute: podCidrs,
        },
        remediationValues: {
          cidrList: [...nodeCidrs, ...podCidrs].join(' '),
          // The gateway already used for on-premises routes in this table, when there is exactly one.
          routeTarget:
            targets.length === 1 ? (targets[0] as string) : '--transit-gateway-id <transitGatewayId>',
        },
      });
    }
    // A subnet that cannot be judged must not let an earlier finding on it resolve.
    if (undetermined.length > 0) {
      return notJudged(`routes to the remote networks cannot be determined for ${undetermined.join('; ')}`);
    }
    return hits;
  },
};
