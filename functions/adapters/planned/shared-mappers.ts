/**
 * What the CloudFormation and Terraform readers map the same way: the same EC2 resource
 * under two spellings of its fields. Each reader passes its own field names.
 */
import { parseCidr } from '../../core/cidr.ts';
import type { SourceLocation } from '../../core/snapshot.ts';
import type { FieldReader } from './cfn-fields.ts';
import type { PlannedInventory } from './planned-inventory.ts';

/** The part of a reader's map context these builders use. */
export interface SharedMapContext {
  inventory: PlannedInventory;
  id: string;
  read: FieldReader;
  location: SourceLocation;
}

/** Usable addresses of a new IPv4 subnet: all but the five AWS reserves; undefined otherwise. */
export function usableIps(cidr: string | undefined): number | undefined {
  const parsed = cidr ? parseCidr(cidr) : undefined;
  return parsed?.version === 4 ? 2 ** (32 - parsed.prefix) - 5 : undefined;
}

/** Field names of a VPC endpoint in one input format. */
export interface VpcEndpointFields {
  vpcId: string;
  serviceName: string;
  type: string;
  privateDns: string;
  routeTableIds: string;
  subnetIds: string;
}

/** A planned VPC endpoint (skipped without a VPC or service name). */
export function mapVpcEndpoint(
  { inventory, id, read, location }: SharedMapContext,
  f: VpcEndpointFields,
): void {
  const vpcId = read.string(f.vpcId, { anywhere: true }, 'vpcEndpoints');
  if (!vpcId) return;
  const anchor = { vpcId };
  const serviceName = read.string(f.serviceName, anchor, 'vpcEndpoints');
  if (!serviceName) return;
  inventory.endpoints.push({
    VpcEndpointId: id,
    VpcId: vpcId,
    ServiceName: serviceName,
    VpcEndpointType: read.string(f.type, anchor, 'vpcEndpoints') ?? 'Gateway',
    State: 'available',
    // Both formats default to false: an interface endpoint without it does not answer the service's name.
    PrivateDnsEnabled: read.boolean(f.privateDns, anchor, 'vpcEndpoints') ?? false,
    RouteTableIds: read.strings(f.routeTableIds, anchor, 'vpcEndpoints') ?? [],
    SubnetIds: read.strings(f.subnetIds, anchor, 'vpcEndpoints') ?? [],
  });
  inventory.locate(id, location);
}

/** A planned flow log of a VPC: active from the moment it is created. */
export function addVpcFlowLog(
  inventory: PlannedInventory,
  id: string,
  vpcId: string,
  trafficType: string | undefined,
): void {
  inventory.flowLogs.push({
    FlowLogId: id,
    ResourceId: vpcId,
    FlowLogStatus: 'ACTIVE',
    TrafficType: trafficType ?? 'ALL',
  });
}

/** A planned NAT gateway; a public one carries its Elastic IP's stand-in address when known. */
export function addNatGateway(
  { inventory, id, location }: SharedMapContext,
  gateway: { vpcId: string; subnetId: string | undefined; connectivity: string; address: string | undefined },
): void {
  inventory.natGateways.push({
    NatGatewayId: id,
    VpcId: gateway.vpcId,
    ...(gateway.subnetId ? { SubnetId: gateway.subnetId } : {}),
    State: 'available',
    ConnectivityType: gateway.connectivity,
    PublicIps: gateway.connectivity === 'public' && gateway.address ? [gateway.address] : [],
  });
  inventory.locate(id, location);
}
