/**
 * A small fake account for collector unit tests, served through aws-sdk-client-mock.
 * Every mocked describe is answered from in-memory data and honours the `vpc-id`,
 * `subnet-id` filters and pagination the way EC2/EKS do, so tests can assert call
 * counts and filter batching instead of hard-coded answers.
 */
import {
  DescribeFlowLogsCommand,
  DescribeInstancesCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type Filter,
  type FlowLog,
  type Instance,
  type NatGateway,
  type NetworkAcl,
  type RouteTable,
  type SecurityGroup,
  type Subnet,
  type Vpc,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import {
  type Addon,
  type Cluster,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  EKSClient,
  type FargateProfile,
  ListClustersCommand,
  ListFargateProfilesCommand,
  ListNodegroupsCommand,
  type Nodegroup,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { createAwsClients, EMULATOR_CREDENTIALS } from '../../../functions/adapters/aws-clients.ts';

export const ACCOUNT_ID = '111122223333';
export const FIXED_NOW = new Date('2026-03-01T12:00:00.000Z');
/** The region most collector tests use. */
export const REGION = 'eu-west-1';

export interface FakeRegion {
  clusters: Cluster[];
  nodegroups: Record<string, Nodegroup[]>;
  fargateProfiles: Record<string, FargateProfile[]>;
  addons: Record<string, Addon>;
  vpcs: Vpc[];
  subnets: Subnet[];
  routeTables: RouteTable[];
  securityGroups: SecurityGroup[];
  vpcEndpoints: VpcEndpoint[];
  natGateways: NatGateway[];
  instances: Instance[];
  networkAcls: NetworkAcl[];
  flowLogs: FlowLog[];
}

export function emptyRegion(): FakeRegion {
  return {
    clusters: [],
    nodegroups: {},
    fargateProfiles: {},
    addons: {},
    vpcs: [],
    subnets: [],
    routeTables: [],
    securityGroups: [],
    vpcEndpoints: [],
    natGateways: [],
    instances: [],
    networkAcls: [],
    flowLogs: [],
  };
}

/** Adds a cluster (and its VPC if new) to the region, with two subnets in two AZs. */
export function addCluster(
  region: FakeRegion,
  name: string,
  vpcId: string,
  extra: Partial<Cluster> = {},
): Cluster {
  if (!region.vpcs.some((v) => v.VpcId === vpcId)) {
    region.vpcs.push({
      VpcId: vpcId,
      CidrBlock: '10.0.0.0/16',
      CidrBlockAssociationSet: [{ CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } }],
    });
  }
  const subnetIds = [`subnet-${name}-a`, `subnet-${name}-b`];
  subnetIds.forEach((SubnetId, i) => {
    region.subnets.push({ SubnetId, VpcId: vpcId, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: `x-${i}` });
  });
  const cluster: Cluster = {
    name,
    arn: `arn:aws:eks:eu-west-1:${ACCOUNT_ID}:cluster/${name}`,
    status: 'ACTIVE',
    resourcesVpcConfig: {
      vpcId,
      subnetIds,
      clusterSecurityGroupId: `sg-${name}`,
      endpointPublicAccess: true,
    },
    ...extra,
  };
  region.clusters.push(cluster);
  region.securityGroups.push({ GroupId: `sg-${name}`, VpcId: vpcId, GroupName: `eks-${name}` });
  return cluster;
}

/** A region with one cluster that has a node group, a Fargate profile and one resource of each kind. */
export function richRegion(): FakeRegion {
  const region = emptyRegion();
  addCluster(region, 'alpha', 'vpc-1', { tags: { team: 'a' } });
  region.vpcs[0]!.CidrBlockAssociationSet!.push(
    { CidrBlock: '100.64.0.0/16', CidrBlockState: { State: 'associated' } },
    { CidrBlock: '10.9.0.0/16', CidrBlockState: { State: 'disassociated' } },
  );
  region.subnets[0]!.Tags = [{ Key: 'kubernetes.io/cluster/alpha', Value: 'shared' }];
  region.nodegroups.alpha = [
    {
      nodegroupName: 'ng-1',
      subnets: ['subnet-alpha-a'],
      instanceTypes: ['m5.large'],
      remoteAccess: { ec2SshKey: 'key' },
      resources: { remoteAccessSecurityGroup: 'sg-remote' },
    },
  ];
  region.fargateProfiles.alpha = [{ fargateProfileName: 'fp-1', subnets: ['subnet-alpha-b'] }];
  region.addons.alpha = { addonName: 'vpc-cni', addonVersion: 'v1.18.0', configurationValues: '{"env":{}}' };
  region.routeTables.push({
    RouteTableId: 'rtb-1',
    VpcId: 'vpc-1',
    Routes: [
      { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'active', Origin: 'CreateRoute' },
    ],
    Associations: [
      { SubnetId: 'subnet-alpha-a', AssociationState: { State: 'associated' } },
      { SubnetId: 'subnet-old', AssociationState: { State: 'disassociated' } },
    ],
  });
  region.securityGroups[0]!.IpPermissions = [
    {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'x' }],
    },
  ];
  region.securityGroups[0]!.Tags = [{ Key: 'kubernetes.io/cluster/alpha', Value: 'owned' }];
  region.vpcEndpoints.push({
    VpcEndpointId: 'vpce-1',
    VpcId: 'vpc-1',
    ServiceName: `com.amazonaws.${REGION}.s3`,
    VpcEndpointType: 'Gateway',
    // The API answers lowercase states, whatever the SDK's enum type says.
    State: 'available' as VpcEndpoint['State'],
    RouteTableIds: ['rtb-1'],
  });
  region.natGateways.push({
    NatGatewayId: 'nat-1',
    VpcId: 'vpc-1',
    SubnetId: 'subnet-pub',
    State: 'available',
    NatGatewayAddresses: [{ PublicIp: '198.51.100.7', PrivateIp: '10.0.9.9' }],
  });
  region.instances.push({
    InstanceId: 'i-1',
    VpcId: 'vpc-1',
    SubnetId: 'subnet-alpha-a',
    InstanceType: 'm5.large',
    State: { Name: 'running', Code: 16 },
    SecurityGroups: [{ GroupId: 'sg-ignored-when-enis-known' }],
    NetworkInterfaces: [{ Groups: [{ GroupId: 'sg-alpha' }] }, { Groups: [{ GroupId: 'sg-pods' }] }],
    Tags: [{ Key: 'eks:cluster-name', Value: 'alpha' }],
  });
  return region;
}

function awsError(name: string, status: number, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

export const errors = {
  notFound: (message = 'not found') =>
    new ResourceNotFoundException({ message, $metadata: { httpStatusCode: 404 } }),
  accessDenied: (message = 'not authorized') => awsError('AccessDeniedException', 403, message),
  unauthorized: (message = 'You are not authorized to perform this operation.') =>
    awsError('UnauthorizedOperation', 403, message),
  /** What the SDK raises for moto's bare 404 on an API it does not implement. */
  bare404: () => awsError('UnknownError', 404, 'UnknownError'),
  noCredentials: () =>
    awsError('CredentialsProviderError', 0, 'Could not load credentials from any providers'),
  invalidToken: () =>
    awsError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.'),
};

function filterValues(filters: Filter[] | undefined, name: string): string[] | undefined {
  return filters?.find((f) => f.Name === name)?.Values;
}

/** Serves `items` in pages of `pageSize`, with a numeric NextToken, like EC2 does. */
function page<T>(items: T[], token: string | undefined, pageSize: number): { items: T[]; next?: string } {
  const start = token ? Number(token) : 0;
  const end = start + pageSize;
  return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
}

export interface FakeAws {
  ec2: AwsClientStub<EC2Client>;
  eks: AwsClientStub<EKSClient>;
  sts: AwsClientStub<STSClient>;
  clients: ReturnType<typeof createAwsClients>;
}

/**
 * Mocks EC2/EKS/STS for every region in `regions`. `pageSize` forces pagination
 * (every list/describe answers at most that many items per page).
 */
export function fakeAws(regions: Record<string, FakeRegion>, pageSize = 1000): FakeAws {
  const ec2 = mockClient(EC2Client);
  const eks = mockClient(EKSClient);
  const sts = mockClient(STSClient);
  const regionOf = async (client: { config: { region: () => Promise<string> } }): Promise<FakeRegion> => {
    const name = await client.config.region();
    const region = regions[name];
    if (!region) throw new Error(`test fixture has no region ${name}`);
    return region;
  };
  // aws-sdk-client-mock passes (input, getClient) to callsFake handlers.
  type Handler<I, O> = (input: I, client: EC2Client | EKSClient) => Promise<O>;
  const onEc2 = <I, O>(command: unknown, handler: Handler<I, O>) =>
    // biome-ignore lint/suspicious/noExplicitAny: the mock's command typing is per-command; the fixture is generic.
    ec2.on(command as any).callsFake((input: I, getClient: () => EC2Client) => handler(input, getClient()));
  const onEks = <I, O>(command: unknown, handler: Handler<I, O>) =>
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    eks.on(command as any).callsFake((input: I, getClient: () => EKSClient) => handler(input, getClient()));

  const byVpc = <T extends { VpcId?: string }>(items: T[], filters: Filter[] | undefined) => {
    const vpcIds = filterValues(filters, 'vpc-id');
    return vpcIds ? items.filter((i) => i.VpcId !== undefined && vpcIds.includes(i.VpcId)) : items;
  };
  type Ec2In = { Filters?: Filter[]; Filter?: Filter[]; NextToken?: string };

  onEc2<Ec2In, unknown>(DescribeVpcsCommand, async (input, c) => {
    const p = page(byVpc((await regionOf(c)).vpcs, input.Filters), input.NextToken, pageSize);
    return { Vpcs: p.items, NextToken: p.next };
  });
  onEc2<Ec2In, unknown>(DescribeSubnetsCommand, async (input, c) => {
    let items = byVpc((await regionOf(c)).subnets, input.Filters);
    const ids = filterValues(input.Filters, 'subnet-id');
    if (ids) items = items.filter((s) => ids.includes(s.SubnetId ?? ''));
    const p = page(items, input.NextToken, pageSize);
    return { Subnets: p.items, NextToken: p.next };
  });
  onEc2<Ec2In, unknown>(DescribeRouteTablesCommand, async (input, c) => {
    const p = page(byVpc((await regionOf(c)).routeTables, input.Filters), input.NextToken, pageSize);
    return { RouteTables: p.items, NextToken: p.next };
  });
  onEc2<Ec2In, unknown>(DescribeSecurityGroupsCommand, async (input, c) => {
    const p = page(byVpc((await regionOf(c)).securityGroups, input.Filters), input.NextToken, pageSize);
    return { SecurityGroups: p.items, NextToken: p.next };
  });
  onEc2<Ec2In, unknown>(DescribeVpcEndpointsCommand, async (input, c) => {
    const p = page(byVpc((await regionOf(c)).vpcEndpoints, input.Filters), input.NextToken, pageSize);
    return { VpcEndpoints: p.items, NextToken: p.next };
  });
  onEc2<Ec2In, unknown>(DescribeNatGatewaysCommand, async (input, c) => {
    const p = page(byVpc((await regionOf(c)).natGateways, input.Filter), input.NextToken, pageSize);
    return { NatGateways: p.items, NextToken: p.next };
  });
  onEc2<Ec2In, unknown>(DescribeInstancesCommand, async (input, c) => {
    const p = page(byVpc((await regionOf(c)).instances, input.Filters), input.NextToken, pageSize);
    return { Reservations: p.items.map((i) => ({ Instances: [i] })), NextToken: p.next };
  });
  onEc2<Ec2In, unknown>(DescribeNetworkAclsCommand, async (input, c) => {
    const p = page(byVpc((await regionOf(c)).networkAcls, input.Filters), input.NextToken, pageSize);
    return { NetworkAcls: p.items, NextToken: p.next };
  });
  onEc2<Ec2In, unknown>(DescribeFlowLogsCommand, async (input, c) => {
    const resourceIds = filterValues(input.Filter, 'resource-id');
    const all = (await regionOf(c)).flowLogs;
    const items = resourceIds ? all.filter((f) => resourceIds.includes(f.ResourceId ?? '')) : all;
    const p = page(items, input.NextToken, pageSize);
    return { FlowLogs: p.items, NextToken: p.next };
  });
  onEc2<{ VpcId: string; Attribute: string }, unknown>(DescribeVpcAttributeCommand, async (input) =>
    input.Attribute === 'enableDnsSupport'
      ? { VpcId: input.VpcId, EnableDnsSupport: { Value: true } }
      : { VpcId: input.VpcId, EnableDnsHostnames: { Value: true } },
  );

  type EksIn = { name?: string; clusterName?: string; nextToken?: string };
  onEks<EksIn, unknown>(ListClustersCommand, async (input, c) => {
    const p = page(
      (await regionOf(c)).clusters.map((x) => x.name ?? ''),
      input.nextToken,
      pageSize,
    );
    return { clusters: p.items, nextToken: p.next };
  });
  onEks<EksIn, unknown>(DescribeClusterCommand, async (input, c) => {
    const cluster = (await regionOf(c)).clusters.find((x) => x.name === input.name);
    if (!cluster) throw errors.notFound(`No cluster found for name: ${input.name}.`);
    return { cluster };
  });
  onEks<EksIn, unknown>(ListNodegroupsCommand, async (input, c) => {
    const all = (await regionOf(c)).nodegroups[input.clusterName ?? ''] ?? [];
    const p = page(
      all.map((n) => n.nodegroupName ?? ''),
      input.nextToken,
      pageSize,
    );
    return { nodegroups: p.items, nextToken: p.next };
  });
  onEks<EksIn & { nodegroupName: string }, unknown>(DescribeNodegroupCommand, async (input, c) => {
    const all = (await regionOf(c)).nodegroups[input.clusterName ?? ''] ?? [];
    const nodegroup = all.find((n) => n.nodegroupName === input.nodegroupName);
    if (!nodegroup) throw errors.notFound();
    return { nodegroup };
  });
  onEks<EksIn, unknown>(ListFargateProfilesCommand, async (input, c) => {
    const all = (await regionOf(c)).fargateProfiles[input.clusterName ?? ''] ?? [];
    const p = page(
      all.map((f) => f.fargateProfileName ?? ''),
      input.nextToken,
      pageSize,
    );
    return { fargateProfileNames: p.items, nextToken: p.next };
  });
  onEks<EksIn & { fargateProfileName: string }, unknown>(DescribeFargateProfileCommand, async (input, c) => {
    const all = (await regionOf(c)).fargateProfiles[input.clusterName ?? ''] ?? [];
    const fargateProfile = all.find((f) => f.fargateProfileName === input.fargateProfileName);
    if (!fargateProfile) throw errors.notFound();
    return { fargateProfile };
  });
  onEks<EksIn, unknown>(DescribeAddonCommand, async (input, c) => {
    const addon = (await regionOf(c)).addons[input.clusterName ?? ''];
    if (!addon) throw errors.notFound('No addon: vpc-cni found in cluster');
    return { addon };
  });
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ Account: ACCOUNT_ID, Arn: `arn:aws:iam::${ACCOUNT_ID}:user/test` });

  const clients = createAwsClients({ credentials: EMULATOR_CREDENTIALS });
  return { ec2, eks, sts, clients };
}

/** Restores the real `send` of the three clients. */
export function restore(fake: FakeAws): void {
  fake.ec2.restore();
  fake.eks.restore();
  fake.sts.restore();
}
