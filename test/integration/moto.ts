/**
 * Shared helpers for integration tests against moto_server.
 *
 * - `describeWithMoto` reads `MOTO_ENDPOINT`. When it is unset the suite is skipped
 *   with a loud console message, except under `CI=true`, where the suite fails.
 * - `motoClients` builds the project's `AwsClients` pointed at moto.
 * - The builders create real resources through the JS SDK (no boto), one call each,
 *   and return their ids. Use a region of your own per test file (or `uniqueName`)
 *   so that files sharing one moto do not see each other's resources.
 * - `buildSampleAccount` lays out the small account most tests need: a VPC with
 *   public and private subnets, IGW, NAT gateway, route tables, an S3 gateway
 *   endpoint, SGs with rules, an EKS cluster with a node group and a Fargate profile,
 *   and a node-tagged EC2 instance.
 * - Catalog v2 builders: IPv6 blocks on VPCs and subnets, network ACLs with entries and
 *   subnet associations, VPC flow logs, instance metadata options, cluster network and
 *   remote-network config.
 */
import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AssociateSubnetCidrBlockCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateFlowLogsCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeImagesCommand,
  DescribeNetworkAclsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type ResourceType as Ec2ResourceType,
  type InstanceMetadataOptionsRequest,
  type IpPermission,
  ModifySubnetAttributeCommand,
  ModifyVpcAttributeCommand,
  type NetworkAclEntry,
  ReplaceNetworkAclAssociationCommand,
  RunInstancesCommand,
  type Tag,
  type TagSpecification,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateFargateProfileCommand,
  CreateNodegroupCommand,
  type EKSClient,
  type KubernetesNetworkConfigRequest,
  type RemoteNetworkConfigRequest,
} from '@aws-sdk/client-eks';
import { describe, it } from 'vitest';
import {
  type AwsClients,
  createAwsClients,
  EMULATOR_CREDENTIALS,
} from '../../functions/adapters/aws-clients.ts';

/** Account id moto answers for any credentials. */
export const MOTO_ACCOUNT_ID = '123456789012';

/**
 * Declares a suite that needs moto. `body` receives the endpoint URL; it only runs
 * (and its tests only register) when `MOTO_ENDPOINT` is set.
 */
export function describeWithMoto(name: string, body: (endpoint: string) => void): void {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (endpoint) {
    describe(name, () => body(endpoint.replace(/\/+$/, '')));
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs MOTO_ENDPOINT (CI=true: integration tests may not be skipped)', () => {
        throw new Error(
          'MOTO_ENDPOINT is not set; start moto_server and export MOTO_ENDPOINT=http://127.0.0.1:<port>',
        );
      });
    });
    return;
  }
  console.warn(
    `\n!!!!!!!! SKIPPED integration suite "${name}": MOTO_ENDPOINT is not set.\n` +
      '!!!!!!!! Run `moto_server -H 127.0.0.1 -p <port> &` and export MOTO_ENDPOINT=http://127.0.0.1:<port>\n',
  );
  describe.skip(name, () => {
    it('needs MOTO_ENDPOINT', () => {});
  });
}

/** The project's clients pointed at moto, with emulator credentials and few retries. */
export function motoClients(endpoint: string): AwsClients {
  return createAwsClients({ endpointUrl: endpoint, credentials: EMULATOR_CREDENTIALS, maxAttempts: 2 });
}

/** `prefix-<random>`: unique per call, valid as an EKS/SG name. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

function tagList(tags: Record<string, string> = {}): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function tagSpec(type: Ec2ResourceType, tags?: Record<string, string>): TagSpecification[] | undefined {
  return tags && Object.keys(tags).length > 0 ? [{ ResourceType: type, Tags: tagList(tags) }] : undefined;
}

function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`moto returned no ${what}`);
  return value;
}

export async function createVpc(
  ec2: EC2Client,
  options: {
    cidr: string;
    enableDnsHostnames?: boolean;
    enableDnsSupport?: boolean;
    tags?: Record<string, string>;
    /** Asks for an Amazon-provided IPv6 /56 (see {@link vpcIpv6Block}). */
    amazonProvidedIpv6?: boolean;
  },
): Promise<string> {
  const out = await ec2.send(
    new CreateVpcCommand({
      CidrBlock: options.cidr,
      AmazonProvidedIpv6CidrBlock: options.amazonProvidedIpv6,
      TagSpecifications: tagSpec('vpc', options.tags),
    }),
  );
  const vpcId = required(out.Vpc?.VpcId, 'VpcId');
  if (options.enableDnsSupport !== undefined) {
    await ec2.send(
      new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: options.enableDnsSupport } }),
    );
  }
  if (options.enableDnsHostnames !== undefined) {
    await ec2.send(
      new ModifyVpcAttributeCommand({
        VpcId: vpcId,
        EnableDnsHostnames: { Value: options.enableDnsHostnames },
      }),
    );
  }
  return vpcId;
}

export async function createSubnet(
  ec2: EC2Client,
  options: {
    vpcId: string;
    cidr: string;
    availabilityZone: string;
    tags?: Record<string, string>;
    mapPublicIpOnLaunch?: boolean;
    /** An IPv6 /64 of the VPC's block, associated at creation. */
    ipv6Cidr?: string;
    assignIpv6AddressOnCreation?: boolean;
  },
): Promise<string> {
  const out = await ec2.send(
    new CreateSubnetCommand({
      VpcId: options.vpcId,
      CidrBlock: options.cidr,
      Ipv6CidrBlock: options.ipv6Cidr,
      AvailabilityZone: options.availabilityZone,
      TagSpecifications: tagSpec('subnet', options.tags),
    }),
  );
  const subnetId = required(out.Subnet?.SubnetId, 'SubnetId');
  if (options.mapPublicIpOnLaunch) {
    await ec2.send(
      new ModifySubnetAttributeCommand({ SubnetId: subnetId, MapPublicIpOnLaunch: { Value: true } }),
    );
  }
  if (options.assignIpv6AddressOnCreation !== undefined) {
    // One attribute per call: EC2 rejects a ModifySubnetAttribute naming two.
    await ec2.send(
      new ModifySubnetAttributeCommand({
        SubnetId: subnetId,
        AssignIpv6AddressOnCreation: { Value: options.assignIpv6AddressOnCreation },
      }),
    );
  }
  return subnetId;
}

/** The VPC's first IPv6 block (e.g. `2400:6500:0:9c00::/56`), as DescribeVpcs reports it. */
export async function vpcIpv6Block(ec2: EC2Client, vpcId: string): Promise<string> {
  const out = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
  return required(out.Vpcs?.[0]?.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock, 'VPC IPv6 block');
}

/** The `index`-th /64 of a /56 block: `2400:6500:0:9c00::/56`, 3 → `2400:6500:0:9c03::/64`. */
export function ipv6Subnet(vpcBlock: string, index: number): string {
  const [address] = vpcBlock.split('/');
  const groups = (address ?? '').replace(/::$/, '').split(':');
  const fourth = Number.parseInt(groups[3] ?? '0', 16) + index;
  return `${[...groups.slice(0, 3), fourth.toString(16)].join(':')}::/64`;
}

/** Associates one more IPv6 /64 with a subnet; returns the association id. */
export async function associateSubnetIpv6(ec2: EC2Client, subnetId: string, cidr: string): Promise<string> {
  const out = await ec2.send(
    new AssociateSubnetCidrBlockCommand({ SubnetId: subnetId, Ipv6CidrBlock: cidr }),
  );
  return required(out.Ipv6CidrBlockAssociation?.AssociationId, 'IPv6 association id');
}

/**
 * Creates a network ACL with `entries` and moves `subnetIds` onto it (a subnet is always
 * associated with exactly one ACL: its current association is replaced).
 */
export async function createNetworkAcl(
  ec2: EC2Client,
  options: { vpcId: string; entries: NetworkAclEntry[]; subnetIds?: string[] },
): Promise<string> {
  const out = await ec2.send(new CreateNetworkAclCommand({ VpcId: options.vpcId }));
  const networkAclId = required(out.NetworkAcl?.NetworkAclId, 'NetworkAclId');
  for (const entry of options.entries) {
    await ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: networkAclId,
        RuleNumber: entry.RuleNumber,
        Protocol: entry.Protocol,
        RuleAction: entry.RuleAction,
        Egress: entry.Egress ?? false,
        CidrBlock: entry.CidrBlock,
        Ipv6CidrBlock: entry.Ipv6CidrBlock,
        PortRange: entry.PortRange,
      }),
    );
  }
  if (options.subnetIds?.length) {
    const current = await ec2.send(
      new DescribeNetworkAclsCommand({
        Filters: [{ Name: 'association.subnet-id', Values: options.subnetIds }],
      }),
    );
    for (const association of (current.NetworkAcls ?? []).flatMap((acl) => acl.Associations ?? [])) {
      if (!association.SubnetId || !options.subnetIds.includes(association.SubnetId)) continue;
      await ec2.send(
        new ReplaceNetworkAclAssociationCommand({
          AssociationId: association.NetworkAclAssociationId,
          NetworkAclId: networkAclId,
        }),
      );
    }
  }
  return networkAclId;
}

/** A flow log of `resourceId` (a VPC or a subnet) to a CloudWatch Logs group. */
export async function createFlowLog(
  ec2: EC2Client,
  options: { resourceId: string; resourceType: 'VPC' | 'Subnet'; trafficType: 'ACCEPT' | 'REJECT' | 'ALL' },
): Promise<string> {
  const out = await ec2.send(
    new CreateFlowLogsCommand({
      ResourceIds: [options.resourceId],
      ResourceType: options.resourceType,
      TrafficType: options.trafficType,
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: `flow-logs-${options.resourceId}`,
      DeliverLogsPermissionArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/flow-logs`,
    }),
  );
  const failed = out.Unsuccessful?.[0]?.Error?.Message;
  if (failed) throw new Error(`moto refused the flow log: ${failed}`);
  return required(out.FlowLogIds?.[0], 'FlowLogId');
}

/** Creates an internet gateway and attaches it to the VPC. */
export async function createInternetGateway(ec2: EC2Client, vpcId: string): Promise<string> {
  const out = await ec2.send(new CreateInternetGatewayCommand({}));
  const igwId = required(out.InternetGateway?.InternetGatewayId, 'InternetGatewayId');
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
  return igwId;
}

/** Allocates an Elastic IP and creates a public NAT gateway with it in `subnetId`. */
export async function createNatGateway(
  ec2: EC2Client,
  subnetId: string,
): Promise<{ natGatewayId: string; publicIp: string }> {
  const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
  const out = await ec2.send(
    new CreateNatGatewayCommand({
      SubnetId: subnetId,
      AllocationId: required(eip.AllocationId, 'AllocationId'),
    }),
  );
  return {
    natGatewayId: required(out.NatGateway?.NatGatewayId, 'NatGatewayId'),
    publicIp: required(eip.PublicIp, 'PublicIp'),
  };
}

export interface RouteSpec {
  destination: string;
  gatewayId?: string;
  natGatewayId?: string;
}

/** Creates a route table with the given routes, explicitly associated with `subnetIds`. */
export async function createRouteTable(
  ec2: EC2Client,
  options: { vpcId: string; subnetIds: string[]; routes: RouteSpec[] },
): Promise<string> {
  const out = await ec2.send(new CreateRouteTableCommand({ VpcId: options.vpcId }));
  const routeTableId = required(out.RouteTable?.RouteTableId, 'RouteTableId');
  for (const route of options.routes) {
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: routeTableId,
        DestinationCidrBlock: route.destination,
        GatewayId: route.gatewayId,
        NatGatewayId: route.natGatewayId,
      }),
    );
  }
  for (const subnetId of options.subnetIds) {
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: subnetId }));
  }
  return routeTableId;
}

export async function createVpcEndpoint(
  ec2: EC2Client,
  options: {
    vpcId: string;
    serviceName: string;
    type: 'Gateway' | 'Interface';
    routeTableIds?: string[];
    subnetIds?: string[];
    privateDnsEnabled?: boolean;
  },
): Promise<string> {
  const out = await ec2.send(
    new CreateVpcEndpointCommand({
      VpcId: options.vpcId,
      ServiceName: options.serviceName,
      VpcEndpointType: options.type,
      RouteTableIds: options.routeTableIds,
      SubnetIds: options.subnetIds,
      PrivateDnsEnabled: options.privateDnsEnabled,
    }),
  );
  return required(out.VpcEndpoint?.VpcEndpointId, 'VpcEndpointId');
}

/** Creates a security group and authorizes the given ingress rules on it. */
export async function createSecurityGroup(
  ec2: EC2Client,
  options: { vpcId: string; name: string; tags?: Record<string, string>; ingress?: IpPermission[] },
): Promise<string> {
  const out = await ec2.send(
    new CreateSecurityGroupCommand({
      VpcId: options.vpcId,
      GroupName: options.name,
      Description: `${options.name} (test)`,
      TagSpecifications: tagSpec('security-group', options.tags),
    }),
  );
  const groupId = required(out.GroupId, 'GroupId');
  if (options.ingress && options.ingress.length > 0) {
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: options.ingress }),
    );
  }
  return groupId;
}

let cachedImageId: string | undefined;

/** Runs one instance (any moto-known AMI) in `subnetId` with the given SGs and tags. */
export async function runInstance(
  ec2: EC2Client,
  options: {
    subnetId: string;
    securityGroupIds: string[];
    tags?: Record<string, string>;
    instanceType?: string;
    metadataOptions?: InstanceMetadataOptionsRequest;
  },
): Promise<string> {
  if (!cachedImageId) {
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], MaxResults: 5 }));
    cachedImageId = required(images.Images?.[0]?.ImageId, 'ImageId');
  }
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: cachedImageId,
      MinCount: 1,
      MaxCount: 1,
      InstanceType: (options.instanceType ?? 'm5.large') as 'm5.large',
      SubnetId: options.subnetId,
      SecurityGroupIds: options.securityGroupIds,
      MetadataOptions: options.metadataOptions,
      TagSpecifications: tagSpec('instance', options.tags),
    }),
  );
  return required(out.Instances?.[0]?.InstanceId, 'InstanceId');
}

export async function createCluster(
  eks: EKSClient,
  options: {
    name: string;
    subnetIds: string[];
    securityGroupIds?: string[];
    endpointPublicAccess?: boolean;
    endpointPrivateAccess?: boolean;
    publicAccessCidrs?: string[];
    tags?: Record<string, string>;
    version?: string;
    kubernetesNetworkConfig?: KubernetesNetworkConfigRequest;
    remoteNetworkConfig?: RemoteNetworkConfigRequest;
  },
): Promise<string> {
  const out = await eks.send(
    new CreateClusterCommand({
      name: options.name,
      roleArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/eks-cluster`,
      resourcesVpcConfig: {
        subnetIds: options.subnetIds,
        securityGroupIds: options.securityGroupIds,
        endpointPublicAccess: options.endpointPublicAccess,
        endpointPrivateAccess: options.endpointPrivateAccess,
        publicAccessCidrs: options.publicAccessCidrs,
      },
      version: options.version,
      kubernetesNetworkConfig: options.kubernetesNetworkConfig,
      remoteNetworkConfig: options.remoteNetworkConfig,
      tags: options.tags,
    }),
  );
  return required(out.cluster?.arn, 'cluster arn');
}

export async function createNodegroup(
  eks: EKSClient,
  options: {
    clusterName: string;
    name: string;
    subnetIds: string[];
    instanceTypes?: string[];
    remoteAccess?: { ec2SshKey?: string; sourceSecurityGroups?: string[] };
  },
): Promise<void> {
  await eks.send(
    new CreateNodegroupCommand({
      clusterName: options.clusterName,
      nodegroupName: options.name,
      subnets: options.subnetIds,
      nodeRole: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/eks-node`,
      instanceTypes: options.instanceTypes,
      remoteAccess: options.remoteAccess,
    }),
  );
}

export async function createFargateProfile(
  eks: EKSClient,
  options: { clusterName: string; name: string; subnetIds: string[]; namespace?: string },
): Promise<void> {
  await eks.send(
    new CreateFargateProfileCommand({
      clusterName: options.clusterName,
      fargateProfileName: options.name,
      podExecutionRoleArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/eks-fargate`,
      subnets: options.subnetIds,
      selectors: [{ namespace: options.namespace ?? 'default' }],
    }),
  );
}

/** Ids of everything `buildSampleAccount` created. */
export interface SampleAccount {
  region: string;
  clusterName: string;
  clusterArn: string;
  vpcId: string;
  publicSubnetId: string;
  privateSubnetIds: [string, string];
  internetGatewayId: string;
  natGatewayId: string;
  natPublicIp: string;
  publicRouteTableId: string;
  privateRouteTableId: string;
  s3EndpointId: string;
  clusterSecurityGroupId: string;
  nodeSecurityGroupId: string;
  nodegroupName: string;
  fargateProfileName: string;
  instanceId: string;
}

/**
 * Lays out one VPC (10.20.0.0/16, DNS on) holding one EKS cluster:
 * - a public subnet (MapPublicIpOnLaunch, `kubernetes.io/role/elb=1`) routed to an IGW,
 *   holding a NAT gateway;
 * - two private subnets in two AZs (`internal-elb` + cluster tags) routed to the NAT,
 *   with an S3 gateway endpoint on their route table;
 * - a cluster SG (self-ingress all traffic) and a node SG (443 from the VPC, 10250 from
 *   the cluster SG, SSH from the world), the node SG tagged for the cluster;
 * - the cluster (public endpoint restricted to 203.0.113.0/24, private on), a managed
 *   node group and a Fargate profile on the private subnets, and one running instance
 *   tagged `eks:cluster-name`.
 */
export async function buildSampleAccount(
  clients: AwsClients,
  region: string,
  clusterName = uniqueName('demo'),
): Promise<SampleAccount> {
  const ec2 = clients.ec2(region);
  const eks = clients.eks(region);
  const clusterTag = { [`kubernetes.io/cluster/${clusterName}`]: 'shared' };
  const vpcId = await createVpc(ec2, {
    cidr: '10.20.0.0/16',
    enableDnsSupport: true,
    enableDnsHostnames: true,
  });
  const publicSubnetId = await createSubnet(ec2, {
    vpcId,
    cidr: '10.20.0.0/24',
    availabilityZone: `${region}a`,
    mapPublicIpOnLaunch: true,
    tags: { 'kubernetes.io/role/elb': '1' },
  });
  const privateSubnetIds: [string, string] = [
    await createSubnet(ec2, {
      vpcId,
      cidr: '10.20.1.0/24',
      availabilityZone: `${region}a`,
      tags: { ...clusterTag, 'kubernetes.io/role/internal-elb': '1' },
    }),
    await createSubnet(ec2, {
      vpcId,
      cidr: '10.20.2.0/24',
      availabilityZone: `${region}b`,
      tags: { ...clusterTag, 'kubernetes.io/role/internal-elb': '1' },
    }),
  ];
  const internetGatewayId = await createInternetGateway(ec2, vpcId);
  const publicRouteTableId = await createRouteTable(ec2, {
    vpcId,
    subnetIds: [publicSubnetId],
    routes: [{ destination: '0.0.0.0/0', gatewayId: internetGatewayId }],
  });
  const { natGatewayId, publicIp: natPublicIp } = await createNatGateway(ec2, publicSubnetId);
  const privateRouteTableId = await createRouteTable(ec2, {
    vpcId,
    subnetIds: privateSubnetIds,
    routes: [{ destination: '0.0.0.0/0', natGatewayId }],
  });
  const s3EndpointId = await createVpcEndpoint(ec2, {
    vpcId,
    serviceName: `com.amazonaws.${region}.s3`,
    type: 'Gateway',
    routeTableIds: [privateRouteTableId],
  });
  const clusterSecurityGroupId = await createSecurityGroup(ec2, { vpcId, name: `${clusterName}-cluster` });
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: clusterSecurityGroupId,
      IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: clusterSecurityGroupId }] }],
    }),
  );
  const nodeSecurityGroupId = await createSecurityGroup(ec2, {
    vpcId,
    name: `${clusterName}-nodes`,
    tags: { [`kubernetes.io/cluster/${clusterName}`]: 'owned' },
    ingress: [
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.20.0.0/16' }] },
      {
        IpProtocol: 'tcp',
        FromPort: 10250,
        ToPort: 10250,
        UserIdGroupPairs: [{ GroupId: clusterSecurityGroupId }],
      },
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    ],
  });
  const clusterArn = await createCluster(eks, {
    name: clusterName,
    subnetIds: privateSubnetIds,
    securityGroupIds: [clusterSecurityGroupId],
    endpointPublicAccess: true,
    endpointPrivateAccess: true,
    publicAccessCidrs: ['203.0.113.0/24'],
  });
  const nodegroupName = `${clusterName}-ng`;
  await createNodegroup(eks, {
    clusterName,
    name: nodegroupName,
    subnetIds: privateSubnetIds,
    instanceTypes: ['m5.large'],
  });
  const fargateProfileName = `${clusterName}-fp`;
  await createFargateProfile(eks, { clusterName, name: fargateProfileName, subnetIds: privateSubnetIds });
  const instanceId = await runInstance(ec2, {
    subnetId: privateSubnetIds[0],
    securityGroupIds: [nodeSecurityGroupId],
    tags: { 'eks:cluster-name': clusterName },
  });
  return {
    region,
    clusterName,
    clusterArn,
    vpcId,
    publicSubnetId,
    privateSubnetIds,
    internetGatewayId,
    natGatewayId,
    natPublicIp,
    publicRouteTableId,
    privateRouteTableId,
    s3EndpointId,
    clusterSecurityGroupId,
    nodeSecurityGroupId,
    nodegroupName,
    fargateProfileName,
    instanceId,
  };
}
