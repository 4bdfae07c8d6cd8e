/**
 * eu-west-1 / VPC "eu-main": `analytics-eu`, a public-endpoint-only cluster with a
 * managed node group and Karpenter nodes for Spark. See `../demo-account.ts`.
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
  karpenterDiscovery,
  type NodeSpec,
  node,
  routeTable,
  securityGroup,
  selfAll,
  subnet,
  tcp,
} from './builders.ts';

const REGION = 'eu-west-1';
const NAME = 'analytics-eu';
const EU_SG = 'sg-0e3c4d5e6f7081901';
const SPARK_SG = 'sg-0e3c4d5e6f7081902';

const vpc: Ec2Vpc = {
  VpcId: 'vpc-0c3f4d5e6f7081903',
  CidrBlock: '10.40.0.0/16',
  CidrBlocks: ['10.40.0.0/16'],
  EnableDnsSupport: true,
  EnableDnsHostnames: true,
};

const PRIVATE_A = 'subnet-0c30000000000a1a1';
const PRIVATE_B = 'subnet-0c30000000000b1b1';
const PRIVATE_C = 'subnet-0c30000000000c1c1';
const PUBLIC_A = 'subnet-0c30000000000a2a2';

/** A node of the managed node group `analytics-c6i`. */
const systemNode = (subnetId: string): NodeSpec => ({
  subnetId,
  type: 'c6i.2xlarge',
  securityGroups: [EU_SG],
  tags: { 'eks:cluster-name': NAME, 'eks:nodegroup-name': 'analytics-c6i', ...clusterTag(NAME, 'owned') },
});

/**
 * A Karpenter node of the `spark` node pool (tags as Karpenter writes them). Its
 * EC2NodeClass sets hop limit 2 so that Spark pods reach the node role through IMDSv2.
 */
const sparkNode = (subnetId: string, publicIp?: string): NodeSpec => ({
  subnetId,
  type: 'r7i.4xlarge',
  securityGroups: [EU_SG, SPARK_SG],
  ...(publicIp ? { publicIp } : {}),
  metadata: { HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
  tags: {
    'eks:eks-cluster-name': NAME,
    ...clusterTag(NAME, 'owned'),
    'karpenter.sh/nodepool': 'spark',
    'karpenter.k8s.aws/ec2nodeclass': 'spark',
  },
});

export const euMainVpc: VpcInventory = {
  region: REGION,
  vpcId: vpc.VpcId,
  vpc,
  subnets: [
    subnet(vpc, PRIVATE_A, {
      name: 'eu-main-private-a',
      cidr: '10.40.0.0/19',
      az: 'eu-west-1a',
      free: 8_120,
      tags: { ...clusterTag(NAME), ...INTERNAL_ELB, ...karpenterDiscovery(NAME) },
    }),
    subnet(vpc, PRIVATE_B, {
      name: 'eu-main-private-b',
      cidr: '10.40.32.0/19',
      az: 'eu-west-1b',
      free: 8_097,
      tags: { ...clusterTag(NAME), ...INTERNAL_ELB, ...karpenterDiscovery(NAME) },
    }),
    subnet(vpc, PRIVATE_C, {
      name: 'eu-main-private-c',
      cidr: '10.40.64.0/19',
      az: 'eu-west-1c',
      free: 8_150,
      tags: { ...clusterTag(NAME), ...INTERNAL_ELB, ...karpenterDiscovery(NAME) },
    }),
    // A script tagged every subnet of the VPC for Karpenter discovery, this public one
    // too: Spark nodes land here with public addresses.
    subnet(vpc, PUBLIC_A, {
      name: 'eu-main-public-a',
      cidr: '10.40.200.0/24',
      az: 'eu-west-1a',
      free: 247,
      tags: { ...ELB, ...karpenterDiscovery(NAME) },
      mapPublicIp: true,
    }),
  ],
  routeTables: [
    routeTable(vpc, 'rtb-0c3000000000000m1', [], [], true),
    routeTable(
      vpc,
      'rtb-0c30000000000pub1',
      [defaultRoute({ GatewayId: 'igw-0c3000000000000a1' })],
      [PUBLIC_A],
    ),
    routeTable(
      vpc,
      'rtb-0c30000000000prv1',
      [defaultRoute({ NatGatewayId: 'nat-0c3000000000000a1' })],
      [PRIVATE_A, PRIVATE_B, PRIVATE_C],
    ),
  ],
  securityGroups: [
    // HTTPS open to the world on the cluster SG (someone "fixed" a kubectl timeout).
    securityGroup(
      vpc,
      EU_SG,
      'eks-cluster-sg-analytics-eu-7788',
      [selfAll(EU_SG), tcp(443, { cidrs: ['0.0.0.0/0'] })],
      clusterTag(NAME, 'owned'),
    ),
    // Spark's shuffle ports between executors. Untagged, so each Spark node has exactly
    // one SG tagged for the cluster, as the load balancer controller needs.
    securityGroup(vpc, SPARK_SG, 'analytics-eu-spark', [tcp([7077, 7337], { group: SPARK_SG })]),
  ],
  vpcEndpoints: [],
  natGateways: [
    {
      NatGatewayId: 'nat-0c3000000000000a1',
      VpcId: vpc.VpcId,
      SubnetId: PUBLIC_A,
      State: 'available',
      ConnectivityType: 'public',
      PublicIps: ['34.240.17.9'],
    },
  ],
  instances: [
    node(vpc, 'i-0c3000000000000a1', systemNode(PRIVATE_A)),
    node(vpc, 'i-0c3000000000000a2', systemNode(PRIVATE_B)),
    node(vpc, 'i-0c3000000000000a3', systemNode(PRIVATE_C)),
    node(vpc, 'i-0c3000000000000b1', sparkNode(PUBLIC_A, '34.245.102.77')),
    node(vpc, 'i-0c3000000000000b2', sparkNode(PUBLIC_A, '54.171.23.140')),
    node(vpc, 'i-0c3000000000000b3', sparkNode(PRIVATE_B)),
  ],
  networkAcls: [defaultNetworkAcl(vpc, 'acl-0c30000000000def1', [PRIVATE_A, PRIVATE_B, PRIVATE_C, PUBLIC_A])],
  flowLogs: [flowLog(vpc, 'fl-0c30000000000all1', 'ALL')],
  incomplete: [],
};

export const analyticsEu: ClusterInventory = {
  region: REGION,
  vpcId: vpc.VpcId,
  cluster: {
    name: NAME,
    arn: clusterArn(REGION, NAME),
    status: 'ACTIVE',
    version: '1.31',
    // Calico enforces network policies here, so the vpc-cni flag is not needed.
    tags: { team: 'analytics', 'network-policy-engine': 'calico' },
    resourcesVpcConfig: {
      subnetIds: [PRIVATE_A, PRIVATE_B, PRIVATE_C],
      securityGroupIds: [],
      clusterSecurityGroupId: EU_SG,
      vpcId: vpc.VpcId,
      // Public only, restricted to the office and a broad AWS range that does not
      // include the NAT gateway's address: the nodes cannot reach the API server.
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
      publicAccessCidrs: ['198.51.100.0/24', '52.16.0.0/12'],
    },
    kubernetesNetworkConfig: { ipFamily: 'ipv4', serviceIpv4Cidr: '172.20.0.0/16' },
  },
  nodegroups: [
    {
      nodegroupName: 'analytics-c6i',
      status: 'ACTIVE',
      subnets: [PRIVATE_A, PRIVATE_B, PRIVATE_C],
      instanceTypes: ['c6i.2xlarge'],
    },
  ],
  fargateProfiles: [],
  // vpc-cni runs self-managed (a Helm chart), so its settings are not visible.
  vpcCni: { state: 'absent' },
  incomplete: [],
};
