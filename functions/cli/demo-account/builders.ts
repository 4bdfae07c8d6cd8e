/**
 * Small builders for the demo account's data, so that each VPC file reads as the list
 * of what is in it. The shapes are what the collector writes (see `core/snapshot.ts`);
 * defaults are what AWS creates when nobody changes them (allow-all default network ACL,
 * allow-all security group egress), so a value spelled out in a VPC file is a choice.
 */
import type {
  Ec2FlowLog,
  Ec2Instance,
  Ec2IpPermission,
  Ec2NetworkAcl,
  Ec2NetworkAclEntry,
  Ec2Route,
  Ec2RouteTable,
  Ec2SecurityGroup,
  Ec2Subnet,
  Ec2Vpc,
  TagMap,
} from '../../core/snapshot.ts';

export const DEMO_ACCOUNT_ID = '111122223333';

/** The ARN EKS gives a cluster of the demo account. */
export const clusterArn = (region: string, name: string) =>
  `arn:aws:eks:${region}:${DEMO_ACCOUNT_ID}:cluster/${name}`;

/** `kubernetes.io/cluster/<name>=<value>`. */
export const clusterTag = (name: string, value = 'shared'): TagMap => ({
  [`kubernetes.io/cluster/${name}`]: value,
});
export const ELB: TagMap = { 'kubernetes.io/role/elb': '1' };
export const INTERNAL_ELB: TagMap = { 'kubernetes.io/role/internal-elb': '1' };
/** Where Karpenter launches nodes for the cluster. */
export const karpenterDiscovery = (cluster: string): TagMap => ({ 'karpenter.sh/discovery': cluster });

/**
 * Zone names map to zone ids per account; these are the demo account's. Rules compare
 * zones by id (`vpc-endpoint-az-gap`), as AWS does across accounts.
 */
const ZONE_IDS: Record<string, string> = {
  'us-east-1a': 'use1-az4',
  'us-east-1b': 'use1-az6',
  'us-east-1c': 'use1-az1',
  'us-east-1d': 'use1-az2',
  'eu-west-1a': 'euw1-az3',
  'eu-west-1b': 'euw1-az1',
  'eu-west-1c': 'euw1-az2',
  'us-west-2a': 'usw2-az2',
  'us-west-2b': 'usw2-az1',
  'us-west-2c': 'usw2-az3',
};

export interface SubnetSpec {
  name: string;
  cidr: string;
  az: string;
  /** `AvailableIpAddressCount`. */
  free: number;
  tags?: TagMap;
  mapPublicIp?: boolean;
  /** The subnet's associated IPv6 block, when it has one. */
  ipv6?: string;
  /** `AssignIpv6AddressOnCreation` (false when unset, as AWS reports it). */
  assignIpv6?: boolean;
}

export function subnet(vpc: Ec2Vpc, id: string, spec: SubnetSpec): Ec2Subnet {
  return {
    SubnetId: id,
    VpcId: vpc.VpcId,
    CidrBlock: spec.cidr,
    AvailabilityZone: spec.az,
    AvailabilityZoneId: ZONE_IDS[spec.az],
    AvailableIpAddressCount: spec.free,
    MapPublicIpOnLaunch: spec.mapPublicIp ?? false,
    AssignIpv6AddressOnCreation: spec.assignIpv6 ?? false,
    Ipv6CidrBlockAssociationSet: spec.ipv6 ? [{ Ipv6CidrBlock: spec.ipv6 }] : [],
    Tags: { Name: spec.name, ...spec.tags },
  };
}

/** A default route (`0.0.0.0/0`, or `::/0` with `ipv6`) to a target. */
export const defaultRoute = (target: Partial<Ec2Route>, ipv6 = false): Ec2Route =>
  ipv6
    ? { DestinationIpv6CidrBlock: '::/0', State: 'active', ...target }
    : { DestinationCidrBlock: '0.0.0.0/0', State: 'active', ...target };

/** A route for a CIDR to a target (transit gateway, peering…). */
export const routeTo = (cidr: string, target: Partial<Ec2Route>): Ec2Route => ({
  DestinationCidrBlock: cidr,
  State: 'active',
  ...target,
});

/** A route table with the VPC's local routes (one per CIDR block) followed by `routes`. */
export function routeTable(
  vpc: Ec2Vpc,
  id: string,
  routes: Ec2Route[],
  subnetIds: string[],
  main = false,
): Ec2RouteTable {
  const local: Ec2Route[] = [
    ...vpc.CidrBlocks.map((cidr) => ({ DestinationCidrBlock: cidr, GatewayId: 'local', State: 'active' })),
    ...(vpc.Ipv6CidrBlocks ?? []).map((cidr) => ({
      DestinationIpv6CidrBlock: cidr,
      GatewayId: 'local',
      State: 'active',
    })),
  ];
  return {
    RouteTableId: id,
    VpcId: vpc.VpcId,
    Routes: [...local, ...routes],
    Associations: [...(main ? [{ Main: true }] : []), ...subnetIds.map((SubnetId) => ({ SubnetId }))],
  };
}

/** Outbound to everywhere: what AWS puts on a new security group. */
export const ALL_OUT: Ec2IpPermission[] = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];

export function securityGroup(
  vpc: Ec2Vpc,
  id: string,
  name: string,
  ingress: Ec2IpPermission[],
  tags: TagMap = {},
  egress: Ec2IpPermission[] = ALL_OUT,
): Ec2SecurityGroup {
  return {
    GroupId: id,
    GroupName: name,
    VpcId: vpc.VpcId,
    IpPermissions: ingress,
    IpPermissionsEgress: egress,
    Tags: tags,
  };
}

/** All traffic from the group itself (what EKS puts on the cluster security group). */
export const selfAll = (groupId: string): Ec2IpPermission => ({
  IpProtocol: '-1',
  UserIdGroupPairs: [{ GroupId: groupId }],
});

/** All traffic to or from a CIDR. */
export const allTraffic = (cidr: string): Ec2IpPermission => ({
  IpProtocol: '-1',
  IpRanges: [{ CidrIp: cidr }],
});

/** TCP on a port (or range) from/to CIDRs or a security group. */
export function tcp(
  ports: number | [number, number],
  peer: { cidrs?: string[]; ipv6Cidrs?: string[]; group?: string },
): Ec2IpPermission {
  const [from, to] = typeof ports === 'number' ? [ports, ports] : ports;
  return {
    IpProtocol: 'tcp',
    FromPort: from,
    ToPort: to,
    ...(peer.cidrs ? { IpRanges: peer.cidrs.map((CidrIp) => ({ CidrIp })) } : {}),
    ...(peer.ipv6Cidrs ? { Ipv6Ranges: peer.ipv6Cidrs.map((CidrIpv6) => ({ CidrIpv6 })) } : {}),
    ...(peer.group ? { UserIdGroupPairs: [{ GroupId: peer.group }] } : {}),
  };
}

/** One network ACL entry; protocol `-1` (all) unless `tcp` ports are given. */
export function aclEntry(
  ruleNumber: number,
  action: 'allow' | 'deny',
  direction: 'in' | 'out',
  cidr: string,
  tcpPorts?: [number, number],
): Ec2NetworkAclEntry {
  return {
    RuleNumber: ruleNumber,
    Protocol: tcpPorts ? '6' : '-1',
    RuleAction: action,
    Egress: direction === 'out',
    ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
    ...(tcpPorts ? { PortRange: { From: tcpPorts[0], To: tcpPorts[1] } } : {}),
  };
}

/**
 * The VPC's default network ACL as DescribeNetworkAcls prints it: allow everything in and
 * out, then the `*` deny entries (32767 for IPv4; 101 and 32768 for `::/0` in a VPC with IPv6).
 */
export function defaultNetworkAcl(vpc: Ec2Vpc, id: string, subnetIds: string[]): Ec2NetworkAcl {
  const ipv6 = (vpc.Ipv6CidrBlocks ?? []).length > 0;
  const entries = (['in', 'out'] as const).flatMap((direction) => [
    aclEntry(100, 'allow', direction, '0.0.0.0/0'),
    ...(ipv6 ? [aclEntry(101, 'allow', direction, '::/0')] : []),
    aclEntry(32767, 'deny', direction, '0.0.0.0/0'),
    ...(ipv6 ? [aclEntry(32768, 'deny', direction, '::/0')] : []),
  ]);
  return {
    NetworkAclId: id,
    VpcId: vpc.VpcId,
    IsDefault: true,
    Entries: entries,
    Associations: subnetIds.map((SubnetId) => ({ SubnetId })),
  };
}

/** A VPC flow log delivering to CloudWatch Logs. */
export function flowLog(vpc: Ec2Vpc, id: string, trafficType: 'ALL' | 'REJECT' | 'ACCEPT'): Ec2FlowLog {
  return {
    FlowLogId: id,
    ResourceId: vpc.VpcId,
    FlowLogStatus: 'ACTIVE',
    TrafficType: trafficType,
    DeliverLogsStatus: 'SUCCESS',
  };
}

/** IMDSv2 only, unreachable from pods off the host network: the EKS best-practice setting. */
export const IMDS_V2_HOP_1 = { HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 1 };

export interface NodeSpec {
  subnetId: string;
  type: string;
  securityGroups: string[];
  tags: TagMap;
  publicIp?: string;
  metadata?: Ec2Instance['MetadataOptions'];
}

/** A running node instance (IMDSv2 with hop limit 1 unless `metadata` says otherwise). */
export function node(vpc: Ec2Vpc, id: string, spec: NodeSpec): Ec2Instance {
  return {
    InstanceId: id,
    VpcId: vpc.VpcId,
    SubnetId: spec.subnetId,
    InstanceType: spec.type,
    State: 'running',
    SecurityGroupIds: spec.securityGroups,
    ...(spec.publicIp ? { PublicIpAddress: spec.publicIp } : {}),
    MetadataOptions: spec.metadata ?? IMDS_V2_HOP_1,
    Tags: spec.tags,
  };
}
