import { cidrTextContains, isWorldCidr } from '../cidr.ts';
import type { ClusterContext } from '../cluster-context.ts';
import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import { uniqueIds, WORKLOAD_SUBNET_PARTS } from './subnet-helpers.ts';

/** Why one node or Fargate subnet cannot reach the restricted public endpoint. */
interface UnreachableSubnet {
  subnetId: string;
  class: string;
  reason: string;
  natGatewayId?: string;
  publicIps?: string[];
}

function whyUnreachable(
  ctx: ClusterContext,
  subnetId: string,
  cidrs: readonly string[],
): UnreachableSubnet | undefined {
  const vpc = ctx.vpc;
  const subnetClass = ctx.subnetClass(subnetId);
  // Unknown subnet or unknown routing: nothing can be said about it.
  if (!vpc || subnetClass === undefined) return undefined;
  if (subnetClass === 'isolated') {
    return {
      subnetId,
      class: subnetClass,
      reason: 'isolated: no default route, the public endpoint is unreachable',
    };
  }
  if (subnetClass === 'public') {
    return {
      subnetId,
      class: subnetClass,
      reason:
        'public: nodes egress with their own public IPs, which are not known in advance and cannot be listed',
    };
  }
  const route = vpc.routing(subnetId).defaultRoutes.find((r) => r.DestinationCidrBlock === '0.0.0.0/0');
  // Egress through a transit gateway, peering or appliance leaves from addresses this
  // scan cannot see; it is neither confirmed nor flagged.
  if (!route?.NatGatewayId) return undefined;
  const natGatewayId = route.NatGatewayId;
  const nat = vpc.natGatewaysById.get(natGatewayId);
  if (!nat) {
    return {
      subnetId,
      class: subnetClass,
      natGatewayId,
      reason: 'default route targets a NAT gateway not found in the VPC',
    };
  }
  if (nat.PublicIps.length === 0) {
    return {
      subnetId,
      class: subnetClass,
      natGatewayId,
      publicIps: [],
      reason: 'NAT gateway has no public IP (private NAT), so traffic cannot reach the public endpoint',
    };
  }
  const outside = nat.PublicIps.filter((ip) => !cidrs.some((cidr) => cidrTextContains(cidr, ip)));
  if (outside.length === 0) return undefined;
  return {
    subnetId,
    class: subnetClass,
    natGatewayId,
    publicIps: nat.PublicIps,
    reason: `NAT gateway public IPs not inside publicAccessCidrs: ${outside.join(', ')}`,
  };
}

/**
 * With only the public endpoint on and a restricted source list, nodes reach the API
 * server from their egress addresses; any node or Fargate subnet whose egress address
 * is not on the list cannot join the cluster.
 */
export const endpointNodesCannotReach: RuleDefinition = {
  id: 'endpoint-nodes-cannot-reach',
  severity: 'HIGH',
  title: 'Nodes cannot reach the restricted public API endpoint',
  description:
    'endpointPrivateAccess is false and the public endpoint only allows listed CIDRs, yet a node or Fargate subnet is isolated, is public (node IPs unknown in advance), or egresses through a NAT gateway whose public IPs are not all in publicAccessCidrs.',
  remediation:
    'Enable the private endpoint so nodes reach the API server inside the VPC: aws eks update-cluster-config --name <cluster> --resources-vpc-config endpointPrivateAccess=true — or add every NAT gateway public IP to publicAccessCidrs (aws eks update-cluster-config --name <cluster> --resources-vpc-config publicAccessCidrs="<nat-ip>/32,…").',
  references: [DOCS.endpointAccess, DOCS.privateClusters, 'Prowler eks_cluster_private_nodes_enabled'],
  resourceType: 'cluster',
  requires: [...WORKLOAD_SUBNET_PARTS, 'routeTables', 'natGateways'],
  evaluate(ctx) {
    if (ctx.endpointPrivateAccess || !ctx.endpointPublicAccess) return [];
    const cidrs = ctx.publicAccessCidrs;
    if (cidrs.length === 0 || cidrs.some(isWorldCidr)) return [];
    const subnets: UnreachableSubnet[] = [];
    for (const subnetId of uniqueIds([...ctx.nodeSubnetIds, ...ctx.fargateSubnetIds])) {
      const unreachable = whyUnreachable(ctx, subnetId, cidrs);
      if (unreachable) subnets.push(unreachable);
    }
    if (subnets.length === 0) return [];
    return [
      {
        resourceId: ctx.clusterArn,
        evidence: {
          endpointPublicAccess: true,
          endpointPrivateAccess: false,
          publicAccessCidrs: cidrs,
          subnets,
        },
      },
    ];
  },
};
