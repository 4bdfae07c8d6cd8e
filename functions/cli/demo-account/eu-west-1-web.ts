/**
 * eu-west-1 / VPC "eu-web": `storefront-auto`, an EKS Auto Mode cluster made with the
 * console's quick configuration in a VPC of public subnets. See `../demo-account.ts`.
 */
import type { ClusterInventory, Ec2Vpc, VpcInventory } from '../../core/snapshot.ts';
import {
  clusterArn,
  clusterTag,
  defaultNetworkAcl,
  defaultRoute,
  ELB,
  type NodeSpec,
  node,
  routeTable,
  securityGroup,
  selfAll,
  subnet,
  tcp,
} from './builders.ts';

const REGION = 'eu-west-1';
const NAME = 'storefront-auto';
const CLUSTER_SG = 'sg-0e7b8c9d0e1f2a301';
const WEB_SG = 'sg-0e7b8c9d0e1f2a302';

const vpc: Ec2Vpc = {
  VpcId: 'vpc-0e7a8b9c0d1e2f307',
  CidrBlock: '10.70.0.0/16',
  CidrBlocks: ['10.70.0.0/16'],
  EnableDnsSupport: true,
  EnableDnsHostnames: true,
};

const PUBLIC_A = 'subnet-0e70000000000a1a1';
const PUBLIC_B = 'subnet-0e70000000000b1b1';
const PUBLIC_C = 'subnet-0e70000000000c1c1';

/**
 * A node of the Auto Mode `general-purpose` pool (tags as EKS writes them). Its node
 * class adds the web SG; EKS manages its metadata options and load balancing.
 */
const autoNode = (subnetId: string, publicIp: string, type: string): NodeSpec => ({
  subnetId,
  type,
  securityGroups: [CLUSTER_SG, WEB_SG],
  publicIp,
  tags: {
    'eks:eks-cluster-name': NAME,
    'eks:kubernetes-node-pool-name': 'general-purpose',
    'eks:kubernetes-node-class-name': 'default',
  },
});

export const euWebVpc: VpcInventory = {
  region: REGION,
  vpcId: vpc.VpcId,
  vpc,
  subnets: [
    subnet(vpc, PUBLIC_A, {
      name: 'eu-web-public-a',
      cidr: '10.70.0.0/20',
      az: 'eu-west-1a',
      free: 4_070,
      tags: ELB,
      mapPublicIp: true,
    }),
    subnet(vpc, PUBLIC_B, {
      name: 'eu-web-public-b',
      cidr: '10.70.16.0/20',
      az: 'eu-west-1b',
      free: 4_084,
      tags: ELB,
      mapPublicIp: true,
    }),
    subnet(vpc, PUBLIC_C, {
      name: 'eu-web-public-c',
      cidr: '10.70.32.0/20',
      az: 'eu-west-1c',
      free: 4_086,
      tags: ELB,
      mapPublicIp: true,
    }),
  ],
  routeTables: [
    routeTable(vpc, 'rtb-0e7000000000000m1', [], [], true),
    routeTable(
      vpc,
      'rtb-0e70000000000pub1',
      [defaultRoute({ GatewayId: 'igw-0e7000000000000a1' })],
      [PUBLIC_A, PUBLIC_B, PUBLIC_C],
    ),
  ],
  securityGroups: [
    securityGroup(
      vpc,
      CLUSTER_SG,
      `eks-cluster-sg-${NAME}-31337`,
      [selfAll(CLUSTER_SG)],
      clusterTag(NAME, 'owned'),
    ),
    // Meant as "HTTPS from CloudFront", written as all of 52.0.0.0/8. Its tags were
    // copied from the cluster SG, so nodes carry two SGs tagged for the cluster: that
    // would break the load balancer controller, but EKS runs Auto Mode's load balancing.
    securityGroup(
      vpc,
      WEB_SG,
      `${NAME}-web`,
      [tcp(443, { cidrs: ['52.0.0.0/8'] })],
      clusterTag(NAME, 'owned'),
    ),
  ],
  vpcEndpoints: [],
  natGateways: [],
  instances: [
    node(vpc, 'i-0e7000000000000a1', autoNode(PUBLIC_A, '63.33.41.205', 'c6a.large')),
    node(vpc, 'i-0e7000000000000a2', autoNode(PUBLIC_A, '52.48.120.9', 'm6a.xlarge')),
    node(vpc, 'i-0e7000000000000a3', autoNode(PUBLIC_B, '18.203.77.61', 'c6a.large')),
  ],
  networkAcls: [defaultNetworkAcl(vpc, 'acl-0e70000000000def1', [PUBLIC_A, PUBLIC_B, PUBLIC_C])],
  // The quick-configuration VPC has no flow log.
  flowLogs: [],
  incomplete: [],
};

export const storefrontAuto: ClusterInventory = {
  region: REGION,
  vpcId: vpc.VpcId,
  cluster: {
    name: NAME,
    arn: clusterArn(REGION, NAME),
    status: 'ACTIVE',
    version: '1.32',
    tags: { team: 'storefront', env: 'prod' },
    resourcesVpcConfig: {
      subnetIds: [PUBLIC_A, PUBLIC_B, PUBLIC_C],
      securityGroupIds: [],
      clusterSecurityGroupId: CLUSTER_SG,
      vpcId: vpc.VpcId,
      endpointPublicAccess: true,
      endpointPrivateAccess: true,
      // A deploy policy refuses 0.0.0.0/0 here, so someone wrote it as its two halves.
      publicAccessCidrs: ['0.0.0.0/1', '128.0.0.0/1'],
    },
    kubernetesNetworkConfig: { ipFamily: 'ipv4', serviceIpv4Cidr: '172.20.0.0/16' },
    computeConfig: {
      enabled: true,
      nodePools: ['general-purpose', 'system'],
      nodeRoleArn: 'arn:aws:iam::111122223333:role/AmazonEKSAutoNodeRole',
    },
  },
  nodegroups: [],
  fargateProfiles: [],
  // Auto Mode nodes carry their own CNI: there is no vpc-cni add-on to read.
  vpcCni: { state: 'absent' },
  incomplete: [],
};
