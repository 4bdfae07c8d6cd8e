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
} from '@aws-sdk/client-ec2';
import {
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  ListClustersCommand,
  ListFargateProfilesCommand,
  ListNodegroupsCommand,
} from '@aws-sdk/client-eks';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsCredentialsError, CollectOptionsError } from '../../../functions/adapters/errors.ts';
import { collectInventory } from '../../../functions/adapters/inventory-collector.ts';
import {
  ACCOUNT_ID,
  addCluster,
  emptyRegion,
  errors,
  type FakeAws,
  type FakeRegion,
  FIXED_NOW,
  fakeAws,
  REGION,
  restore,
  richRegion,
} from './aws-fixture.ts';

let fake: FakeAws | undefined;

afterEach(() => {
  if (fake) restore(fake);
  fake = undefined;
});

/** Number of EC2 calls per command class name. */
function ec2CallCounts(commands: { name: string }[]): Record<string, number> {
  return Object.fromEntries(
    commands.map((c) => [c.name, fake!.ec2.commandCalls(c as typeof DescribeVpcsCommand).length]),
  );
}

function collect(
  regions: Record<string, FakeRegion>,
  options: { pageSize?: number; regions?: string[] } = {},
) {
  fake = fakeAws(regions, options.pageSize);
  return collectInventory(fake.clients, {
    regions: options.regions ?? Object.keys(regions),
    now: () => FIXED_NOW,
  });
}

describe('collectInventory: mapping', () => {
  it('maps EKS and EC2 answers to the snapshot shape, keeping only declared fields', async () => {
    // Arrange / Act
    const snapshot = await collect({ [REGION]: richRegion() });
    // Assert
    expect(snapshot).toMatchObject({
      schemaVersion: 1,
      scannedAt: FIXED_NOW.toISOString(),
      accountId: ACCOUNT_ID,
      regions: [REGION],
      errors: [],
    });
    const [cluster] = snapshot.clusters;
    expect(cluster).toEqual({
      region: REGION,
      vpcId: 'vpc-1',
      cluster: {
        name: 'alpha',
        arn: `arn:aws:eks:eu-west-1:${ACCOUNT_ID}:cluster/alpha`,
        status: 'ACTIVE',
        tags: { team: 'a' },
        resourcesVpcConfig: {
          vpcId: 'vpc-1',
          subnetIds: ['subnet-alpha-a', 'subnet-alpha-b'],
          clusterSecurityGroupId: 'sg-alpha',
          endpointPublicAccess: true,
        },
      },
      nodegroups: [
        {
          nodegroupName: 'ng-1',
          subnets: ['subnet-alpha-a'],
          instanceTypes: ['m5.large'],
          remoteAccess: { ec2SshKey: 'key' },
          resources: { remoteAccessSecurityGroup: 'sg-remote' },
        },
      ],
      fargateProfiles: [{ fargateProfileName: 'fp-1', subnets: ['subnet-alpha-b'] }],
      vpcCni: { state: 'installed', addonVersion: 'v1.18.0', configurationValues: '{"env":{}}' },
      incomplete: [],
    });
    const [vpc] = snapshot.vpcs;
    expect(vpc?.vpc).toEqual({
      VpcId: 'vpc-1',
      CidrBlock: '10.0.0.0/16',
      CidrBlocks: ['10.0.0.0/16', '100.64.0.0/16'],
      EnableDnsSupport: true,
      EnableDnsHostnames: true,
    });
    expect(vpc?.subnets[0]).toEqual({
      SubnetId: 'subnet-alpha-a',
      VpcId: 'vpc-1',
      CidrBlock: '10.0.0.0/24',
      AvailabilityZone: 'x-0',
      Tags: { 'kubernetes.io/cluster/alpha': 'shared' },
    });
    expect(vpc?.routeTables).toEqual([
      {
        RouteTableId: 'rtb-1',
        VpcId: 'vpc-1',
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'active' }],
        Associations: [{ SubnetId: 'subnet-alpha-a' }],
      },
    ]);
    expect(vpc?.securityGroups[0]).toEqual({
      GroupId: 'sg-alpha',
      GroupName: 'eks-alpha',
      VpcId: 'vpc-1',
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }] },
      ],
      Tags: { 'kubernetes.io/cluster/alpha': 'owned' },
    });
    expect(vpc?.vpcEndpoints).toEqual([
      {
        VpcEndpointId: 'vpce-1',
        VpcId: 'vpc-1',
        ServiceName: `com.amazonaws.${REGION}.s3`,
        VpcEndpointType: 'Gateway',
        State: 'available',
        RouteTableIds: ['rtb-1'],
      },
    ]);
    expect(vpc?.natGateways).toEqual([
      {
        NatGatewayId: 'nat-1',
        VpcId: 'vpc-1',
        SubnetId: 'subnet-pub',
        State: 'available',
        PublicIps: ['198.51.100.7'],
      },
    ]);
    expect(vpc?.instances).toEqual([
      {
        InstanceId: 'i-1',
        VpcId: 'vpc-1',
        SubnetId: 'subnet-alpha-a',
        InstanceType: 'm5.large',
        State: 'running',
        SecurityGroupIds: ['sg-alpha', 'sg-pods'],
        Tags: { 'eks:cluster-name': 'alpha' },
      },
    ]);
    expect(vpc?.incomplete).toEqual([]);
  });

  it('falls back to the instance SecurityGroups when no network interface lists groups', async () => {
    const region = richRegion();
    region.instances[0]!.NetworkInterfaces = [];
    const snapshot = await collect({ [REGION]: region });
    expect(snapshot.vpcs[0]?.instances[0]?.SecurityGroupIds).toEqual(['sg-ignored-when-enis-known']);
  });

  it('asks EC2 only for pending/running instances carrying a node tag (managed, Auto Mode/Karpenter, self-managed)', async () => {
    await collect({ [REGION]: richRegion() });
    const input = fake!.ec2.commandCalls(DescribeInstancesCommand)[0]!.args[0].input;
    expect(input.Filters).toEqual(
      expect.arrayContaining([
        { Name: 'instance-state-name', Values: ['pending', 'running'] },
        { Name: 'tag-key', Values: ['eks:cluster-name', 'eks:eks-cluster-name', 'kubernetes.io/cluster/*'] },
      ]),
    );
  });
});

describe('collectInventory: pagination and batching', () => {
  it('follows NextToken/nextToken on every paginated call', async () => {
    // Arrange: two of everything, served one item per page.
    const region = richRegion();
    addCluster(region, 'beta', 'vpc-1');
    region.nodegroups.alpha!.push({ nodegroupName: 'ng-2', subnets: [] });
    region.fargateProfiles.alpha!.push({ fargateProfileName: 'fp-2', subnets: [] });
    region.vpcs.push({ VpcId: 'vpc-unrelated' });
    region.routeTables.push({ RouteTableId: 'rtb-2', VpcId: 'vpc-1', Routes: [], Associations: [] });
    region.vpcEndpoints.push({ VpcEndpointId: 'vpce-2', VpcId: 'vpc-1', ServiceName: 'sts' });
    region.natGateways.push({ NatGatewayId: 'nat-2', VpcId: 'vpc-1' });
    region.instances.push({ InstanceId: 'i-2', VpcId: 'vpc-1', Tags: [] });
    region.networkAcls.push(
      { NetworkAclId: 'acl-1', VpcId: 'vpc-1', IsDefault: true, Entries: [], Associations: [] },
      { NetworkAclId: 'acl-2', VpcId: 'vpc-1', IsDefault: false, Entries: [], Associations: [] },
    );
    region.flowLogs.push(
      { FlowLogId: 'fl-1', ResourceId: 'vpc-1', FlowLogStatus: 'ACTIVE', TrafficType: 'ALL' },
      { FlowLogId: 'fl-2', ResourceId: 'vpc-1', FlowLogStatus: 'ACTIVE', TrafficType: 'REJECT' },
    );
    // Act
    const snapshot = await collect({ [REGION]: region }, { pageSize: 1 });
    // Assert: the second page's item is present for every kind of resource.
    const vpc = snapshot.vpcs[0]!;
    expect(snapshot.clusters.map((c) => c.cluster.name)).toEqual(['alpha', 'beta']);
    expect(snapshot.clusters[0]?.nodegroups.map((n) => n.nodegroupName)).toEqual(['ng-1', 'ng-2']);
    expect(snapshot.clusters[0]?.fargateProfiles.map((f) => f.fargateProfileName)).toEqual(['fp-1', 'fp-2']);
    expect(vpc.subnets).toHaveLength(4);
    expect(vpc.routeTables).toHaveLength(2);
    expect(vpc.securityGroups).toHaveLength(2);
    expect(vpc.vpcEndpoints).toHaveLength(2);
    expect(vpc.natGateways).toHaveLength(2);
    expect(vpc.instances).toHaveLength(2);
    expect(vpc.networkAcls).toHaveLength(2);
    expect(vpc.flowLogs).toHaveLength(2);
    expect(snapshot.errors).toEqual([]);
    // One item per page: each call sequence made exactly one request per item (the
    // SDK paginator reuses its input object, so the tokens themselves can't be compared).
    const ec2Calls = ec2CallCounts([
      DescribeSubnetsCommand,
      DescribeRouteTablesCommand,
      DescribeSecurityGroupsCommand,
      DescribeVpcEndpointsCommand,
      DescribeNatGatewaysCommand,
      DescribeInstancesCommand,
      DescribeNetworkAclsCommand,
      DescribeFlowLogsCommand,
    ]);
    expect(ec2Calls).toEqual({
      DescribeSubnetsCommand: 4,
      DescribeRouteTablesCommand: 2,
      DescribeSecurityGroupsCommand: 2,
      DescribeVpcEndpointsCommand: 2,
      DescribeNatGatewaysCommand: 2,
      DescribeInstancesCommand: 2,
      DescribeNetworkAclsCommand: 2,
      DescribeFlowLogsCommand: 2,
    });
    expect(fake!.eks.commandCalls(ListClustersCommand)).toHaveLength(2);
    expect(fake!.eks.commandCalls(ListNodegroupsCommand)).toHaveLength(3); // alpha: 2 pages, beta: 1
    expect(fake!.eks.commandCalls(ListFargateProfilesCommand)).toHaveLength(3);
  });

  it('asks for the largest page each API allows', async () => {
    await collect({ [REGION]: richRegion() });
    const ec2Input = (command: Parameters<FakeAws['ec2']['commandCalls']>[0]) =>
      fake!.ec2.commandCalls(command)[0]!.args[0].input as { MaxResults?: number };
    expect(ec2Input(DescribeSubnetsCommand).MaxResults).toBe(1000);
    expect(ec2Input(DescribeRouteTablesCommand).MaxResults).toBe(100);
    expect(ec2Input(DescribeInstancesCommand).MaxResults).toBe(1000);
    expect(ec2Input(DescribeNetworkAclsCommand).MaxResults).toBe(100);
    expect(ec2Input(DescribeFlowLogsCommand).MaxResults).toBe(1000);
    expect(fake!.eks.commandCalls(ListClustersCommand)[0]!.args[0].input.maxResults).toBe(100);
  });

  it('describes each VPC-level resource once per page for many clusters in 2 VPCs, not once per cluster', async () => {
    // Arrange: 6 clusters spread over 2 VPCs.
    const region = emptyRegion();
    for (let i = 0; i < 6; i++) addCluster(region, `c${i}`, i % 2 === 0 ? 'vpc-even' : 'vpc-odd');
    // Act
    const snapshot = await collect({ [REGION]: region });
    // Assert
    expect(snapshot.clusters).toHaveLength(6);
    expect(snapshot.vpcs.map((v) => [v.vpcId, v.subnets.length])).toEqual([
      ['vpc-even', 6],
      ['vpc-odd', 6],
    ]);
    const subnetCalls = fake!.ec2.commandCalls(DescribeSubnetsCommand);
    expect(subnetCalls).toHaveLength(1);
    expect(subnetCalls[0]!.args[0].input.Filters).toEqual([
      { Name: 'vpc-id', Values: ['vpc-even', 'vpc-odd'] },
    ]);
    const counts = ec2CallCounts([
      DescribeVpcsCommand,
      DescribeRouteTablesCommand,
      DescribeSecurityGroupsCommand,
      DescribeVpcEndpointsCommand,
      DescribeNatGatewaysCommand,
      DescribeInstancesCommand,
      DescribeNetworkAclsCommand,
      DescribeFlowLogsCommand,
      DescribeVpcAttributeCommand,
    ]);
    expect(counts).toEqual({
      DescribeVpcsCommand: 1,
      DescribeRouteTablesCommand: 1,
      DescribeSecurityGroupsCommand: 1,
      DescribeVpcEndpointsCommand: 1,
      DescribeNatGatewaysCommand: 1,
      DescribeInstancesCommand: 1,
      DescribeNetworkAclsCommand: 1,
      DescribeFlowLogsCommand: 1,
      DescribeVpcAttributeCommand: 4, // two attributes per VPC
    });
    expect(fake!.ec2.commandCalls(DescribeNetworkAclsCommand)[0]!.args[0].input.Filters).toEqual([
      { Name: 'vpc-id', Values: ['vpc-even', 'vpc-odd'] },
    ]);
    // A flow log names its resource, not its VPC: the VPC ids are resource ids.
    expect(fake!.ec2.commandCalls(DescribeFlowLogsCommand)[0]!.args[0].input.Filter).toEqual([
      { Name: 'resource-id', Values: ['vpc-even', 'vpc-odd'] },
    ]);
    expect(fake!.eks.commandCalls(ListClustersCommand)).toHaveLength(1);
    expect(fake!.eks.commandCalls(DescribeClusterCommand)).toHaveLength(6);
    expect(fake!.eks.commandCalls(DescribeAddonCommand)).toHaveLength(6);
  });

  it('chunks vpc-id filter values below the EC2 limit of 200 per call', async () => {
    const region = emptyRegion();
    for (let i = 0; i < 200; i++) addCluster(region, `c${i}`, `vpc-${String(i).padStart(3, '0')}`);
    const snapshot = await collect({ [REGION]: region });
    const calls = [
      ...fake!.ec2.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input.Filters ?? []),
      ...fake!.ec2.commandCalls(DescribeNetworkAclsCommand).map((c) => c.args[0].input.Filters ?? []),
      ...fake!.ec2.commandCalls(DescribeFlowLogsCommand).map((c) => c.args[0].input.Filter ?? []),
    ];
    expect(calls).toHaveLength(6);
    for (const filters of calls) {
      expect(filters.reduce((n, f) => n + (f.Values?.length ?? 0), 0)).toBeLessThanOrEqual(200);
    }
    expect(snapshot.vpcs).toHaveLength(200);
    expect(snapshot.vpcs.every((v) => v.subnets.length === 2)).toBe(true);
  });

  it('derives a missing cluster vpcId from its subnets, one batched DescribeSubnets for all such clusters', async () => {
    const region = emptyRegion();
    for (const [name, vpc] of [
      ['a', 'vpc-1'],
      ['b', 'vpc-2'],
      ['c', 'vpc-2'],
    ] as const) {
      const cluster = addCluster(region, name, vpc);
      delete cluster.resourcesVpcConfig!.vpcId;
      delete cluster.resourcesVpcConfig!.clusterSecurityGroupId;
    }
    const snapshot = await collect({ [REGION]: region });
    expect(snapshot.clusters.map((c) => [c.cluster.name, c.vpcId])).toEqual([
      ['a', 'vpc-1'],
      ['b', 'vpc-2'],
      ['c', 'vpc-2'],
    ]);
    const byId = fake!.ec2
      .commandCalls(DescribeSubnetsCommand)
      .filter((c) => c.args[0].input.Filters?.[0]?.Name === 'subnet-id');
    expect(byId).toHaveLength(1);
    expect(snapshot.vpcs.map((v) => v.vpcId)).toEqual(['vpc-1', 'vpc-2']);
  });

  it('reports a cluster whose VPC cannot be determined instead of dropping it silently', async () => {
    const region = emptyRegion();
    const cluster = addCluster(region, 'ghost', 'vpc-1');
    delete cluster.resourcesVpcConfig!.vpcId;
    region.subnets = [];
    const snapshot = await collect({ [REGION]: region });
    expect(snapshot.clusters[0]?.vpcId).toBeUndefined();
    expect(snapshot.errors).toEqual([
      expect.objectContaining({
        region: REGION,
        clusterName: 'ghost',
        part: 'vpc',
        operation: 'DescribeSubnets',
      }),
    ]);
  });
});

describe('collectInventory: failures', () => {
  it('treats a vpc-cni add-on that does not exist as absent, without an error', async () => {
    const region = emptyRegion();
    addCluster(region, 'a', 'vpc-1'); // the fixture answers ResourceNotFoundException for add-ons it lacks
    const snapshot = await collect({ [REGION]: region });
    expect(snapshot.clusters[0]?.vpcCni).toEqual({ state: 'absent' });
    expect(snapshot.errors).toEqual([]);
  });

  it('treats a bare HTTP 404 on DescribeAddon (emulators without the add-on API) as absent', async () => {
    const region = emptyRegion();
    addCluster(region, 'a', 'vpc-1');
    fake = fakeAws({ [REGION]: region });
    fake.eks.on(DescribeAddonCommand).rejects(errors.bare404());
    const snapshot = await collectInventory(fake.clients, { regions: [REGION], now: () => FIXED_NOW });
    expect(snapshot.clusters[0]?.vpcCni).toEqual({ state: 'absent' });
    expect(snapshot.errors).toEqual([]);
  });

  it('marks vpc-cni unknown and incomplete, with an error entry, when DescribeAddon is denied', async () => {
    const region = emptyRegion();
    addCluster(region, 'a', 'vpc-1');
    fake = fakeAws({ [REGION]: region });
    fake.eks.on(DescribeAddonCommand).rejects(errors.accessDenied('no eks:DescribeAddon'));
    const snapshot = await collectInventory(fake.clients, { regions: [REGION], now: () => FIXED_NOW });
    expect(snapshot.clusters[0]?.vpcCni).toEqual({
      state: 'unknown',
      error: 'AccessDeniedException: no eks:DescribeAddon',
    });
    expect(snapshot.clusters[0]?.incomplete).toEqual(['vpcCni']);
    expect(snapshot.errors).toEqual([
      {
        region: REGION,
        operation: 'DescribeAddon',
        clusterName: 'a',
        part: 'vpcCni',
        message: 'AccessDeniedException: no eks:DescribeAddon',
      },
    ]);
  });

  it('marks securityGroups incomplete on the VPC whose DescribeSecurityGroups failed, and keeps the rest', async () => {
    const region = richRegion();
    fake = fakeAws({ [REGION]: region });
    fake.ec2.on(DescribeSecurityGroupsCommand).rejects(errors.unauthorized());
    const snapshot = await collectInventory(fake.clients, { regions: [REGION], now: () => FIXED_NOW });
    const vpc = snapshot.vpcs[0]!;
    expect(vpc.incomplete).toEqual(['securityGroups']);
    expect(vpc.securityGroups).toEqual([]);
    expect(vpc.subnets).toHaveLength(2);
    expect(snapshot.errors).toEqual([
      {
        region: REGION,
        operation: 'DescribeSecurityGroups',
        vpcId: 'vpc-1',
        part: 'securityGroups',
        message: 'UnauthorizedOperation: You are not authorized to perform this operation.',
      },
    ]);
  });

  it('drops a cluster deleted between ListClusters and DescribeCluster, without an error', async () => {
    const region = emptyRegion();
    addCluster(region, 'stays', 'vpc-1');
    fake = fakeAws({ [REGION]: region });
    fake.eks.on(ListClustersCommand).resolves({ clusters: ['gone', 'stays'] });
    const snapshot = await collectInventory(fake.clients, { regions: [REGION], now: () => FIXED_NOW });
    expect(snapshot.clusters.map((c) => c.cluster.name)).toEqual(['stays']);
    expect(snapshot.errors).toEqual([]);
  });

  it('records a DescribeCluster failure other than not-found as a cluster error', async () => {
    const region = emptyRegion();
    addCluster(region, 'a', 'vpc-1');
    fake = fakeAws({ [REGION]: region });
    fake.eks.on(DescribeClusterCommand).rejects(errors.accessDenied());
    const snapshot = await collectInventory(fake.clients, { regions: [REGION], now: () => FIXED_NOW });
    expect(snapshot.clusters).toEqual([]);
    expect(snapshot.errors).toEqual([
      expect.objectContaining({ operation: 'DescribeCluster', clusterName: 'a', part: 'cluster' }),
    ]);
  });

  it('tolerates a node group whose remote-access security group was deleted', async () => {
    const region = richRegion(); // ng-1 references sg-remote, which does not exist
    const snapshot = await collect({ [REGION]: region });
    expect(snapshot.clusters[0]?.nodegroups[0]?.resources).toEqual({
      remoteAccessSecurityGroup: 'sg-remote',
    });
    expect(snapshot.vpcs[0]?.securityGroups.map((g) => g.GroupId)).not.toContain('sg-remote');
    expect(snapshot.errors).toEqual([]);
  });

  it('drops a node group deleted between ListNodegroups and DescribeNodegroup', async () => {
    const region = richRegion();
    fake = fakeAws({ [REGION]: region });
    fake.eks.on(ListNodegroupsCommand).resolves({ nodegroups: ['ng-1', 'ng-deleted'] });
    const snapshot = await collectInventory(fake.clients, { regions: [REGION], now: () => FIXED_NOW });
    expect(snapshot.clusters[0]?.nodegroups.map((n) => n.nodegroupName)).toEqual(['ng-1']);
    expect(snapshot.clusters[0]?.incomplete).toEqual([]);
    expect(snapshot.errors).toEqual([]);
  });

  it('marks nodegroups and fargateProfiles incomplete when their list or describe calls fail', async () => {
    const region = richRegion();
    fake = fakeAws({ [REGION]: region });
    fake.eks.on(ListNodegroupsCommand).rejects(errors.accessDenied());
    fake.eks.on(DescribeFargateProfileCommand).rejects(errors.accessDenied());
    const snapshot = await collectInventory(fake.clients, { regions: [REGION], now: () => FIXED_NOW });
    expect(snapshot.clusters[0]?.incomplete.sort()).toEqual(['fargateProfiles', 'nodegroups']);
    expect(snapshot.errors.map((e) => [e.operation, e.part])).toEqual(
      expect.arrayContaining([
        ['ListNodegroups', 'nodegroups'],
        ['DescribeFargateProfile', 'fargateProfiles'],
      ]),
    );
    expect(fake.eks.commandCalls(DescribeNodegroupCommand)).toHaveLength(0);
  });

  it('keeps collecting other regions when ListClusters fails in one, recording a region-wide error', async () => {
    const healthy = emptyRegion();
    addCluster(healthy, 'ok', 'vpc-1');
    fake = fakeAws({ 'eu-west-1': healthy, 'us-east-2': emptyRegion() });
    fake.eks
      .on(ListClustersCommand)
      .callsFake(async (_input, getClient) =>
        (await getClient().config.region()) === 'us-east-2'
          ? Promise.reject(errors.accessDenied())
          : { clusters: ['ok'] },
      );
    const snapshot = await collectInventory(fake.clients, {
      regions: ['eu-west-1', 'us-east-2'],
      now: () => FIXED_NOW,
    });
    expect(snapshot.clusters.map((c) => `${c.region}/${c.cluster.name}`)).toEqual(['eu-west-1/ok']);
    expect(snapshot.errors).toEqual([
      { region: 'us-east-2', operation: 'ListClusters', message: 'AccessDeniedException: not authorized' },
    ]);
  });

  it('lists every cluster when clusterNames is an empty list', async () => {
    const region = emptyRegion();
    addCluster(region, 'a', 'vpc-1');
    fake = fakeAws({ [REGION]: region });
    const snapshot = await collectInventory(fake.clients, {
      regions: [REGION],
      clusterNames: [],
      now: () => FIXED_NOW,
    });
    expect(snapshot.clusters.map((c) => c.cluster.name)).toEqual(['a']);
    expect(fake.eks.commandCalls(ListClustersCommand)).toHaveLength(1);
  });

  it('contains an unexpected failure inside one region and still collects the others', async () => {
    const broken = emptyRegion();
    addCluster(broken, 'b', 'vpc-b');
    const healthy = emptyRegion();
    addCluster(healthy, 'h', 'vpc-h');
    fake = fakeAws({ 'eu-west-1': broken, 'eu-west-2': healthy });
    fake.ec2.on(DescribeSubnetsCommand).callsFake(async (_input, getClient) => {
      if ((await getClient().config.region()) === 'eu-west-1') return { Subnets: [null] }; // malformed answer
      return { Subnets: healthy.subnets };
    });
    const snapshot = await collectInventory(fake.clients, {
      regions: ['eu-west-1', 'eu-west-2'],
      now: () => FIXED_NOW,
    });
    expect(snapshot.clusters.map((c) => c.cluster.name)).toEqual(['h']);
    expect(snapshot.vpcs.map((v) => [v.vpcId, v.subnets.length])).toEqual([['vpc-h', 2]]);
    expect(snapshot.errors).toEqual([
      expect.objectContaining({ region: 'eu-west-1', operation: 'CollectRegion' }),
    ]);
  });

  it('never has more AWS calls in flight than the concurrency option', async () => {
    const region = emptyRegion();
    for (let i = 0; i < 10; i++) addCluster(region, `c${i}`, 'vpc-1');
    fake = fakeAws({ [REGION]: region });
    let inFlight = 0;
    let peak = 0;
    fake.eks.on(DescribeClusterCommand).callsFake(async (input: { name: string }) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return { cluster: region.clusters.find((c) => c.name === input.name) };
    });
    const snapshot = await collectInventory(fake.clients, {
      regions: [REGION],
      concurrency: 2,
      now: () => FIXED_NOW,
    });
    expect(snapshot.clusters).toHaveLength(10);
    expect(peak).toBe(2);
  });

  it('describes only the named clusters, without ListClusters, when clusterNames is given', async () => {
    const region = emptyRegion();
    addCluster(region, 'a', 'vpc-1');
    addCluster(region, 'b', 'vpc-1');
    fake = fakeAws({ [REGION]: region });
    const snapshot = await collectInventory(fake.clients, {
      regions: [REGION],
      clusterNames: ['b', 'missing'],
      now: () => FIXED_NOW,
    });
    expect(snapshot.clusters.map((c) => c.cluster.name)).toEqual(['b']);
    expect(fake.eks.commandCalls(ListClustersCommand)).toHaveLength(0);
    expect(snapshot.errors).toEqual([]);
  });
});

describe('collectInventory: account and credentials', () => {
  it('skips STS when the account id is given', async () => {
    const region = emptyRegion();
    fake = fakeAws({ [REGION]: region });
    const snapshot = await collectInventory(fake.clients, {
      regions: [REGION],
      accountId: '999988887777',
      now: () => FIXED_NOW,
    });
    expect(snapshot.accountId).toBe('999988887777');
    expect(fake.sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });

  it('raises AwsCredentialsError (one line, with cause) when STS rejects the credentials', async () => {
    fake = fakeAws({ [REGION]: emptyRegion() });
    const rejection = errors.invalidToken();
    fake.sts.on(GetCallerIdentityCommand).rejects(rejection);
    const error = await collectInventory(fake.clients, { regions: [REGION], now: () => FIXED_NOW }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(AwsCredentialsError);
    expect(error.message).toBe(
      'no AWS credentials: InvalidClientTokenId: The security token included in the request is invalid.',
    );
    expect(error.message).not.toContain('\n');
    expect(error.cause).toBe(rejection);
  });

  it('raises AwsCredentialsError when no credentials can be loaded, even with the account id given', async () => {
    fake = fakeAws({ [REGION]: emptyRegion() });
    fake.eks.on(ListClustersCommand).rejects(errors.noCredentials());
    const error = await collectInventory(fake.clients, {
      regions: [REGION],
      accountId: ACCOUNT_ID,
      now: () => FIXED_NOW,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(AwsCredentialsError);
    expect(error.message).toMatch(
      /^no AWS credentials: CredentialsProviderError: Could not load credentials/,
    );
  });

  it.each([
    [{ regions: [] }, 'invalid collect option regions: at least one region is required'],
    [
      { regions: ['Europe'] },
      'invalid collect option regions.0: must be an AWS region name such as eu-west-1',
    ],
    [{ regions: [REGION], concurrency: 0 }, 'invalid collect option concurrency'],
    [
      { regions: [REGION], accountId: '12' },
      'invalid collect option accountId: must be a 12-digit AWS account id',
    ],
  ])(
    'rejects bad options %j with a one-line CollectOptionsError naming the option',
    async (options, message) => {
      fake = fakeAws({ [REGION]: emptyRegion() });
      const error = await collectInventory(fake.clients, { ...options, now: () => FIXED_NOW }).catch(
        (e) => e,
      );
      expect(error).toBeInstanceOf(CollectOptionsError);
      expect(error.message.startsWith(message)).toBe(true);
      expect(fake.sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
    },
  );
});
