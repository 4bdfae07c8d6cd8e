import type { RuleDefinition } from '../model.ts';
import type { Ec2Subnet, Ec2VpcEndpoint } from '../snapshot.ts';
import { DOCS } from './references.ts';
import { NODE_SUBNET_PARTS, subnetEvidence, subnetsOfClass } from './subnet-helpers.ts';

/** A subnet's zone: the zone id names the same physical zone in every account; the name does not. */
interface Zone {
  id?: string;
  name?: string;
}

function zoneOf(subnet: Ec2Subnet): Zone {
  return { id: subnet.AvailabilityZoneId, name: subnet.AvailabilityZone };
}

/** Same zone by id; by name only when one side has no id (older snapshots, planned infrastructure). */
function sameZone(a: Zone, b: Zone): boolean {
  if (a.id !== undefined && b.id !== undefined) return a.id === b.id;
  return a.name !== undefined && a.name === b.name;
}

function zoneLabel(zone: Zone): string {
  return zone.id !== undefined && zone.name !== undefined
    ? `${zone.name} (${zone.id})`
    : (zone.id ?? zone.name ?? '?');
}

/**
 * A usable interface endpoint: available with private DNS, as `subnet-isolated-missing-endpoints`
 * counts it. An unusable one is that rule's finding (one finding per fix), not a zone gap.
 */
function isUsableInterface(endpoint: Ec2VpcEndpoint): boolean {
  return (
    endpoint.VpcEndpointType?.toLowerCase() === 'interface' &&
    endpoint.State?.toLowerCase() === 'available' &&
    endpoint.PrivateDnsEnabled === true
  );
}

function isGatewayFor(endpoint: Ec2VpcEndpoint, routeTableId: string | undefined): boolean {
  return (
    endpoint.VpcEndpointType?.toLowerCase() === 'gateway' &&
    (endpoint.State === undefined || endpoint.State.toLowerCase() === 'available') &&
    routeTableId !== undefined &&
    (endpoint.RouteTableIds ?? []).includes(routeTableId)
  );
}

/** What the evidence says about one service whose endpoint has no subnet in the node subnet's zone. */
interface ZoneGap {
  service: string;
  vpcEndpointIds: string[];
  zones: string[];
}

/**
 * An interface endpoint answers only in the zones of its subnets. Nodes in an isolated
 * subnet of another zone still resolve its private DNS name, so their traffic crosses
 * zones (billed per GB) and stops when the endpoint's zones go down, while their own zone
 * is up.
 */
export const vpcEndpointAzGap: RuleDefinition = {
  id: 'vpc-endpoint-az-gap',
  severity: 'LOW',
  title: "Isolated node subnet's zone has no subnet of a required interface endpoint",
  description:
    "A node subnet of class isolated lies in an availability zone (compared by zone id; by name only when a zone id is missing) where a required interface endpoint (config requiredVpcEndpoints) has no subnet. Only services with a usable interface endpoint are compared; a missing endpoint is subnet-isolated-missing-endpoints. An S3 gateway endpoint serving the subnet's route table makes the S3 interface endpoint's zones irrelevant.",
  risk: 'Node traffic to AWS APIs crosses zones at a cost, and an outage of the zones hosting the endpoint cuts the nodes off.',
  remediation:
    'Add a subnet of this zone to the endpoint: aws ec2 modify-vpc-endpoint --region {{region}} --vpc-endpoint-id {{vpcEndpointId}} --add-subnet-ids {{resourceId}}. CloudFormation: AWS::EC2::VPCEndpoint SubnetIds; Terraform: aws_vpc_endpoint subnet_ids (or aws_vpc_endpoint_subnet_association).',
  references: [DOCS.interfaceEndpoints, DOCS.privateClusters],
  resourceType: 'subnet',
  requires: [...NODE_SUBNET_PARTS, 'routeTables', 'vpcEndpoints'],
  evaluate(ctx, config) {
    const vpc = ctx.vpc;
    if (!vpc) return [];
    const endpoints = vpc.inventory.vpcEndpoints.filter((e) => e.VpcId === vpc.inventory.vpcId);
    const byService = config.requiredVpcEndpoints.flatMap((service) => {
      const suffix = `.${ctx.region}.${service}`;
      const matching = endpoints.filter((e) => e.ServiceName.endsWith(suffix));
      const usable = matching.filter(isUsableInterface);
      if (usable.length === 0) return [];
      const subnetIds = usable.flatMap((e) => e.SubnetIds ?? []);
      const subnets = subnetIds.flatMap((id) => vpc.subnetsById.get(id) ?? []);
      // A subnet of the endpoint outside the inventory hides a zone: the service cannot be judged.
      if (subnets.length < subnetIds.length) return [];
      return [{ service, usable, matching, zones: subnets.map(zoneOf) }];
    });
    if (byService.length === 0) return [];
    return subnetsOfClass(ctx, ctx.nodeSubnetIds, ['isolated']).flatMap(({ subnet }) => {
      const zone = zoneOf(subnet);
      if (zone.id === undefined && zone.name === undefined) return [];
      const routeTableId = vpc.routing(subnet.SubnetId).routeTable?.RouteTableId;
      const gaps: ZoneGap[] = byService.flatMap(({ service, usable, matching, zones }) => {
        if (zones.some((z) => sameZone(z, zone))) return [];
        if (matching.some((e) => isGatewayFor(e, routeTableId))) return [];
        return [
          {
            service,
            vpcEndpointIds: usable.map((e) => e.VpcEndpointId),
            zones: [...new Set(zones.map(zoneLabel))].sort(),
          },
        ];
      });
      const first = gaps[0];
      if (first === undefined) return [];
      const comparedByName =
        zone.id === undefined || byService.some(({ zones }) => zones.some((z) => z.id === undefined));
      const commands = gaps.flatMap((gap) =>
        gap.vpcEndpointIds.map(
          (id) =>
            `aws ec2 modify-vpc-endpoint --region {{region}} --vpc-endpoint-id ${id} --add-subnet-ids {{resourceId}}`,
        ),
      );
      return [
        {
          resourceId: subnet.SubnetId,
          evidence: {
            ...subnetEvidence(ctx, subnet),
            availabilityZoneId: subnet.AvailabilityZoneId ?? null,
            zoneComparedBy: comparedByName ? 'name' : 'id',
            missingInZone: gaps,
          },
          remediationValues: { vpcEndpointId: first.vpcEndpointIds[0] ?? '' },
          ...(commands.length > 1
            ? {
                remediation: `Add a subnet of this zone to each endpoint: ${commands.join(' && ')}. CloudFormation: AWS::EC2::VPCEndpoint SubnetIds; Terraform: aws_vpc_endpoint subnet_ids (or aws_vpc_endpoint_subnet_association).`,
              }
            : {}),
        },
      ];
    });
  },
};
