/**
 * us-east-1 / VPC "analytics": `data-pipeline`, a private cluster in isolated subnets.
 * See `../demo-account.ts`.
 */
import type { ClusterInventory, Ec2Vpc, VpcInventory } from '../../core/snapshot.ts';
import {
  clusterArn,
  clusterTag,
  defaultNetworkAcl,
  defaultRoute,
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
const DP_SG = 'sg-0e2b3c4d5e6f70801';
const DP_NODE_A = 'sg-0e2b3c4d5e6f70802';
const DP_NODE_B = 'sg-0e2b3c4d5e6f70803';

const vpc: Ec2Vpc = {
  VpcId: 'vpc-0b2e3c4d5e6f70802',
  CidrBlock: '10.30.0.0/16',
  // One block only, although the vpc-cni add-on turns custom networking on.
  CidrBlocks: ['10.30.0.0/16'],
  EnableDnsSupport: true,
  EnableDnsHostnames: false,
};

const PRIVATE_A = 'subnet-0b20000000000a1a1';
const PRIVATE_B = 'subnet-0b20000000000b1b1';
const BATCH_D = 'subnet-0b20000000000d1d1';
const PUBLIC_A = 'subnet-0b20000000000a2a2';

/** A node of `pipeline-r6i`, from a launch template copied in 2019: IMDSv1 still allowed. */
const pipelineNode = (subnetId: string): NodeSpec => ({
  subnetId,
  type: 'r6i.2xlarge',
  securityGroups: [DP_NODE_A, DP_NODE_B],
  metadata: { HttpEndpoint: 'enabled', HttpTokens: 'optional', HttpPutResponseHopLimit: 1 },
  tags: { 'eks:cluster-name': 'data-pipeline', 'eks:nodegroup-name': 'pipeline-r6i' },
});

export const analyticsVpc: VpcInventory = {
  region: REGION,
  vpcId: vpc.VpcId,
  vpc,
  subnets: [
    subnet(vpc, PRIVATE_A, {
      name: 'analytics-isolated-a',
      cidr: '10.30.0.0/20',
      az: 'us-east-1a',
      free: 3_900,
      tags: clusterTag('data-pipeline'),
    }),
    subnet(vpc, PRIVATE_B, {
      name: 'analytics-isolated-b',
      cidr: '10.30.16.0/20',
      az: 'us-east-1b',
      free: 3_870,
      tags: clusterTag('data-pipeline'),
    }),
    // A /26 for batch nodes in us-east-1d, nearly full (3 of 59 usable addresses left),
    // in a zone where none of the VPC's interface endpoints has a network interface.
    subnet(vpc, BATCH_D, {
      name: 'analytics-batch-d',
      cidr: '10.30.32.0/26',
      az: 'us-east-1d',
      free: 3,
      tags: clusterTag('data-pipeline'),
    }),
    // Public subnet (an IGW for a bastion, no NAT) wrongly tagged for internal load balancers.
    subnet(vpc, PUBLIC_A, {
      name: 'analytics-bastion-a',
      cidr: '10.30.100.0/24',
      az: 'us-east-1a',
      free: 250,
      tags: { ...clusterTag('data-pipeline'), ...INTERNAL_ELB },
      mapPublicIp: true,
    }),
  ],
  routeTables: [
    routeTable(vpc, 'rtb-0b2000000000000m1', [], [], true),
    routeTable(
      vpc,
      'rtb-0b20000000000pub1',
      [defaultRoute({ GatewayId: 'igw-0b2000000000000a1' })],
      [PUBLIC_A],
    ),
  ],
  securityGroups: [
    // Hand-made cluster SG: no self-ingress, nothing on 443 from the nodes.
    securityGroup(
      vpc,
      DP_SG,
      'eks-cluster-sg-data-pipeline-4455',
      [tcp(443, { cidrs: ['192.168.0.0/16'] })],
      clusterTag('data-pipeline', 'owned'),
    ),
    // Two node SGs, both tagged for the cluster: the load balancer controller needs one.
    securityGroup(
      vpc,
      DP_NODE_A,
      'data-pipeline-nodes',
      [selfAll(DP_NODE_A)],
      clusterTag('data-pipeline', 'owned'),
    ),
    securityGroup(
      vpc,
      DP_NODE_B,
      'data-pipeline-nodes-extra',
      [tcp(9100, { group: DP_NODE_A })],
      clusterTag('data-pipeline', 'owned'),
    ),
  ],
  vpcEndpoints: [
    {
      VpcEndpointId: 'vpce-0b20000000000ec21',
      VpcId: vpc.VpcId,
      ServiceName: 'com.amazonaws.us-east-1.ec2',
      VpcEndpointType: 'Interface',
      State: 'available',
      PrivateDnsEnabled: true,
      SubnetIds: [PRIVATE_A, PRIVATE_B],
    },
    {
      VpcEndpointId: 'vpce-0b20000000000ecr1',
      VpcId: vpc.VpcId,
      ServiceName: 'com.amazonaws.us-east-1.ecr.api',
      VpcEndpointType: 'Interface',
      State: 'available',
      PrivateDnsEnabled: false,
      SubnetIds: [PRIVATE_A, PRIVATE_B],
    },
    // Associated with the public table only, so the isolated subnets cannot use it.
    {
      VpcEndpointId: 'vpce-0b20000000000s3g1',
      VpcId: vpc.VpcId,
      ServiceName: 'com.amazonaws.us-east-1.s3',
      VpcEndpointType: 'Gateway',
      State: 'available',
      RouteTableIds: ['rtb-0b20000000000pub1'],
    },
  ],
  natGateways: [],
  instances: [
    node(vpc, 'i-0b2000000000000d1', pipelineNode(PRIVATE_A)),
    node(vpc, 'i-0b2000000000000d2', pipelineNode(BATCH_D)),
  ],
  networkAcls: [defaultNetworkAcl(vpc, 'acl-0b20000000000def1', [PRIVATE_A, PRIVATE_B, BATCH_D, PUBLIC_A])],
  flowLogs: [flowLog(vpc, 'fl-0b20000000000rej1', 'REJECT')],
  incomplete: [],
};

export const dataPipeline: ClusterInventory = {
  region: REGION,
  vpcId: vpc.VpcId,
  cluster: {
    name: 'data-pipeline',
    arn: clusterArn(REGION, 'data-pipeline'),
    status: 'ACTIVE',
    version: '1.30',
    tags: { team: 'data', env: 'prod' },
    resourcesVpcConfig: {
      subnetIds: [PRIVATE_A, PRIVATE_B],
      securityGroupIds: [],
      clusterSecurityGroupId: DP_SG,
      vpcId: vpc.VpcId,
      endpointPublicAccess: false,
      endpointPrivateAccess: true,
      publicAccessCidrs: [],
    },
    kubernetesNetworkConfig: { ipFamily: 'ipv4', serviceIpv4Cidr: '172.20.0.0/16' },
  },
  nodegroups: [
    {
      nodegroupName: 'pipeline-r6i',
      status: 'ACTIVE',
      subnets: [PRIVATE_A, BATCH_D],
      instanceTypes: ['r6i.2xlarge'],
    },
  ],
  fargateProfiles: [{ fargateProfileName: 'fp-ingest', status: 'ACTIVE', subnets: [PUBLIC_A] }],
  vpcCni: {
    state: 'installed',
    addonVersion: 'v1.19.0-eksbuild.1',
    configurationValues: JSON.stringify({
      env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true', AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' },
    }),
  },
  incomplete: [],
};
