/**
 * us-east-1 / VPC "platform": `payments-prod` (the well-run cluster) and
 * `checkout-staging` (created by hand from the console). See `../demo-account.ts`.
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
  tcp,
} from './builders.ts';

const REGION = 'us-east-1';
const PAY_SG = 'sg-0e1a2b3c4d5e6f701';
const STG_SG = 'sg-0e1a2b3c4d5e6f702';
const STG_SSH_SG = 'sg-0e1a2b3c4d5e6f703';

const vpc: Ec2Vpc = {
  VpcId: 'vpc-0a1e2b3c4d5e6f701',
  CidrBlock: '10.20.0.0/16',
  // 100.64.0.0/16 carries payments-prod's pods (vpc-cni custom networking).
  CidrBlocks: ['10.20.0.0/16', '100.64.0.0/16'],
  EnableDnsSupport: true,
  EnableDnsHostnames: true,
};

const PAY_A = 'subnet-0a10000000000a1a1';
const PAY_B = 'subnet-0a10000000000b1b1';
const PAY_C = 'subnet-0a10000000000c1c1';
const PUBLIC_A = 'subnet-0a10000000000a2a2';
const PUBLIC_B = 'subnet-0a10000000000b2b2';
const STG_A = 'subnet-0a10000000000a3a3';
const STG_A2 = 'subnet-0a10000000000a4a4';
const STG_PUBLIC_C = 'subnet-0a10000000000c2c2';

/** A node of `payments-m6i`: IMDSv2 only with hop limit 1 (its pods use EKS Pod Identity). */
const paymentsNode = (subnetId: string): NodeSpec => ({
  subnetId,
  type: 'm6i.xlarge',
  securityGroups: [PAY_SG],
  tags: {
    'eks:cluster-name': 'payments-prod',
    'eks:nodegroup-name': 'payments-m6i',
    ...clusterTag('payments-prod', 'owned'),
  },
});

export const platformVpc: VpcInventory = {
  region: REGION,
  vpcId: vpc.VpcId,
  vpc,
  subnets: [
    subnet(vpc, PAY_A, {
      name: 'platform-private-a',
      cidr: '10.20.0.0/19',
      az: 'us-east-1a',
      free: 7_890,
      tags: { ...clusterTag('payments-prod'), ...INTERNAL_ELB },
    }),
    subnet(vpc, PAY_B, {
      name: 'platform-private-b',
      cidr: '10.20.32.0/19',
      az: 'us-east-1b',
      free: 8_011,
      tags: { ...clusterTag('payments-prod'), ...INTERNAL_ELB },
    }),
    // Busy subnet: 1,000 of 8,187 usable addresses free (12 %, below the 15 % MEDIUM line).
    subnet(vpc, PAY_C, {
      name: 'platform-private-c',
      cidr: '10.20.64.0/19',
      az: 'us-east-1c',
      free: 1_000,
      tags: { ...clusterTag('payments-prod'), ...INTERNAL_ELB },
    }),
    subnet(vpc, PUBLIC_A, {
      name: 'platform-public-a',
      cidr: '10.20.200.0/24',
      az: 'us-east-1a',
      free: 245,
      tags: ELB,
      mapPublicIp: true,
    }),
    subnet(vpc, PUBLIC_B, {
      name: 'platform-public-b',
      cidr: '10.20.201.0/24',
      az: 'us-east-1b',
      free: 246,
      tags: ELB,
      mapPublicIp: true,
    }),
    // checkout-staging's two cluster subnets, both in us-east-1a, were copied from
    // payments-prod's template: one is tagged for payments-prod only (`shared`, so load
    // balancers skip it for checkout), the other is claimed by payments-prod (`owned`).
    subnet(vpc, STG_A, {
      name: 'checkout-private-a',
      cidr: '10.20.96.0/22',
      az: 'us-east-1a',
      free: 1_010,
      tags: { ...clusterTag('payments-prod'), ...INTERNAL_ELB },
    }),
    subnet(vpc, STG_A2, {
      name: 'checkout-private-a2',
      cidr: '10.20.100.0/22',
      az: 'us-east-1a',
      free: 1_001,
      tags: { ...clusterTag('payments-prod', 'owned'), ...INTERNAL_ELB },
    }),
    // Public subnet used by checkout's node group: no tags, and no public IPs on launch.
    subnet(vpc, STG_PUBLIC_C, {
      name: 'checkout-public-c',
      cidr: '10.20.202.0/24',
      az: 'us-east-1c',
      free: 240,
    }),
  ],
  routeTables: [
    routeTable(vpc, 'rtb-0a1000000000000m1', [], [], true),
    routeTable(
      vpc,
      'rtb-0a10000000000pub1',
      [defaultRoute({ GatewayId: 'igw-0a1000000000000a1' })],
      [PUBLIC_A, PUBLIC_B, STG_PUBLIC_C],
    ),
    routeTable(
      vpc,
      'rtb-0a10000000000prv1',
      [defaultRoute({ NatGatewayId: 'nat-0a1000000000000a1' })],
      [PAY_A, PAY_B, PAY_C, STG_A, STG_A2],
    ),
  ],
  securityGroups: [
    securityGroup(
      vpc,
      PAY_SG,
      'eks-cluster-sg-payments-prod-1870012345',
      [selfAll(PAY_SG)],
      clusterTag('payments-prod', 'owned'),
    ),
    securityGroup(
      vpc,
      STG_SG,
      'eks-cluster-sg-checkout-staging-998877',
      [selfAll(STG_SG)],
      clusterTag('checkout-staging', 'owned'),
    ),
    // What EKS creates for a node group with an SSH key and no source security groups.
    securityGroup(vpc, STG_SSH_SG, 'eks-remoteAccess-checkout-ng-public', [
      tcp(22, { cidrs: ['0.0.0.0/0'] }),
    ]),
  ],
  vpcEndpoints: [],
  natGateways: [
    {
      NatGatewayId: 'nat-0a1000000000000a1',
      VpcId: vpc.VpcId,
      SubnetId: PUBLIC_A,
      State: 'available',
      ConnectivityType: 'public',
      PublicIps: ['54.210.17.40'],
    },
  ],
  instances: [
    node(vpc, 'i-0a1000000000000p1', paymentsNode(PAY_A)),
    node(vpc, 'i-0a1000000000000p2', paymentsNode(PAY_B)),
    node(vpc, 'i-0a1000000000000p3', paymentsNode(PAY_C)),
  ],
  networkAcls: [
    defaultNetworkAcl(vpc, 'acl-0a10000000000def1', [
      PAY_A,
      PAY_B,
      PAY_C,
      PUBLIC_A,
      PUBLIC_B,
      STG_A,
      STG_A2,
      STG_PUBLIC_C,
    ]),
  ],
  flowLogs: [flowLog(vpc, 'fl-0a10000000000all1', 'ALL')],
  incomplete: [],
};

export const paymentsProd: ClusterInventory = {
  region: REGION,
  vpcId: vpc.VpcId,
  cluster: {
    name: 'payments-prod',
    arn: clusterArn(REGION, 'payments-prod'),
    status: 'ACTIVE',
    version: '1.31',
    tags: { team: 'payments', env: 'prod' },
    resourcesVpcConfig: {
      subnetIds: [PAY_A, PAY_B, PAY_C],
      securityGroupIds: [],
      clusterSecurityGroupId: PAY_SG,
      vpcId: vpc.VpcId,
      endpointPublicAccess: true,
      endpointPrivateAccess: true,
      publicAccessCidrs: ['203.0.113.0/24'],
    },
    kubernetesNetworkConfig: { ipFamily: 'ipv4', serviceIpv4Cidr: '172.20.0.0/16' },
  },
  nodegroups: [
    {
      nodegroupName: 'payments-m6i',
      status: 'ACTIVE',
      subnets: [PAY_A, PAY_B, PAY_C],
      instanceTypes: ['m6i.xlarge'],
    },
  ],
  fargateProfiles: [],
  vpcCni: {
    state: 'installed',
    addonVersion: 'v1.19.2-eksbuild.1',
    configurationValues: JSON.stringify({
      enableNetworkPolicy: 'true',
      env: {
        AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true',
        ENI_CONFIG_LABEL_DEF: 'topology.kubernetes.io/zone',
      },
    }),
  },
  incomplete: [],
};

export const checkoutStaging: ClusterInventory = {
  region: REGION,
  vpcId: vpc.VpcId,
  cluster: {
    name: 'checkout-staging',
    arn: clusterArn(REGION, 'checkout-staging'),
    status: 'ACTIVE',
    version: '1.29',
    tags: { team: 'checkout', env: 'staging' },
    resourcesVpcConfig: {
      subnetIds: [STG_A, STG_A2],
      securityGroupIds: [],
      clusterSecurityGroupId: STG_SG,
      vpcId: vpc.VpcId,
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
      publicAccessCidrs: ['0.0.0.0/0'],
    },
    kubernetesNetworkConfig: { ipFamily: 'ipv4', serviceIpv4Cidr: '172.20.0.0/16' },
  },
  nodegroups: [
    {
      nodegroupName: 'checkout-ng-public',
      status: 'ACTIVE',
      subnets: [STG_PUBLIC_C],
      instanceTypes: ['t3.large'],
      remoteAccess: { ec2SshKey: 'checkout-admin' },
      resources: { remoteAccessSecurityGroup: STG_SSH_SG },
    },
  ],
  fargateProfiles: [],
  // Security groups for pods on t3 nodes, and external SNAT on a public node subnet.
  vpcCni: {
    state: 'installed',
    addonVersion: 'v1.18.3-eksbuild.2',
    configurationValues: JSON.stringify({
      env: { ENABLE_POD_ENI: 'true', AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' },
    }),
  },
  incomplete: [],
};
