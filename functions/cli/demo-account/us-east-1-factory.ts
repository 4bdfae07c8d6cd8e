/**
 * us-east-1 / VPC "factory": `factory-hybrid`, an EKS Hybrid Nodes cluster whose
 * on-premises racks (10.80.0.0/16) join over a transit gateway. See `../demo-account.ts`.
 */
import type { ClusterInventory, Ec2Vpc, VpcInventory } from '../../core/snapshot.ts';
import {
  aclEntry,
  allTraffic,
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
  routeTo,
  securityGroup,
  selfAll,
  subnet,
  tcp,
} from './builders.ts';

const REGION = 'us-east-1';
const NAME = 'factory-hybrid';
const REMOTE_NODES = '10.80.0.0/16';
// The on-premises CNI's pod range. EKS gave the cluster the service CIDR 172.20.0.0/16
// (its default for a 10.x VPC), which lies inside it.
const REMOTE_PODS = '172.16.0.0/12';
const TGW = { TransitGatewayId: 'tgw-0f6000000000000a1' };
const CLUSTER_SG = 'sg-0e6f7a8b9c0d1e201';
const ONPREM_SG = 'sg-0e6f7a8b9c0d1e202';

const vpc: Ec2Vpc = {
  VpcId: 'vpc-0f6a7b8c9d0e1f206',
  CidrBlock: '10.60.0.0/16',
  CidrBlocks: ['10.60.0.0/16'],
  EnableDnsSupport: true,
  EnableDnsHostnames: true,
};

// Small dedicated subnets for the control plane's network interfaces, larger ones for nodes.
const CP_A = 'subnet-0f60000000000a1a1';
const CP_B = 'subnet-0f60000000000b1b1';
const NODES_A = 'subnet-0f60000000000a3a3';
const NODES_B = 'subnet-0f60000000000b3b3';
const PUBLIC_A = 'subnet-0f60000000000a2a2';

/** A node of `factory-system`, the in-VPC node group that runs CoreDNS and the controllers. */
const systemNode = (subnetId: string): NodeSpec => ({
  subnetId,
  type: 'm6i.large',
  securityGroups: [CLUSTER_SG],
  tags: { 'eks:cluster-name': NAME, 'eks:nodegroup-name': 'factory-system' },
});

export const factoryVpc: VpcInventory = {
  region: REGION,
  vpcId: vpc.VpcId,
  vpc,
  // No kubernetes.io/cluster tags: not needed since Kubernetes 1.19.
  subnets: [
    subnet(vpc, CP_A, {
      name: 'factory-cp-a',
      cidr: '10.60.0.0/26',
      az: 'us-east-1a',
      free: 55,
      tags: INTERNAL_ELB,
    }),
    subnet(vpc, CP_B, {
      name: 'factory-cp-b',
      cidr: '10.60.0.64/26',
      az: 'us-east-1b',
      free: 56,
      tags: INTERNAL_ELB,
    }),
    subnet(vpc, NODES_A, {
      name: 'factory-nodes-a',
      cidr: '10.60.16.0/20',
      az: 'us-east-1a',
      free: 4_060,
      tags: INTERNAL_ELB,
    }),
    subnet(vpc, NODES_B, {
      name: 'factory-nodes-b',
      cidr: '10.60.32.0/20',
      az: 'us-east-1b',
      free: 4_071,
      tags: INTERNAL_ELB,
    }),
    subnet(vpc, PUBLIC_A, {
      name: 'factory-public-a',
      cidr: '10.60.200.0/24',
      az: 'us-east-1a',
      free: 250,
      tags: ELB,
      mapPublicIp: true,
    }),
  ],
  routeTables: [
    routeTable(vpc, 'rtb-0f6000000000000m1', [], [], true),
    routeTable(
      vpc,
      'rtb-0f60000000000pub1',
      [defaultRoute({ GatewayId: 'igw-0f6000000000000a1' })],
      [PUBLIC_A],
    ),
    routeTable(
      vpc,
      'rtb-0f60000000000prv1',
      [
        defaultRoute({ NatGatewayId: 'nat-0f6000000000000a1' }),
        routeTo(REMOTE_NODES, TGW),
        routeTo(REMOTE_PODS, TGW),
      ],
      [CP_A, NODES_A, NODES_B],
    ),
    // Made later by another stack for zone b: the transit gateway routes were not copied,
    // so the control plane's interfaces in this subnet cannot reach the racks.
    routeTable(
      vpc,
      'rtb-0f60000000000prv2',
      [defaultRoute({ NatGatewayId: 'nat-0f6000000000000a1' })],
      [CP_B],
    ),
  ],
  securityGroups: [
    // The EKS cluster SG, with its outbound trimmed to the VPC and HTTPS by a hardening
    // baseline: nothing leaves for the kubelets (10250) on premises.
    securityGroup(
      vpc,
      CLUSTER_SG,
      `eks-cluster-sg-${NAME}-20250311`,
      [selfAll(CLUSTER_SG)],
      clusterTag(NAME, 'owned'),
      [allTraffic('10.60.0.0/16'), tcp(443, { cidrs: ['0.0.0.0/0'] })],
    ),
    // Additional SG for the factory: HTTPS in from the racks and their pods. Written in
    // Terraform without an egress block, which removes AWS's default outbound rule.
    securityGroup(
      vpc,
      ONPREM_SG,
      `${NAME}-onprem`,
      [tcp(443, { cidrs: [REMOTE_NODES, REMOTE_PODS] })],
      {},
      [],
    ),
  ],
  vpcEndpoints: [],
  natGateways: [
    {
      NatGatewayId: 'nat-0f6000000000000a1',
      VpcId: vpc.VpcId,
      SubnetId: PUBLIC_A,
      State: 'available',
      ConnectivityType: 'public',
      PublicIps: ['3.225.40.18'],
    },
  ],
  instances: [
    node(vpc, 'i-0f6000000000000f1', systemNode(NODES_A)),
    node(vpc, 'i-0f6000000000000f2', systemNode(NODES_B)),
  ],
  networkAcls: [
    defaultNetworkAcl(vpc, 'acl-0f60000000000def1', [CP_A, CP_B, PUBLIC_A]),
    // The network team's ACL on the node subnets, written from a hardening guide for
    // self-managed Kubernetes: it denies the kubelet port from everywhere, which also
    // stops the control plane (logs, exec, metrics) from reaching the nodes.
    {
      NetworkAclId: 'acl-0f60000000000nod1',
      VpcId: vpc.VpcId,
      IsDefault: false,
      Entries: [
        aclEntry(90, 'deny', 'in', '0.0.0.0/0', [10250, 10250]),
        aclEntry(100, 'allow', 'in', '10.60.0.0/16'),
        aclEntry(110, 'allow', 'in', REMOTE_NODES),
        aclEntry(120, 'allow', 'in', '0.0.0.0/0', [1024, 65535]),
        aclEntry(32767, 'deny', 'in', '0.0.0.0/0'),
        aclEntry(100, 'allow', 'out', '0.0.0.0/0'),
        aclEntry(32767, 'deny', 'out', '0.0.0.0/0'),
      ],
      Associations: [{ SubnetId: NODES_A }, { SubnetId: NODES_B }],
    },
  ],
  flowLogs: [flowLog(vpc, 'fl-0f60000000000all1', 'ALL')],
  incomplete: [],
};

export const factoryHybrid: ClusterInventory = {
  region: REGION,
  vpcId: vpc.VpcId,
  cluster: {
    name: NAME,
    arn: clusterArn(REGION, NAME),
    status: 'ACTIVE',
    version: '1.31',
    tags: { team: 'manufacturing', env: 'prod' },
    resourcesVpcConfig: {
      subnetIds: [CP_A, CP_B],
      securityGroupIds: [ONPREM_SG],
      clusterSecurityGroupId: CLUSTER_SG,
      vpcId: vpc.VpcId,
      endpointPublicAccess: false,
      endpointPrivateAccess: true,
      publicAccessCidrs: [],
    },
    kubernetesNetworkConfig: { ipFamily: 'ipv4', serviceIpv4Cidr: '172.20.0.0/16' },
    remoteNetworkConfig: {
      remoteNodeNetworks: [{ cidrs: [REMOTE_NODES] }],
      remotePodNetworks: [{ cidrs: [REMOTE_PODS] }],
    },
  },
  nodegroups: [
    {
      nodegroupName: 'factory-system',
      status: 'ACTIVE',
      subnets: [NODES_A, NODES_B],
      instanceTypes: ['m6i.large'],
    },
  ],
  fargateProfiles: [],
  vpcCni: {
    state: 'installed',
    addonVersion: 'v1.19.2-eksbuild.1',
    configurationValues: JSON.stringify({ enableNetworkPolicy: 'true' }),
  },
  incomplete: [],
};
