import { StopInstancesCommand } from '@aws-sdk/client-ec2';
import { beforeAll, expect, it } from 'vitest';
import type { AwsClients } from '../../functions/adapters/aws-clients.ts';
import { collectInventory } from '../../functions/adapters/inventory-collector.ts';
import type { Snapshot } from '../../functions/core/snapshot.ts';
import {
  buildSampleAccount,
  createCluster,
  createNodegroup,
  describeWithMoto,
  MOTO_ACCOUNT_ID,
  motoClients,
  runInstance,
  type SampleAccount,
  uniqueName,
} from './moto.ts';

// A region no other integration file uses, so a shared moto keeps our resources apart.
const REGION = 'eu-west-3';
const NOW = new Date('2026-04-01T08:00:00.000Z');
// A well-formed group id that was never created: a source group deleted since.
const DELETED_GROUP = 'sg-0dead0000beef0001';

describeWithMoto('collectInventory against moto', (endpoint) => {
  let clients: AwsClients;
  let account: SampleAccount;
  let siblingCluster: string;
  let untaggedInstance: string;
  let stoppedInstance: string;
  let snapshot: Snapshot;
  let sshNodegroup: string;

  beforeAll(async () => {
    clients = motoClients(endpoint);
    account = await buildSampleAccount(clients, REGION);
    // A second cluster in the same VPC: its VPC resources must be fetched once, not twice.
    siblingCluster = uniqueName('sibling');
    await createCluster(clients.eks(REGION), { name: siblingCluster, subnetIds: account.privateSubnetIds });
    const ec2 = clients.ec2(REGION);
    untaggedInstance = await runInstance(ec2, {
      subnetId: account.privateSubnetIds[1],
      securityGroupIds: [account.nodeSecurityGroupId],
      tags: { Name: 'not-a-node' },
    });
    stoppedInstance = await runInstance(ec2, {
      subnetId: account.privateSubnetIds[1],
      securityGroupIds: [account.nodeSecurityGroupId],
      tags: { 'eks:cluster-name': account.clusterName },
    });
    await ec2.send(new StopInstancesCommand({ InstanceIds: [stoppedInstance] }));
    sshNodegroup = uniqueName('ssh');
    await createNodegroup(clients.eks(REGION), {
      clusterName: account.clusterName,
      name: sshNodegroup,
      subnetIds: account.privateSubnetIds,
      remoteAccess: { ec2SshKey: 'ops-key', sourceSecurityGroups: [DELETED_GROUP] },
    });
    snapshot = await collectInventory(clients, { regions: [REGION], now: () => NOW });
  });

  it('reads the account id from STS and stamps the scan time', () => {
    expect(snapshot).toMatchObject({
      schemaVersion: 1,
      accountId: MOTO_ACCOUNT_ID,
      scannedAt: NOW.toISOString(),
    });
    expect(snapshot.errors).toEqual([]);
  });

  it('collects the cluster with its node group, Fargate profile and the VPC derived from its subnets', () => {
    const cluster = snapshot.clusters.find((c) => c.cluster.name === account.clusterName);
    expect(cluster).toMatchObject({
      region: REGION,
      vpcId: account.vpcId, // moto omits resourcesVpcConfig.vpcId: derived from the subnets
      cluster: {
        arn: account.clusterArn,
        resourcesVpcConfig: {
          subnetIds: account.privateSubnetIds,
          securityGroupIds: [account.clusterSecurityGroupId],
          endpointPublicAccess: true,
          endpointPrivateAccess: true,
          publicAccessCidrs: ['203.0.113.0/24'],
        },
      },
      nodegroups: expect.arrayContaining([
        expect.objectContaining({ nodegroupName: account.nodegroupName, subnets: account.privateSubnetIds }),
      ]),
      fargateProfiles: [
        { fargateProfileName: account.fargateProfileName, subnets: account.privateSubnetIds },
      ],
      // moto has no add-on API and answers a bare 404: no add-on, defaults.
      vpcCni: { state: 'absent' },
      incomplete: [],
    });
  });

  it('collects the shared VPC once for both clusters, with DNS attributes and associated CIDRs', () => {
    const vpcs = snapshot.vpcs.filter((v) => v.vpcId === account.vpcId);
    expect(vpcs).toHaveLength(1);
    expect(snapshot.clusters.find((c) => c.cluster.name === siblingCluster)?.vpcId).toBe(account.vpcId);
    expect(vpcs[0]?.vpc).toEqual({
      VpcId: account.vpcId,
      CidrBlock: '10.20.0.0/16',
      CidrBlocks: ['10.20.0.0/16'],
      EnableDnsSupport: true,
      EnableDnsHostnames: true,
    });
    expect(vpcs[0]?.incomplete).toEqual([]);
  });

  it('maps subnets with tags, AZs and public-IP auto-assignment', () => {
    const vpc = snapshot.vpcs.find((v) => v.vpcId === account.vpcId)!;
    const publicSubnet = vpc.subnets.find((s) => s.SubnetId === account.publicSubnetId);
    expect(publicSubnet).toMatchObject({
      CidrBlock: '10.20.0.0/24',
      AvailabilityZone: `${REGION}a`,
      MapPublicIpOnLaunch: true,
      Tags: { 'kubernetes.io/role/elb': '1' },
    });
    const privateSubnet = vpc.subnets.find((s) => s.SubnetId === account.privateSubnetIds[1]);
    expect(privateSubnet).toMatchObject({
      AvailabilityZone: `${REGION}b`,
      MapPublicIpOnLaunch: false,
      Tags: {
        [`kubernetes.io/cluster/${account.clusterName}`]: 'shared',
        'kubernetes.io/role/internal-elb': '1',
      },
    });
    expect(vpc.subnets).toHaveLength(3);
  });

  it('maps route tables: main table, IGW route on the public table, NAT route on the private one', () => {
    const vpc = snapshot.vpcs.find((v) => v.vpcId === account.vpcId)!;
    expect(vpc.routeTables.filter((t) => t.Associations.some((a) => a.Main))).toHaveLength(1);
    const publicTable = vpc.routeTables.find((t) => t.RouteTableId === account.publicRouteTableId);
    expect(publicTable?.Routes).toContainEqual(
      expect.objectContaining({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: account.internetGatewayId }),
    );
    expect(publicTable?.Associations).toEqual([
      expect.objectContaining({ SubnetId: account.publicSubnetId }),
    ]);
    const privateTable = vpc.routeTables.find((t) => t.RouteTableId === account.privateRouteTableId);
    expect(privateTable?.Routes).toContainEqual(
      expect.objectContaining({ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: account.natGatewayId }),
    );
    expect(privateTable?.Associations.map((a) => a.SubnetId).sort()).toEqual(
      [...account.privateSubnetIds].sort(),
    );
  });

  it('maps the NAT gateway public IP and the S3 gateway endpoint', () => {
    const vpc = snapshot.vpcs.find((v) => v.vpcId === account.vpcId)!;
    expect(vpc.natGateways).toEqual([
      expect.objectContaining({
        NatGatewayId: account.natGatewayId,
        SubnetId: account.publicSubnetId,
        PublicIps: [account.natPublicIp],
      }),
    ]);
    expect(vpc.vpcEndpoints).toEqual([
      expect.objectContaining({
        VpcEndpointId: account.s3EndpointId,
        ServiceName: `com.amazonaws.${REGION}.s3`,
        VpcEndpointType: 'Gateway',
        RouteTableIds: [account.privateRouteTableId],
      }),
    ]);
  });

  it('maps security group ingress rules and tags', () => {
    const vpc = snapshot.vpcs.find((v) => v.vpcId === account.vpcId)!;
    const clusterSg = vpc.securityGroups.find((g) => g.GroupId === account.clusterSecurityGroupId);
    expect(clusterSg?.IpPermissions).toEqual([
      { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: account.clusterSecurityGroupId }] },
    ]);
    const nodeSg = vpc.securityGroups.find((g) => g.GroupId === account.nodeSecurityGroupId);
    expect(nodeSg?.Tags).toEqual({ [`kubernetes.io/cluster/${account.clusterName}`]: 'owned' });
    expect(nodeSg?.IpPermissions).toEqual(
      expect.arrayContaining([
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        {
          IpProtocol: 'tcp',
          FromPort: 10250,
          ToPort: 10250,
          UserIdGroupPairs: [{ GroupId: account.clusterSecurityGroupId }],
        },
      ]),
    );
  });

  it('keeps only running/pending instances tagged as EKS nodes', () => {
    const vpc = snapshot.vpcs.find((v) => v.vpcId === account.vpcId)!;
    const ids = vpc.instances.map((i) => i.InstanceId);
    expect(ids).toEqual([account.instanceId]);
    expect(ids).not.toContain(untaggedInstance);
    expect(ids).not.toContain(stoppedInstance);
    expect(vpc.instances[0]).toMatchObject({
      SubnetId: account.privateSubnetIds[0],
      State: 'running',
      SecurityGroupIds: [account.nodeSecurityGroupId],
      Tags: { 'eks:cluster-name': account.clusterName },
    });
  });

  it('drops the remote access moto invents for a node group created without SSH', () => {
    const nodegroup = snapshot.clusters.find((c) => c.cluster.name === account.clusterName)?.nodegroups[0];
    expect(nodegroup?.remoteAccess).toBeUndefined();
    expect(nodegroup?.resources?.remoteAccessSecurityGroup).toBeUndefined();
  });

  it('keeps requested SSH access whose source and remote-access groups do not exist, without an error', () => {
    // The "deleted group" case: the source group id was never created, and moto's
    // remote-access group id names no group either. Both stay visible for the rules.
    const cluster = snapshot.clusters.find((c) => c.cluster.name === account.clusterName);
    const ssh = cluster?.nodegroups.find((n) => n.nodegroupName === sshNodegroup);
    const vpc = snapshot.vpcs.find((v) => v.vpcId === account.vpcId)!;
    expect(ssh?.remoteAccess).toEqual({ ec2SshKey: 'ops-key', sourceSecurityGroups: [DELETED_GROUP] });
    expect(vpc.securityGroups.map((g) => g.GroupId)).not.toContain(DELETED_GROUP);
    expect(snapshot.errors).toEqual([]);
  });

  it('collects only the named clusters when clusterNames is given; an unknown name is skipped', async () => {
    const scoped = await collectInventory(clients, {
      regions: [REGION],
      clusterNames: [siblingCluster, 'no-such-cluster'],
      accountId: MOTO_ACCOUNT_ID,
      now: () => NOW,
    });
    expect(scoped.clusters.map((c) => c.cluster.name)).toEqual([siblingCluster]);
    expect(scoped.vpcs.map((v) => v.vpcId)).toEqual([account.vpcId]);
    expect(scoped.errors).toEqual([]);
  });
});
