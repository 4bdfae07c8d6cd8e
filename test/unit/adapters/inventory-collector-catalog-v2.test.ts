/**
 * The collector's catalog-v2 inventory (RULES.md version 2): cluster network, compute and
 * remote-network config, subnet IPv6, node public IPs and metadata options, security-group
 * egress, network ACLs and VPC flow logs — each mapped from the real API answer shape
 * (what moto cannot emulate is covered here), and their failures kept per VPC.
 */
import { DescribeFlowLogsCommand, DescribeNetworkAclsCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
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

function collect(regions: Record<string, FakeRegion>) {
  fake = fakeAws(regions);
  return collectInventory(fake.clients, { regions: Object.keys(regions), now: () => FIXED_NOW });
}

describe('collectInventory: catalog v2 inventory', () => {
  it('maps the network, compute and remote-network config of an Auto Mode hybrid cluster, as DescribeCluster answers it', async () => {
    // Arrange: the real DescribeCluster shape (fields the rules do not read included).
    const region = emptyRegion();
    addCluster(region, 'auto', 'vpc-1', {
      version: '1.32',
      kubernetesNetworkConfig: {
        serviceIpv4Cidr: '172.20.0.0/16',
        ipFamily: 'ipv4',
        elasticLoadBalancing: { enabled: true },
      },
      computeConfig: {
        enabled: true,
        nodePools: ['general-purpose', 'system'],
        nodeRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/AmazonEKSAutoNodeRole`,
      },
      remoteNetworkConfig: {
        remoteNodeNetworks: [{ cidrs: ['10.80.0.0/16', '10.81.0.0/16'] }],
        remotePodNetworks: [{ cidrs: ['10.85.0.0/16'] }],
      },
    });
    // Act
    const snapshot = await collect({ [REGION]: region });
    // Assert
    const cluster = snapshot.clusters[0]!.cluster;
    expect(cluster.version).toBe('1.32');
    expect(cluster.kubernetesNetworkConfig).toEqual({ serviceIpv4Cidr: '172.20.0.0/16', ipFamily: 'ipv4' });
    expect(cluster.computeConfig).toEqual({
      enabled: true,
      nodePools: ['general-purpose', 'system'],
      nodeRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/AmazonEKSAutoNodeRole`,
    });
    expect(cluster.remoteNetworkConfig).toEqual({
      remoteNodeNetworks: [{ cidrs: ['10.80.0.0/16', '10.81.0.0/16'] }],
      remotePodNetworks: [{ cidrs: ['10.85.0.0/16'] }],
    });
  });

  it('maps an IPv6 cluster and leaves out config blocks EKS did not answer', async () => {
    const region = emptyRegion();
    addCluster(region, 'six', 'vpc-1', {
      kubernetesNetworkConfig: { serviceIpv6Cidr: 'fd30:1c53:5f8a::/108', ipFamily: 'ipv6' },
    });
    addCluster(region, 'plain', 'vpc-1');
    const snapshot = await collect({ [REGION]: region });
    const [plain, six] = snapshot.clusters.map((c) => c.cluster);
    expect(six?.kubernetesNetworkConfig).toEqual({
      serviceIpv6Cidr: 'fd30:1c53:5f8a::/108',
      ipFamily: 'ipv6',
    });
    expect(plain).not.toHaveProperty('kubernetesNetworkConfig');
    expect(plain).not.toHaveProperty('computeConfig');
    expect(plain).not.toHaveProperty('remoteNetworkConfig');
  });

  it('keeps only subnet IPv6 blocks in state associated, and the IPv6 auto-assign flag', async () => {
    // Arrange: every association state EC2 reports, on one subnet.
    const region = emptyRegion();
    addCluster(region, 'a', 'vpc-1');
    const assoc = (block: string, state: string) => ({
      AssociationId: `subnet-cidr-assoc-${state}`,
      Ipv6CidrBlock: block,
      Ipv6CidrBlockState: { State: state as 'associated' },
    });
    Object.assign(region.subnets[0]!, {
      AssignIpv6AddressOnCreation: true,
      Ipv6CidrBlockAssociationSet: [
        assoc('2001:db8:0:1::/64', 'associated'),
        assoc('2001:db8:0:2::/64', 'associating'),
        assoc('2001:db8:0:3::/64', 'disassociating'),
        assoc('2001:db8:0:4::/64', 'disassociated'),
        assoc('2001:db8:0:5::/64', 'failed'),
      ],
    });
    Object.assign(region.subnets[1]!, {
      AssignIpv6AddressOnCreation: false,
      Ipv6CidrBlockAssociationSet: [assoc('2001:db8:0:6::/64', 'disassociated')],
    });
    // Act
    const snapshot = await collect({ [REGION]: region });
    // Assert
    const [first, second] = snapshot.vpcs[0]!.subnets;
    expect(first).toMatchObject({
      AssignIpv6AddressOnCreation: true,
      Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2001:db8:0:1::/64' }],
    });
    expect(second?.AssignIpv6AddressOnCreation).toBe(false);
    expect(second).not.toHaveProperty('Ipv6CidrBlockAssociationSet');
  });

  it("reads moto's Python-dict association state (\"{'State': 'associated'}\") as the state inside it", async () => {
    const region = emptyRegion();
    addCluster(region, 'a', 'vpc-1');
    region.subnets[0]!.Ipv6CidrBlockAssociationSet = [
      {
        Ipv6CidrBlock: '2001:db8::/64',
        Ipv6CidrBlockState: { State: "{'State': 'associated'}" as 'associated' },
      },
      {
        Ipv6CidrBlock: '2001:db8:1::/64',
        Ipv6CidrBlockState: { State: "{'State': 'disassociated'}" as 'associated' },
      },
    ];
    const snapshot = await collect({ [REGION]: region });
    expect(snapshot.vpcs[0]!.subnets[0]!.Ipv6CidrBlockAssociationSet).toEqual([
      { Ipv6CidrBlock: '2001:db8::/64' },
    ]);
  });

  it('maps node public IPv4 addresses and metadata options, keeping only the three options the rules read', async () => {
    const region = richRegion();
    Object.assign(region.instances[0]!, {
      PublicIpAddress: '203.0.113.10',
      MetadataOptions: {
        State: 'applied',
        HttpTokens: 'optional',
        HttpPutResponseHopLimit: 2,
        HttpEndpoint: 'enabled',
        HttpProtocolIpv6: 'disabled',
        InstanceMetadataTags: 'disabled',
      },
    });
    region.instances.push({
      InstanceId: 'i-2',
      VpcId: 'vpc-1',
      SubnetId: 'subnet-alpha-b',
      State: { Name: 'running' },
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'disabled' },
      Tags: [{ Key: 'eks:eks-cluster-name', Value: 'alpha' }],
    });
    const snapshot = await collect({ [REGION]: region });
    const [withIp, without] = snapshot.vpcs[0]!.instances;
    expect(withIp).toMatchObject({
      PublicIpAddress: '203.0.113.10',
      MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' },
    });
    expect(withIp?.MetadataOptions).toEqual({
      HttpTokens: 'optional',
      HttpPutResponseHopLimit: 2,
      HttpEndpoint: 'enabled',
    });
    expect(without).not.toHaveProperty('PublicIpAddress');
    expect(without?.MetadataOptions).toEqual({
      HttpTokens: 'required',
      HttpPutResponseHopLimit: 1,
      HttpEndpoint: 'disabled',
    });
    expect(without?.Tags).toEqual({ 'eks:eks-cluster-name': 'alpha' });
  });

  it('maps egress rules; an empty egress list stays empty and a missing one stays unknown', async () => {
    const region = richRegion();
    region.securityGroups[0]!.IpPermissionsEgress = [
      {
        IpProtocol: 'tcp',
        FromPort: 10250,
        ToPort: 10250,
        IpRanges: [{ CidrIp: '10.80.0.0/16', Description: 'hybrid nodes' }],
        Ipv6Ranges: [],
        UserIdGroupPairs: [],
        PrefixListIds: [],
      },
    ];
    region.securityGroups.push(
      { GroupId: 'sg-none-out', VpcId: 'vpc-1', IpPermissions: [], IpPermissionsEgress: [] },
      { GroupId: 'sg-unknown-out', VpcId: 'vpc-1', IpPermissions: [] },
    );
    const snapshot = await collect({ [REGION]: region });
    const byId = new Map(snapshot.vpcs[0]!.securityGroups.map((g) => [g.GroupId, g]));
    expect(byId.get('sg-alpha')?.IpPermissionsEgress).toEqual([
      { IpProtocol: 'tcp', FromPort: 10250, ToPort: 10250, IpRanges: [{ CidrIp: '10.80.0.0/16' }] },
    ]);
    expect(byId.get('sg-none-out')?.IpPermissionsEgress).toEqual([]);
    expect(byId.get('sg-unknown-out')).not.toHaveProperty('IpPermissionsEgress');
  });

  it('maps network ACLs with every entry (the * rule 32767 included), ports and subnet associations', async () => {
    // Arrange: the DescribeNetworkAcls shape of a default ACL and a custom one.
    const region = richRegion();
    region.networkAcls.push(
      {
        NetworkAclId: 'acl-custom',
        VpcId: 'vpc-1',
        IsDefault: false,
        OwnerId: ACCOUNT_ID,
        Tags: [{ Key: 'Name', Value: 'nodes' }],
        Associations: [
          { NetworkAclAssociationId: 'aclassoc-1', NetworkAclId: 'acl-custom', SubnetId: 'subnet-alpha-a' },
        ],
        Entries: [
          {
            RuleNumber: 100,
            Protocol: '6',
            RuleAction: 'allow',
            Egress: false,
            CidrBlock: '10.0.0.0/16',
            PortRange: { From: 443, To: 443 },
          },
          {
            RuleNumber: 110,
            Protocol: '6',
            RuleAction: 'deny',
            Egress: false,
            Ipv6CidrBlock: '::/0',
            PortRange: { From: 10250, To: 10250 },
          },
          { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' },
          {
            RuleNumber: 120,
            Protocol: '17',
            RuleAction: 'allow',
            Egress: true,
            CidrBlock: '0.0.0.0/0',
            PortRange: { From: 53, To: 53 },
          },
        ],
      },
      {
        NetworkAclId: 'acl-default',
        VpcId: 'vpc-1',
        IsDefault: true,
        Associations: [
          { NetworkAclAssociationId: 'aclassoc-2', NetworkAclId: 'acl-default', SubnetId: 'subnet-alpha-b' },
        ],
        Entries: [
          { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
        ],
      },
    );
    // Act
    const snapshot = await collect({ [REGION]: region });
    // Assert: sorted by id, only declared fields, entries in the API's order.
    expect(snapshot.vpcs[0]!.networkAcls).toEqual([
      {
        NetworkAclId: 'acl-custom',
        VpcId: 'vpc-1',
        IsDefault: false,
        Associations: [{ SubnetId: 'subnet-alpha-a' }],
        Entries: [
          {
            RuleNumber: 100,
            Protocol: '6',
            RuleAction: 'allow',
            Egress: false,
            CidrBlock: '10.0.0.0/16',
            PortRange: { From: 443, To: 443 },
          },
          {
            RuleNumber: 110,
            Protocol: '6',
            RuleAction: 'deny',
            Egress: false,
            Ipv6CidrBlock: '::/0',
            PortRange: { From: 10250, To: 10250 },
          },
          { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' },
          {
            RuleNumber: 120,
            Protocol: '17',
            RuleAction: 'allow',
            Egress: true,
            CidrBlock: '0.0.0.0/0',
            PortRange: { From: 53, To: 53 },
          },
        ],
      },
      {
        NetworkAclId: 'acl-default',
        VpcId: 'vpc-1',
        IsDefault: true,
        Associations: [{ SubnetId: 'subnet-alpha-b' }],
        Entries: [
          { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
        ],
      },
    ]);
    expect(snapshot.vpcs[0]!.incomplete).toEqual([]);
  });

  it('keeps the flow logs of each cluster VPC, with status and traffic type, and places them by resource id', async () => {
    const region = emptyRegion();
    addCluster(region, 'a', 'vpc-1');
    addCluster(region, 'b', 'vpc-2');
    region.flowLogs.push(
      {
        FlowLogId: 'fl-1',
        ResourceId: 'vpc-1',
        FlowLogStatus: 'ACTIVE',
        TrafficType: 'REJECT',
        DeliverLogsStatus: 'SUCCESS',
        LogDestinationType: 'cloud-watch-logs',
        LogGroupName: 'vpc-flow',
        CreationTime: new Date('2026-01-01T00:00:00Z'),
      },
      { FlowLogId: 'fl-2', ResourceId: 'subnet-a-a', FlowLogStatus: 'ACTIVE', TrafficType: 'ALL' },
      { FlowLogId: 'fl-3', ResourceId: 'vpc-other', FlowLogStatus: 'ACTIVE', TrafficType: 'ALL' },
    );
    const snapshot = await collect({ [REGION]: region });
    const byVpc = Object.fromEntries(snapshot.vpcs.map((v) => [v.vpcId, v.flowLogs]));
    expect(byVpc).toEqual({
      'vpc-1': [
        {
          FlowLogId: 'fl-1',
          ResourceId: 'vpc-1',
          FlowLogStatus: 'ACTIVE',
          TrafficType: 'REJECT',
          DeliverLogsStatus: 'SUCCESS',
        },
      ],
      'vpc-2': [],
    });
  });

  it.each([
    ['DescribeNetworkAcls', DescribeNetworkAclsCommand, 'networkAcls'],
    ['DescribeFlowLogs', DescribeFlowLogsCommand, 'flowLogs'],
  ] as const)(
    'marks %s denied as that part incomplete for the VPC, with an error entry, and keeps the rest',
    async (operation, command, part) => {
      const region = richRegion();
      region.networkAcls.push({
        NetworkAclId: 'acl-1',
        VpcId: 'vpc-1',
        IsDefault: true,
        Entries: [],
        Associations: [],
      });
      region.flowLogs.push({
        FlowLogId: 'fl-1',
        ResourceId: 'vpc-1',
        FlowLogStatus: 'ACTIVE',
        TrafficType: 'ALL',
      });
      fake = fakeAws({ [REGION]: region });
      fake.ec2.on(command).rejects(errors.unauthorized());
      const snapshot = await collectInventory(fake.clients, { regions: [REGION], now: () => FIXED_NOW });
      const vpc = snapshot.vpcs[0]!;
      expect(vpc.incomplete).toEqual([part]);
      expect(vpc[part]).toEqual([]);
      expect(vpc.subnets).toHaveLength(2);
      expect(vpc.networkAcls.length + vpc.flowLogs.length).toBe(1);
      expect(snapshot.errors).toEqual([
        {
          region: REGION,
          operation,
          vpcId: 'vpc-1',
          part,
          message: 'UnauthorizedOperation: You are not authorized to perform this operation.',
        },
      ]);
    },
  );
});
