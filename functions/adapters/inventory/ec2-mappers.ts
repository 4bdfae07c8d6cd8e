/**
 * EC2 API shapes → snapshot shapes. Only the fields `core/snapshot.ts` declares are
 * copied (snapshots must stay small); absent fields stay absent instead of `undefined`
 * so that a snapshot file reads like the API output.
 */
import type {
  Instance,
  IpPermission,
  NatGateway,
  Route,
  RouteTable,
  SecurityGroup,
  Subnet,
  Tag,
  Vpc,
  VpcEndpoint,
} from '@aws-sdk/client-ec2';
import type {
  Ec2Instance,
  Ec2IpPermission,
  Ec2NatGateway,
  Ec2Route,
  Ec2RouteTable,
  Ec2SecurityGroup,
  Ec2Subnet,
  Ec2Vpc,
  Ec2VpcEndpoint,
  TagMap,
} from '../../core/snapshot.ts';

/** Copies `object` without its `undefined` values. */
export function compact<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

function defined<T>(values: (T | undefined)[] | undefined): T[] {
  return (values ?? []).filter((value): value is T => value !== undefined);
}

/** EC2 tag list → tag map. */
export function toTagMap(tags: Tag[] | undefined): TagMap {
  const map: TagMap = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) map[tag.Key] = tag.Value ?? '';
  return map;
}

export function mapSubnet(subnet: Subnet): Ec2Subnet | undefined {
  if (!subnet.SubnetId || !subnet.VpcId) return undefined;
  const ipv6 = (subnet.Ipv6CidrBlockAssociationSet ?? [])
    .filter((a) => a.Ipv6CidrBlockState?.State === undefined || a.Ipv6CidrBlockState.State === 'associated')
    .map((a) => compact({ Ipv6CidrBlock: a.Ipv6CidrBlock }));
  return compact({
    SubnetId: subnet.SubnetId,
    VpcId: subnet.VpcId,
    CidrBlock: subnet.CidrBlock,
    AvailabilityZone: subnet.AvailabilityZone,
    AvailabilityZoneId: subnet.AvailabilityZoneId,
    AvailableIpAddressCount: subnet.AvailableIpAddressCount,
    MapPublicIpOnLaunch: subnet.MapPublicIpOnLaunch,
    Ipv6CidrBlockAssociationSet: ipv6.length > 0 ? ipv6 : undefined,
    Tags: toTagMap(subnet.Tags),
  });
}

function mapRoute(route: Route): Ec2Route {
  return compact({
    DestinationCidrBlock: route.DestinationCidrBlock,
    DestinationIpv6CidrBlock: route.DestinationIpv6CidrBlock,
    DestinationPrefixListId: route.DestinationPrefixListId,
    GatewayId: route.GatewayId,
    NatGatewayId: route.NatGatewayId,
    TransitGatewayId: route.TransitGatewayId,
    VpcPeeringConnectionId: route.VpcPeeringConnectionId,
    EgressOnlyInternetGatewayId: route.EgressOnlyInternetGatewayId,
    InstanceId: route.InstanceId,
    NetworkInterfaceId: route.NetworkInterfaceId,
    LocalGatewayId: route.LocalGatewayId,
    CarrierGatewayId: route.CarrierGatewayId,
    CoreNetworkArn: route.CoreNetworkArn,
    State: route.State,
  });
}

/** Associations being removed (or that failed) no longer decide a subnet's routing. */
const INACTIVE_ASSOCIATION_STATES = new Set(['disassociating', 'disassociated', 'failed']);

export function mapRouteTable(table: RouteTable): Ec2RouteTable | undefined {
  if (!table.RouteTableId || !table.VpcId) return undefined;
  return {
    RouteTableId: table.RouteTableId,
    VpcId: table.VpcId,
    Routes: (table.Routes ?? []).map(mapRoute),
    Associations: (table.Associations ?? [])
      .filter((a) => !INACTIVE_ASSOCIATION_STATES.has(a.AssociationState?.State ?? 'associated'))
      .map((a) => compact({ Main: a.Main, SubnetId: a.SubnetId, GatewayId: a.GatewayId })),
  };
}

function mapPermission(permission: IpPermission): Ec2IpPermission {
  const ipRanges = defined(permission.IpRanges?.map((r) => r.CidrIp)).map((CidrIp) => ({ CidrIp }));
  const ipv6Ranges = defined(permission.Ipv6Ranges?.map((r) => r.CidrIpv6)).map((CidrIpv6) => ({ CidrIpv6 }));
  const groups = defined(permission.UserIdGroupPairs?.map((p) => p.GroupId)).map((GroupId) => ({ GroupId }));
  const prefixLists = defined(permission.PrefixListIds?.map((p) => p.PrefixListId)).map((PrefixListId) => ({
    PrefixListId,
  }));
  return compact({
    IpProtocol: permission.IpProtocol ?? '-1',
    FromPort: permission.FromPort,
    ToPort: permission.ToPort,
    IpRanges: ipRanges.length > 0 ? ipRanges : undefined,
    Ipv6Ranges: ipv6Ranges.length > 0 ? ipv6Ranges : undefined,
    UserIdGroupPairs: groups.length > 0 ? groups : undefined,
    PrefixListIds: prefixLists.length > 0 ? prefixLists : undefined,
  });
}

/** Ingress rules only: no rule of the catalog reads egress. */
export function mapSecurityGroup(group: SecurityGroup): Ec2SecurityGroup | undefined {
  if (!group.GroupId) return undefined;
  return compact({
    GroupId: group.GroupId,
    GroupName: group.GroupName,
    VpcId: group.VpcId,
    IpPermissions: (group.IpPermissions ?? []).map(mapPermission),
    Tags: toTagMap(group.Tags),
  });
}

export function mapVpcEndpoint(endpoint: VpcEndpoint): Ec2VpcEndpoint | undefined {
  if (!endpoint.VpcEndpointId || !endpoint.VpcId || !endpoint.ServiceName) return undefined;
  return compact({
    VpcEndpointId: endpoint.VpcEndpointId,
    VpcId: endpoint.VpcId,
    ServiceName: endpoint.ServiceName,
    VpcEndpointType: endpoint.VpcEndpointType,
    State: endpoint.State,
    PrivateDnsEnabled: endpoint.PrivateDnsEnabled,
    RouteTableIds: endpoint.RouteTableIds,
    SubnetIds: endpoint.SubnetIds,
  });
}

export function mapNatGateway(gateway: NatGateway): Ec2NatGateway | undefined {
  if (!gateway.NatGatewayId || !gateway.VpcId) return undefined;
  return compact({
    NatGatewayId: gateway.NatGatewayId,
    VpcId: gateway.VpcId,
    SubnetId: gateway.SubnetId,
    State: gateway.State,
    ConnectivityType: gateway.ConnectivityType,
    PublicIps: [...new Set(defined(gateway.NatGatewayAddresses?.map((a) => a.PublicIp)))],
  });
}

/** Security groups of every network interface (secondary ENIs included), else of the instance. */
export function mapInstance(instance: Instance): Ec2Instance | undefined {
  if (!instance.InstanceId) return undefined;
  const fromInterfaces = defined(
    (instance.NetworkInterfaces ?? []).flatMap((ni) => ni.Groups ?? []).map((g) => g.GroupId),
  );
  const groupIds =
    fromInterfaces.length > 0 ? fromInterfaces : defined(instance.SecurityGroups?.map((g) => g.GroupId));
  return compact({
    InstanceId: instance.InstanceId,
    VpcId: instance.VpcId,
    SubnetId: instance.SubnetId,
    InstanceType: instance.InstanceType,
    State: instance.State?.Name,
    SecurityGroupIds: [...new Set(groupIds)],
    Tags: toTagMap(instance.Tags),
  });
}

/** VPC attributes read separately (`DescribeVpcAttribute`). */
export interface VpcDnsAttributes {
  EnableDnsSupport?: boolean;
  EnableDnsHostnames?: boolean;
}

export function mapVpc(vpc: Vpc, dns: VpcDnsAttributes): Ec2Vpc | undefined {
  if (!vpc.VpcId) return undefined;
  const cidrs = defined(
    (vpc.CidrBlockAssociationSet ?? [])
      .filter((a) => a.CidrBlockState?.State === 'associated')
      .map((a) => a.CidrBlock),
  );
  const ipv6 = defined(
    (vpc.Ipv6CidrBlockAssociationSet ?? [])
      .filter((a) => a.Ipv6CidrBlockState?.State === 'associated')
      .map((a) => a.Ipv6CidrBlock),
  );
  return compact({
    VpcId: vpc.VpcId,
    CidrBlock: vpc.CidrBlock,
    // An API answer without the association set (old emulators) still has the primary block.
    CidrBlocks: cidrs.length > 0 ? cidrs : defined([vpc.CidrBlock]),
    Ipv6CidrBlocks: ipv6.length > 0 ? ipv6 : undefined,
    EnableDnsSupport: dns.EnableDnsSupport,
    EnableDnsHostnames: dns.EnableDnsHostnames,
  });
}
