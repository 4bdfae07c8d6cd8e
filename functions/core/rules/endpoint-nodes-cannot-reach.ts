import { cidrTextContains, worldSet } from '../cidr.ts';
import type { ClusterContext } from '../cluster-context.ts';
import { notJudged, type RuleDefinition } from '../model.ts';
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

/** A private-egress subnet whose egress path the scanner cannot follow (not through a NAT gateway). */
interface UnjudgedSubnet {
  subnetId: string;
  egressVia: string;
}

function whyUnreachable(
  ctx: ClusterContext,
  subnetId: string,
  cidrs: readonly string[],
): UnreachableSubnet | UnjudgedSubnet | undefined {
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
  const routes = vpc.routing(subnetId).defaultRoutes;
  const route = routes.find((r) => r.DestinationCidrBlock === '0.0.0.0/0');
  // Egress through a transit gateway, peering or appliance leaves from addresses this
  // scan cannot see: RULES.md leaves the rule not judged for the cluster.
  if (!route?.NatGatewayId) {
    const target = route ?? routes[0];
    const via = target
      ? (target.TransitGatewayId ??
        target.VpcPeeringConnectionId ??
        target.InstanceId ??
        target.NetworkInterfaceId ??
        target.EgressOnlyInternetGatewayId ??
        target.CoreNetworkArn ??
        target.GatewayId ??
        'another target')
      : 'another target';
    return { subnetId, egressVia: via };
  }
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
  risk: 'Nodes and Fargate pods in those subnets cannot register with the API server: they never join, or drop out.',
  remediation:
    'Enable the private endpoint so nodes reach the API server inside the VPC: aws eks update-cluster-config --region {{region}} --name {{clusterName}} --resources-vpc-config endpointPrivateAccess=true (CloudFormation: AWS::EKS::Cluster ResourcesVpcConfig.EndpointPrivateAccess: true; Terraform: aws_eks_cluster vpc_config.endpoint_private_access = true), or add the NAT gateway addresses to the allow-list: aws eks update-cluster-config --region {{region}} --name {{clusterName}} --resources-vpc-config publicAccessCidrs="{{suggestedCidrs}}".',
  references: [DOCS.endpointAccess, DOCS.privateClusters],
  resourceType: 'cluster',
  requires: [...WORKLOAD_SUBNET_PARTS, 'routeTables', 'natGateways'],
  evaluate(ctx) {
    if (ctx.endpointPrivateAccess || !ctx.endpointPublicAccess) return [];
    const cidrs = ctx.publicAccessCidrs;
    if (cidrs.length === 0 || worldSet(cidrs).length > 0) return [];
    const subnets: UnreachableSubnet[] = [];
    const unjudged: UnjudgedSubnet[] = [];
    for (const subnetId of uniqueIds([...ctx.nodeSubnetIds, ...ctx.fargateSubnetIds])) {
      const outcome = whyUnreachable(ctx, subnetId, cidrs);
      if (outcome && 'egressVia' in outcome) unjudged.push(outcome);
      else if (outcome) subnets.push(outcome);
    }
    if (unjudged.length > 0) {
      return notJudged(
        `egress of ${unjudged.map((u) => `${u.subnetId} (via ${u.egressVia})`).join(', ')} is not through a NAT gateway: its public source address cannot be known`,
      );
    }
    if (subnets.length === 0) return [];
    const natIps = [...new Set(subnets.flatMap((s) => s.publicIps ?? []))].map((ip) => `${ip}/32`);
    return [
      {
        resourceId: ctx.clusterArn,
        evidence: {
          endpointPublicAccess: true,
          endpointPrivateAccess: false,
          publicAccessCidrs: cidrs,
          subnets,
        },
        remediationValues: {
          suggestedCidrs: [...cidrs, ...natIps.filter((c) => !cidrs.includes(c))].join(','),
        },
      },
    ];
  },
};
