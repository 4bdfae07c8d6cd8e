/**
 * EC2 API shapes → snapshot shapes. Only the fields `core/snapshot.ts` declares are
 * copied (snapshots must stay small); absent fields stay absent instead of `undefined`
 * so that a snapshot file reads like the API output.
 */
import type {
  FlowLog,
  Instance,
  IpPermission,
  NatGateway,
  NetworkAcl,
  NetworkAclEntry,
  Route,
  RouteTable,
  SecurityGroup,
  Subnet,
  Tag,
  Vpc,
  VpcEndpoint,
} from '@aws-sdk/client-ec2';
import type {
  Ec2FlowLog,
  Ec2Instance,
  Ec2IpPermission,
  Ec2NatGateway,
  Ec2NetworkAcl,
  Ec2NetworkAclEntry,
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

/**
 * The state of an IPv6 CIDR association. moto 5 answers a subnet's association state as
 * the text of a Python dict (`"{'State': 'associated'}"`) instead of `associated`; the
 * state inside it is read, so an emulated subnet keeps its block and a real one (whose
 * state is always a bare word) is read as it is.
 */
function associationState(state: string | undefined): string | undefined {
  return state?.match(/^\{'State': '([a-z-]+)'\}$/)?.[1] ?? state;
}

export function mapSubnet(subnet: Subnet): Ec2Subnet | undefined {
  if (!subnet.SubnetId || !subnet.VpcId) return undefined;
  // Only `associated` blocks give addresses: `associating`, `disassociating`, `failed`… do not.
  const ipv6 = (subnet.Ipv6CidrBlockAssociationSet ?? [])
    .filter((a) => associationState(a.Ipv6CidrBlockState?.State) === 'associated')
    .map((a) => compact({ Ipv6CidrBlock: a.Ipv6CidrBlock }));
  return compact({
    SubnetId: subnet.SubnetId,
    VpcId: subnet.VpcId,
    CidrBlock: subnet.CidrBlock,
    AvailabilityZone: subnet.AvailabilityZone,
    AvailabilityZoneId: subnet.AvailabilityZoneId,
    AvailableIpAddressCount: subnet.AvailableIpAddressCount,
    MapPublicIpOnLaunch: subnet.MapPublicIpOnLaunch,
    AssignIpv6AddressOnCreation: subnet.AssignIpv6AddressOnCreation,
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

/**
 * Ingress and egress rules. EC2 always answers `ipPermissionsEgress` (empty when every
 * egress rule was revoked); an answer without it leaves egress unknown, not "none".
 */
export function mapSecurityGroup(group: SecurityGroup): Ec2SecurityGroup | undefined {
  if (!group.GroupId) return undefined;
  return compact({
    GroupId: group.GroupId,
    GroupName: group.GroupName,
    VpcId: group.VpcId,
    IpPermissions: (group.IpPermissions ?? []).map(mapPermission),
    IpPermissionsEgress: group.IpPermissionsEgress?.map(mapPermission),
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
    PublicIpAddress: instance.PublicIpAddress || undefined,
    MetadataOptions: instance.MetadataOptions
      ? compact({
          HttpEndpoint: instance.MetadataOptions.HttpEndpoint,
          HttpTokens: instance.MetadataOptions.HttpTokens,
          HttpPutResponseHopLimit: instance.MetadataOptions.HttpPutResponseHopLimit,
        })
      : undefined,
    Tags: toTagMap(instance.Tags),
  });
}

/**
 * EC2 always answers an entry's number, protocol and action; an entry without them (a
 * malformed answer) is left out rather than guessed. `PortRange` is absent for protocol `-1`.
 */
function mapAclEntry(entry: NetworkAclEntry): Ec2NetworkAclEntry | undefined {
  if (entry.RuleNumber === undefined || entry.Protocol === undefined) return undefined;
  if (entry.RuleAction !== 'allow' && entry.RuleAction !== 'deny') return undefined;
  const range = entry.PortRange;
  return compact({
    RuleNumber: entry.RuleNumber,
    Protocol: entry.Protocol,
    RuleAction: entry.RuleAction,
    Egress: entry.Egress ?? false,
    CidrBlock: entry.CidrBlock,
    Ipv6CidrBlock: entry.Ipv6CidrBlock,
    PortRange:
      range && (range.From !== undefined || range.To !== undefined)
        ? compact({ From: range.From, To: range.To })
        : undefined,
  });
}

/**
 * Every entry is kept, the catch-all `*` deny included (EC2 answers it as rule number
 * 32767), so that a rule can name the entry that decided a path.
 */
export function mapNetworkAcl(acl: NetworkAcl): Ec2NetworkAcl | undefined {
  if (!acl.NetworkAclId || !acl.VpcId) return undefined;
  return compact({
    NetworkAclId: acl.NetworkAclId,
    VpcId: acl.VpcId,
    IsDefault: acl.IsDefault,
    Entries: defined((acl.Entries ?? []).map(mapAclEntry)),
    Associations: defined((acl.Associations ?? []).map((a) => a.SubnetId)).map((SubnetId) => ({ SubnetId })),
  });
}

export function mapFlowLog(flowLog: FlowLog): Ec2FlowLog | undefined {
  if (!flowLog.FlowLogId || !flowLog.ResourceId) return undefined;
  return compact({
    FlowLogId: flowLog.FlowLogId,
    ResourceId: flowLog.ResourceId,
    FlowLogStatus: flowLog.FlowLogStatus,
    TrafficType: flowLog.TrafficType,
    DeliverLogsStatus: flowLog.DeliverLogsStatus,
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
