/**
 * The inventory snapshot: the only input rules ever see.
 *
 * Field names follow the AWS API responses they come from (camelCase for EKS,
 * PascalCase for EC2) so that a snapshot reads like what `aws eks describe-*` and
 * `aws ec2 describe-*` print. Only the fields the rules need are kept, which keeps
 * snapshots small and evaluation cheap. Everything here is plain JSON.
 */

export const SNAPSHOT_SCHEMA_VERSION = 1 as const;

/** Tags as a flat map (EKS returns this shape; EC2 tag lists are converted). */
export type TagMap = Record<string, string>;

/** The lists of a VPC's inventory, each loaded by its own (paginated) describe call. */
export const VPC_RESOURCE_LISTS = [
  'subnets',
  'routeTables',
  'securityGroups',
  'vpcEndpoints',
  'natGateways',
  'instances',
  'networkAcls',
  'flowLogs',
] as const;

/** Parts of a VPC's inventory: the VPC itself and its resource lists. */
export const VPC_INVENTORY_PARTS = ['vpc', ...VPC_RESOURCE_LISTS] as const;

/** Parts of the inventory a rule can depend on; a part that failed to load is "incomplete". */
export const INVENTORY_PARTS = [
  'cluster',
  'nodegroups',
  'fargateProfiles',
  'vpcCni',
  ...VPC_INVENTORY_PARTS,
] as const;
export type InventoryPart = (typeof INVENTORY_PARTS)[number];

export interface CollectionError {
  region: string;
  operation: string;
  message: string;
  /** Set when the failure concerns one cluster only. */
  clusterName?: string;
  /** Set when the failure concerns one VPC only. */
  vpcId?: string;
  /** The inventory part the failure left incomplete, when known. */
  part?: InventoryPart;
}

export interface EksCluster {
  name: string;
  arn: string;
  status?: string;
  version?: string;
  tags?: TagMap;
  resourcesVpcConfig: {
    subnetIds: string[];
    securityGroupIds?: string[];
    clusterSecurityGroupId?: string;
    vpcId?: string;
    /** AWS default when absent: true. */
    endpointPublicAccess?: boolean;
    /** AWS default when absent: false. */
    endpointPrivateAccess?: boolean;
    /** AWS default when absent and public access is on: ["0.0.0.0/0"]. */
    publicAccessCidrs?: string[];
  };
  /** `ipFamily` `ipv6` makes an IPv6 cluster; absent means ipv4. */
  kubernetesNetworkConfig?: {
    ipFamily?: string;
    serviceIpv4Cidr?: string;
    serviceIpv6Cidr?: string;
  };
  /** EKS Auto Mode: `enabled` true makes an Auto Mode cluster. */
  computeConfig?: { enabled?: boolean; nodePools?: string[]; nodeRoleArn?: string };
  /** EKS Hybrid Nodes: the on-premises node and pod networks. */
  remoteNetworkConfig?: {
    remoteNodeNetworks?: { cidrs?: string[] }[];
    remotePodNetworks?: { cidrs?: string[] }[];
  };
}

export interface EksNodegroup {
  nodegroupName: string;
  status?: string;
  subnets: string[];
  instanceTypes?: string[];
  remoteAccess?: { ec2SshKey?: string; sourceSecurityGroups?: string[] };
  resources?: { remoteAccessSecurityGroup?: string };
  tags?: TagMap;
}

export interface EksFargateProfile {
  fargateProfileName: string;
  status?: string;
  subnets: string[];
}

/** What the collector learned about the cluster's `vpc-cni` add-on. */
export type VpcCniAddon =
  | { state: 'installed'; addonVersion?: string; configurationValues?: string }
  | { state: 'absent' }
  | { state: 'unknown'; error: string };

export interface ClusterInventory {
  region: string;
  /** The VPC the cluster lives in (from the cluster, else from its subnets). */
  vpcId?: string;
  cluster: EksCluster;
  nodegroups: EksNodegroup[];
  fargateProfiles: EksFargateProfile[];
  vpcCni: VpcCniAddon;
  /** Parts of this cluster's own inventory that could not be read completely. */
  incomplete: InventoryPart[];
  /**
   * Why a part is incomplete, when the source knows better than "a describe call failed"
   * (planned infrastructure: the deploy-time value it could not resolve). Optional.
   */
  incompleteReasons?: Partial<Record<InventoryPart, string>>;
}

export interface Ec2Subnet {
  SubnetId: string;
  VpcId: string;
  CidrBlock?: string;
  AvailabilityZone?: string;
  AvailabilityZoneId?: string;
  AvailableIpAddressCount?: number;
  MapPublicIpOnLaunch?: boolean;
  /** Whether new network interfaces get an IPv6 address (absent: unknown). */
  AssignIpv6AddressOnCreation?: boolean;
  /** Only associations in state `associated`. */
  Ipv6CidrBlockAssociationSet?: { Ipv6CidrBlock?: string }[];
  Tags: TagMap;
}

export interface Ec2Route {
  DestinationCidrBlock?: string;
  DestinationIpv6CidrBlock?: string;
  DestinationPrefixListId?: string;
  GatewayId?: string;
  NatGatewayId?: string;
  TransitGatewayId?: string;
  VpcPeeringConnectionId?: string;
  EgressOnlyInternetGatewayId?: string;
  InstanceId?: string;
  NetworkInterfaceId?: string;
  LocalGatewayId?: string;
  CarrierGatewayId?: string;
  CoreNetworkArn?: string;
  State?: string;
}

export interface Ec2RouteTable {
  RouteTableId: string;
  VpcId: string;
  Routes: Ec2Route[];
  Associations: { Main?: boolean; SubnetId?: string; GatewayId?: string }[];
}

export interface Ec2IpPermission {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: { CidrIp?: string }[];
  Ipv6Ranges?: { CidrIpv6?: string }[];
  UserIdGroupPairs?: { GroupId?: string }[];
  PrefixListIds?: { PrefixListId?: string }[];
}

export interface Ec2SecurityGroup {
  GroupId: string;
  GroupName?: string;
  VpcId?: string;
  /** Ingress rules. */
  IpPermissions: Ec2IpPermission[];
  /** Egress rules; absent when unknown (an old snapshot file). */
  IpPermissionsEgress?: Ec2IpPermission[];
  Tags: TagMap;
}

export interface Ec2VpcEndpoint {
  VpcEndpointId: string;
  VpcId: string;
  ServiceName: string;
  VpcEndpointType?: string;
  State?: string;
  PrivateDnsEnabled?: boolean;
  RouteTableIds?: string[];
  SubnetIds?: string[];
}

export interface Ec2NatGateway {
  NatGatewayId: string;
  VpcId: string;
  SubnetId?: string;
  State?: string;
  ConnectivityType?: string;
  /** Public IPv4 addresses of the gateway (from `NatGatewayAddresses`). */
  PublicIps: string[];
}

export interface Ec2Instance {
  InstanceId: string;
  VpcId?: string;
  SubnetId?: string;
  InstanceType?: string;
  State?: string;
  /** Security groups of every network interface of the instance. */
  SecurityGroupIds: string[];
  /** The instance's public IPv4 address, when it has one. */
  PublicIpAddress?: string;
  /** Instance metadata service options (`DescribeInstances` `MetadataOptions`). */
  MetadataOptions?: {
    HttpEndpoint?: string;
    HttpTokens?: string;
    HttpPutResponseHopLimit?: number;
  };
  Tags: TagMap;
}

/** One entry of a network ACL (`DescribeNetworkAcls` `Entries`). */
export interface Ec2NetworkAclEntry {
  RuleNumber: number;
  /** `-1` (all), or an IANA protocol number as a string (`6` TCP, `17` UDP…). */
  Protocol: string;
  RuleAction: 'allow' | 'deny';
  Egress: boolean;
  CidrBlock?: string;
  Ipv6CidrBlock?: string;
  /** Absent for protocol `-1` (every port). */
  PortRange?: { From?: number; To?: number };
}

export interface Ec2NetworkAcl {
  NetworkAclId: string;
  VpcId: string;
  /** The VPC's default ACL: it governs every subnet not explicitly associated elsewhere. */
  IsDefault?: boolean;
  Entries: Ec2NetworkAclEntry[];
  /** Subnets associated with the ACL. */
  Associations: { SubnetId?: string }[];
}

export interface Ec2FlowLog {
  FlowLogId: string;
  /** The VPC, subnet or network interface the flow log records. */
  ResourceId: string;
  /** `ACTIVE` when it records. */
  FlowLogStatus?: string;
  /** `ACCEPT`, `REJECT` or `ALL`. */
  TrafficType?: string;
  DeliverLogsStatus?: string;
}

export interface Ec2Vpc {
  VpcId: string;
  CidrBlock?: string;
  /** Only associations in state `associated`. */
  CidrBlocks: string[];
  Ipv6CidrBlocks?: string[];
  EnableDnsSupport?: boolean;
  EnableDnsHostnames?: boolean;
}

export interface VpcInventory {
  region: string;
  vpcId: string;
  /** Undefined when the VPC itself could not be read. */
  vpc?: Ec2Vpc;
  subnets: Ec2Subnet[];
  routeTables: Ec2RouteTable[];
  securityGroups: Ec2SecurityGroup[];
  vpcEndpoints: Ec2VpcEndpoint[];
  natGateways: Ec2NatGateway[];
  instances: Ec2Instance[];
  networkAcls: Ec2NetworkAcl[];
  /** Flow logs whose resource is the VPC. */
  flowLogs: Ec2FlowLog[];
  /** Parts of this VPC's inventory that could not be read completely. */
  incomplete: InventoryPart[];
  /** Why a part is incomplete, when the source knows (see {@link ClusterInventory.incompleteReasons}). */
  incompleteReasons?: Partial<Record<InventoryPart, string>>;
}

export interface Snapshot {
  schemaVersion: typeof SNAPSHOT_SCHEMA_VERSION;
  /** ISO-8601 time the collection started. */
  scannedAt: string;
  accountId: string;
  regions: string[];
  clusters: ClusterInventory[];
  vpcs: VpcInventory[];
  errors: CollectionError[];
  /**
   * Planned infrastructure only: where each planned resource is declared, by resource id
   * (a subnet id, a cluster ARN, a node-group name…). Rules never read it; the report
   * attaches it to findings so that SARIF can point at the line.
   */
  sources?: Record<string, SourceLocation>;
}

/** Where a planned resource is declared: a template line, or a Terraform resource address. */
export type SourceLocation =
  | { file: string; line: number; column: number }
  | { address: string; file?: string; line?: number; column?: number };
