/**
 * us-west-2 / VPC "edge": `edge-ipv6`, an IPv6 cluster in a dual-stack VPC.
 * See `../demo-account.ts`.
 */
import type { ClusterInventory, Ec2Vpc, VpcInventory } from '../../core/snapshot.ts';
import {
  clusterArn,
  clusterTag,
  defaultNetworkAcl,
  defaultRoute,
  ELB,
  flowLog,
  INTERNAL_ELB,
  type NodeSpec,
  node,
  routeTable,
  securityGroup,
  selfAll,
  subnet,
} from './builders.ts';

const REGION = 'us-west-2';
const NAME = 'edge-ipv6';
const CLUSTER_SG = 'sg-0e4d5e6f7a8b9c401';

const vpc: Ec2Vpc = {
  VpcId: 'vpc-0d4e5f6a7b8c9d405',
  CidrBlock: '10.50.0.0/16',
  CidrBlocks: ['10.50.0.0/16'],
  Ipv6CidrBlocks: ['2600:1f14:8e2:a900::/56'],
  EnableDnsSupport: true,
  EnableDnsHostnames: true,
};

const PRIVATE_A = 'subnet-0d40000000000a1a1';
const PRIVATE_B = 'subnet-0d40000000000b1b1';
const PRIVATE_C = 'subnet-0d40000000000c1c1';
const PUBLIC_A = 'subnet-0d40000000000a2a2';
const PUBLIC_B = 'subnet-0d40000000000b2b2';

/** A node of the managed node group `edge-m7g`. */
const edgeNode = (subnetId: string): NodeSpec => ({
  subnetId,
  type: 'm7g.large',
  securityGroups: [CLUSTER_SG],
  tags: { 'eks:cluster-name': NAME, 'eks:nodegroup-name': 'edge-m7g', ...clusterTag(NAME, 'owned') },
});

export const edgeVpc: VpcInventory = {
  region: REGION,
  vpcId: vpc.VpcId,
  vpc,
  subnets: [
    subnet(vpc, PRIVATE_A, {
      name: 'edge-private-a',
      cidr: '10.50.0.0/19',
      ipv6: '2600:1f14:8e2:a900::/64',
      assignIpv6: true,
      az: 'us-west-2a',
      free: 8_150,
      tags: INTERNAL_ELB,
    }),
    // From an older template that left IPv6 auto-assignment off: the node group's
    // instances cannot launch here.
    subnet(vpc, PRIVATE_B, {
      name: 'edge-private-b',
      cidr: '10.50.32.0/19',
      ipv6: '2600:1f14:8e2:a901::/64',
      assignIpv6: false,
      az: 'us-west-2b',
      free: 8_185,
      tags: INTERNAL_ELB,
    }),
    // Added to the cluster for a third zone, but never given an IPv6 block.
    subnet(vpc, PRIVATE_C, {
      name: 'edge-private-c',
      cidr: '10.50.64.0/19',
      az: 'us-west-2c',
      free: 8_183,
      tags: INTERNAL_ELB,
    }),
    subnet(vpc, PUBLIC_A, {
      name: 'edge-public-a',
      cidr: '10.50.200.0/24',
      ipv6: '2600:1f14:8e2:a9f0::/64',
      assignIpv6: true,
      az: 'us-west-2a',
      free: 250,
      tags: ELB,
      mapPublicIp: true,
    }),
    subnet(vpc, PUBLIC_B, {
      name: 'edge-public-b',
      cidr: '10.50.201.0/24',
      ipv6: '2600:1f14:8e2:a9f1::/64',
      assignIpv6: true,
      az: 'us-west-2b',
      free: 251,
      tags: ELB,
      mapPublicIp: true,
    }),
  ],
  routeTables: [
    routeTable(vpc, 'rtb-0d4000000000000m1', [], [], true),
    routeTable(
      vpc,
      'rtb-0d40000000000pub1',
      [
        defaultRoute({ GatewayId: 'igw-0d4000000000000a1' }),
        defaultRoute({ GatewayId: 'igw-0d4000000000000a1' }, true),
      ],
      [PUBLIC_A, PUBLIC_B],
    ),
    // IPv4 through NAT (nodes still pull from IPv4-only registries), IPv6 through an
    // egress-only internet gateway.
    routeTable(
      vpc,
      'rtb-0d40000000000prv1',
      [
        defaultRoute({ NatGatewayId: 'nat-0d4000000000000a1' }),
        defaultRoute({ EgressOnlyInternetGatewayId: 'eigw-0d4000000000000a1' }, true),
      ],
      [PRIVATE_A, PRIVATE_B, PRIVATE_C],
    ),
  ],
  securityGroups: [
    securityGroup(
      vpc,
      CLUSTER_SG,
      `eks-cluster-sg-${NAME}-60606`,
      [selfAll(CLUSTER_SG)],
      clusterTag(NAME, 'owned'),
      [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
    ),
  ],
  vpcEndpoints: [],
  natGateways: [
    {
      NatGatewayId: 'nat-0d4000000000000a1',
      VpcId: vpc.VpcId,
      SubnetId: PUBLIC_A,
      State: 'available',
      ConnectivityType: 'public',
      PublicIps: ['44.231.90.12'],
    },
  ],
  // Every running node is in zone a: launches in edge-private-b fail.
  instances: [
    node(vpc, 'i-0d4000000000000e1', edgeNode(PRIVATE_A)),
    node(vpc, 'i-0d4000000000000e2', edgeNode(PRIVATE_A)),
  ],
  networkAcls: [
    defaultNetworkAcl(vpc, 'acl-0d40000000000def1', [PRIVATE_A, PRIVATE_B, PRIVATE_C, PUBLIC_A, PUBLIC_B]),
  ],
  flowLogs: [flowLog(vpc, 'fl-0d40000000000rej1', 'REJECT')],
  incomplete: [],
};

export const edgeIpv6: ClusterInventory = {
  region: REGION,
  vpcId: vpc.VpcId,
  cluster: {
    name: NAME,
    arn: clusterArn(REGION, NAME),
    status: 'ACTIVE',
    version: '1.31',
    tags: { team: 'edge', env: 'prod' },
    resourcesVpcConfig: {
      subnetIds: [PRIVATE_A, PRIVATE_B, PRIVATE_C],
      securityGroupIds: [],
      clusterSecurityGroupId: CLUSTER_SG,
      vpcId: vpc.VpcId,
      endpointPublicAccess: true,
      endpointPrivateAccess: true,
      publicAccessCidrs: ['203.0.113.0/24'],
    },
    kubernetesNetworkConfig: { ipFamily: 'ipv6', serviceIpv6Cidr: 'fd30:1c2d:4e5f::/108' },
  },
  nodegroups: [
    {
      nodegroupName: 'edge-m7g',
      status: 'ACTIVE',
      subnets: [PRIVATE_A, PRIVATE_B],
      instanceTypes: ['m7g.large'],
    },
  ],
  fargateProfiles: [],
  vpcCni: {
    state: 'installed',
    addonVersion: 'v1.19.2-eksbuild.1',
    configurationValues: JSON.stringify({
      enableNetworkPolicy: 'true',
      env: { ENABLE_IPv6: 'true', ENABLE_PREFIX_DELEGATION: 'true' },
    }),
  },
  incomplete: [],
};
