/**
 * The collector's catalog-v2 inventory against moto: network ACLs with their entries and
 * subnet associations, VPC flow logs, subnet IPv6 blocks and auto-assignment, node
 * metadata options and public IPs, security-group egress, IPv6 and hybrid clusters.
 * What moto cannot emulate (Auto Mode `computeConfig`, EKS add-ons, service CIDRs) is
 * covered with real-shaped answers in test/unit/adapters/inventory-collector-catalog-v2.test.ts.
 */
import { DisassociateSubnetCidrBlockCommand, RevokeSecurityGroupEgressCommand } from '@aws-sdk/client-ec2';
import { beforeAll, expect, it } from 'vitest';
import type { AwsClients } from '../../functions/adapters/aws-clients.ts';
import { collectInventory } from '../../functions/adapters/inventory-collector.ts';
import type { Snapshot, VpcInventory } from '../../functions/core/snapshot.ts';
import {
  associateSubnetIpv6,
  createCluster,
  createFlowLog,
  createNetworkAcl,
  createSecurityGroup,
  createSubnet,
  createVpc,
  describeWithMoto,
  ipv6Subnet,
  MOTO_ACCOUNT_ID,
  motoClients,
  runInstance,
  uniqueName,
  vpcIpv6Block,
} from './moto.ts';

// A region no other integration file uses, so a shared moto keeps our resources apart.
const REGION = 'eu-central-1';
const NOW = new Date('2026-04-02T08:00:00.000Z');

describeWithMoto('collectInventory against moto: catalog v2 inventory', (endpoint) => {
  let clients: AwsClients;
  let snapshot: Snapshot;
  let vpc: VpcInventory;
  const ids = {} as {
    vpcId: string;
    ipv6Block: string;
    dualStackSubnet: string;
    ipv4Subnet: string;
    droppedIpv6Subnet: string;
    nodeAcl: string;
    vpcFlowLog: string;
    subnetFlowLog: string;
    nodeGroup: string;
    closedGroup: string;
    autoModeNode: string;
    ipv6Cluster: string;
    hybridCluster: string;
  };

  beforeAll(async () => {
    clients = motoClients(endpoint);
    const ec2 = clients.ec2(REGION);
    const eks = clients.eks(REGION);
    ids.vpcId = await createVpc(ec2, {
      cidr: '10.30.0.0/16',
      enableDnsSupport: true,
      enableDnsHostnames: true,
      amazonProvidedIpv6: true,
    });
    ids.ipv6Block = await vpcIpv6Block(ec2, ids.vpcId);
    ids.dualStackSubnet = await createSubnet(ec2, {
      vpcId: ids.vpcId,
      cidr: '10.30.0.0/24',
      availabilityZone: `${REGION}a`,
      ipv6Cidr: ipv6Subnet(ids.ipv6Block, 0),
      assignIpv6AddressOnCreation: true,
      mapPublicIpOnLaunch: true,
    });
    ids.ipv4Subnet = await createSubnet(ec2, {
      vpcId: ids.vpcId,
      cidr: '10.30.1.0/24',
      availabilityZone: `${REGION}b`,
    });
    ids.droppedIpv6Subnet = await createSubnet(ec2, {
      vpcId: ids.vpcId,
      cidr: '10.30.2.0/24',
      availabilityZone: `${REGION}c`,
    });
    const association = await associateSubnetIpv6(ec2, ids.droppedIpv6Subnet, ipv6Subnet(ids.ipv6Block, 2));
    await ec2.send(new DisassociateSubnetCidrBlockCommand({ AssociationId: association }));

    ids.nodeAcl = await createNetworkAcl(ec2, {
      vpcId: ids.vpcId,
      subnetIds: [ids.dualStackSubnet],
      entries: [
        {
          RuleNumber: 100,
          Protocol: '6',
          RuleAction: 'allow',
          Egress: false,
          CidrBlock: '10.30.0.0/16',
          PortRange: { From: 443, To: 443 },
        },
        {
          RuleNumber: 110,
          Protocol: '6',
          RuleAction: 'deny',
          Egress: false,
          CidrBlock: '0.0.0.0/0',
          PortRange: { From: 10250, To: 10250 },
        },
        {
          RuleNumber: 120,
          Protocol: '6',
          RuleAction: 'allow',
          Egress: false,
          Ipv6CidrBlock: '::/0',
          PortRange: { From: 32768, To: 60999 },
        },
        { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
      ],
    });
    ids.vpcFlowLog = await createFlowLog(ec2, {
      resourceId: ids.vpcId,
      resourceType: 'VPC',
      trafficType: 'REJECT',
    });
    ids.subnetFlowLog = await createFlowLog(ec2, {
      resourceId: ids.ipv4Subnet,
      resourceType: 'Subnet',
      trafficType: 'ALL',
    });

    ids.nodeGroup = await createSecurityGroup(ec2, { vpcId: ids.vpcId, name: uniqueName('nodes') });
    ids.closedGroup = await createSecurityGroup(ec2, { vpcId: ids.vpcId, name: uniqueName('closed') });
    await ec2.send(
      new RevokeSecurityGroupEgressCommand({
        GroupId: ids.closedGroup,
        IpPermissions: [
          { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
        ],
      }),
    );

    ids.ipv6Cluster = uniqueName('six');
    await createCluster(eks, {
      name: ids.ipv6Cluster,
      version: '1.31',
      subnetIds: [ids.dualStackSubnet, ids.ipv4Subnet],
      kubernetesNetworkConfig: { ipFamily: 'ipv6' },
    });
    ids.hybridCluster = uniqueName('hybrid');
    await createCluster(eks, {
      name: ids.hybridCluster,
      subnetIds: [ids.dualStackSubnet, ids.ipv4Subnet],
      remoteNetworkConfig: {
        remoteNodeNetworks: [{ cidrs: ['10.80.0.0/16'] }],
        remotePodNetworks: [{ cidrs: ['10.85.0.0/16'] }],
      },
    });
    // An Auto Mode / Karpenter node: tagged eks:eks-cluster-name only.
    ids.autoModeNode = await runInstance(ec2, {
      subnetId: ids.dualStackSubnet,
      securityGroupIds: [ids.nodeGroup],
      tags: { 'eks:eks-cluster-name': ids.ipv6Cluster },
      metadataOptions: { HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
    });

    snapshot = await collectInventory(clients, { regions: [REGION], now: () => NOW });
    const found = snapshot.vpcs.find((v) => v.vpcId === ids.vpcId);
    if (!found) throw new Error(`the snapshot has no ${ids.vpcId}: ${JSON.stringify(snapshot.errors)}`);
    vpc = found;
  });

  it('collects every part of the VPC without an error', () => {
    expect(snapshot.accountId).toBe(MOTO_ACCOUNT_ID);
    expect(snapshot.errors).toEqual([]);
    expect(vpc.incomplete).toEqual([]);
  });

  it('maps the custom network ACL with its entries, in the API order, and its subnet', () => {
    const acl = vpc.networkAcls.find((a) => a.NetworkAclId === ids.nodeAcl);
    expect(acl).toMatchObject({
      VpcId: ids.vpcId,
      IsDefault: false,
      Associations: [{ SubnetId: ids.dualStackSubnet }],
    });
    expect(acl?.Entries).toEqual(
      expect.arrayContaining([
        {
          RuleNumber: 100,
          Protocol: '6',
          RuleAction: 'allow',
          Egress: false,
          CidrBlock: '10.30.0.0/16',
          PortRange: { From: 443, To: 443 },
        },
        {
          RuleNumber: 110,
          Protocol: '6',
          RuleAction: 'deny',
          Egress: false,
          CidrBlock: '0.0.0.0/0',
          PortRange: { From: 10250, To: 10250 },
        },
        {
          RuleNumber: 120,
          Protocol: '6',
          RuleAction: 'allow',
          Egress: false,
          Ipv6CidrBlock: '::/0',
          PortRange: { From: 32768, To: 60999 },
        },
        { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
      ]),
    );
  });

  it('maps the default ACL: allow-all entries, the * rule 32767, and the subnets left on it', () => {
    const defaults = vpc.networkAcls.filter((a) => a.IsDefault);
    expect(defaults).toHaveLength(1);
    expect(defaults[0]?.Associations.map((a) => a.SubnetId).sort()).toEqual(
      [ids.ipv4Subnet, ids.droppedIpv6Subnet].sort(),
    );
    expect(defaults[0]?.Entries).toEqual(
      expect.arrayContaining([
        { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
        { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: true, CidrBlock: '0.0.0.0/0' },
      ]),
    );
  });

  it("keeps the VPC's own flow log and never fetches a subnet's", () => {
    expect(vpc.flowLogs).toEqual([
      expect.objectContaining({
        FlowLogId: ids.vpcFlowLog,
        ResourceId: ids.vpcId,
        FlowLogStatus: 'ACTIVE',
        TrafficType: 'REJECT',
      }),
    ]);
    expect(snapshot.vpcs.flatMap((v) => v.flowLogs.map((f) => f.FlowLogId))).not.toContain(ids.subnetFlowLog);
  });

  it('maps subnet IPv6 blocks (moto reports their state oddly) and the IPv6 auto-assign flag', () => {
    const byId = new Map(vpc.subnets.map((s) => [s.SubnetId, s]));
    expect(byId.get(ids.dualStackSubnet)).toMatchObject({
      AssignIpv6AddressOnCreation: true,
      Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: ipv6Subnet(ids.ipv6Block, 0) }],
    });
    expect(byId.get(ids.ipv4Subnet)?.AssignIpv6AddressOnCreation).toBe(false);
    expect(byId.get(ids.ipv4Subnet)).not.toHaveProperty('Ipv6CidrBlockAssociationSet');
    // Disassociated: no block gives addresses any more.
    expect(byId.get(ids.droppedIpv6Subnet)).not.toHaveProperty('Ipv6CidrBlockAssociationSet');
    expect(vpc.vpc?.Ipv6CidrBlocks).toEqual([ids.ipv6Block]);
  });

  it('collects a node tagged only eks:eks-cluster-name, with its public IP and metadata options', () => {
    const node = vpc.instances.find((i) => i.InstanceId === ids.autoModeNode);
    expect(node).toMatchObject({
      SubnetId: ids.dualStackSubnet,
      MetadataOptions: { HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
      Tags: { 'eks:eks-cluster-name': ids.ipv6Cluster },
    });
    expect(node?.PublicIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('maps security-group egress: the default allow-all rules (IPv4 and, in an IPv6 VPC, IPv6), and none once revoked', () => {
    const byId = new Map(vpc.securityGroups.map((g) => [g.GroupId, g]));
    expect(byId.get(ids.nodeGroup)?.IpPermissionsEgress).toEqual([
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
    ]);
    expect(byId.get(ids.closedGroup)?.IpPermissionsEgress).toEqual([]);
  });

  it('maps the IPv6 cluster family and the hybrid cluster remote networks', () => {
    const cluster = (name: string) => snapshot.clusters.find((c) => c.cluster.name === name)?.cluster;
    expect(cluster(ids.ipv6Cluster)).toMatchObject({
      version: '1.31',
      kubernetesNetworkConfig: { ipFamily: 'ipv6' },
    });
    expect(cluster(ids.hybridCluster)?.remoteNetworkConfig).toEqual({
      remoteNodeNetworks: [{ cidrs: ['10.80.0.0/16'] }],
      remotePodNetworks: [{ cidrs: ['10.85.0.0/16'] }],
    });
    expect(cluster(ids.ipv6Cluster)).not.toHaveProperty('remoteNetworkConfig');
  });
});
