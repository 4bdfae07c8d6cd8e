/**
 * A bundled demo account (111122223333) used by `scan --demo`, `npm start` and the
 * local stack. Four clusters in two regions and three VPCs, built to look like a real
 * account that grew over time:
 *
 * - `payments-prod` (us-east-1, VPC "platform"): the well-run cluster. Private endpoint,
 *   public endpoint restricted to the office range, nodes in tagged private subnets in
 *   three AZs, network policies on. One subnet is running low on addresses (MEDIUM).
 * - `checkout-staging` (same VPC): created by hand from the console — world-open public
 *   endpoint, no private endpoint, both subnets in one AZ, a node group in a public
 *   subnet with SSH open to the world, t3 nodes with security groups for pods, external
 *   SNAT on a public subnet, and a subnet tag copied from payments-prod.
 * - `data-pipeline` (us-east-1, VPC "analytics"): a private cluster in isolated subnets
 *   without the VPC endpoints it needs, DNS hostnames off, hand-made security groups
 *   that break node ↔ control-plane traffic, a Fargate profile on a public subnet.
 * - `analytics-eu` (eu-west-1): public endpoint only, restricted to CIDRs that do not
 *   include the NAT gateway's address, so the nodes cannot reach it.
 *
 * Everything here is data in the snapshot format; it never touches AWS.
 */
import type {
  ClusterInventory,
  Ec2IpPermission,
  Ec2RouteTable,
  Ec2SecurityGroup,
  Ec2Subnet,
  Snapshot,
  TagMap,
  VpcInventory,
} from '../core/snapshot.ts';

export const DEMO_ACCOUNT_ID = '111122223333';
const USE1 = 'us-east-1';
const EUW1 = 'eu-west-1';

const arn = (region: string, name: string) => `arn:aws:eks:${region}:${DEMO_ACCOUNT_ID}:cluster/${name}`;
const clusterTag = (name: string, value = 'shared'): TagMap => ({ [`kubernetes.io/cluster/${name}`]: value });
const ELB: TagMap = { 'kubernetes.io/role/elb': '1' };
const INTERNAL_ELB: TagMap = { 'kubernetes.io/role/internal-elb': '1' };

function subnet(
  vpcId: string,
  id: string,
  cidr: string,
  az: string,
  free: number,
  tags: TagMap,
  mapPublicIp = false,
): Ec2Subnet {
  return {
    SubnetId: id,
    VpcId: vpcId,
    CidrBlock: cidr,
    AvailabilityZone: az,
    AvailableIpAddressCount: free,
    MapPublicIpOnLaunch: mapPublicIp,
    Tags: { Name: id.replace(/^subnet-0[0-9a-f]+-?/, ''), ...tags },
  };
}

function table(
  vpcId: string,
  id: string,
  cidr: string,
  target: Record<string, string> | undefined,
  subnets: string[],
  main = false,
): Ec2RouteTable {
  return {
    RouteTableId: id,
    VpcId: vpcId,
    Routes: [
      { DestinationCidrBlock: cidr, GatewayId: 'local', State: 'active' },
      ...(target ? [{ DestinationCidrBlock: '0.0.0.0/0', State: 'active', ...target }] : []),
    ],
    Associations: [...(main ? [{ Main: true }] : []), ...subnets.map((SubnetId) => ({ SubnetId }))],
  };
}

function sg(
  vpcId: string,
  id: string,
  name: string,
  rules: Ec2IpPermission[],
  tags: TagMap = {},
): Ec2SecurityGroup {
  return { GroupId: id, GroupName: name, VpcId: vpcId, IpPermissions: rules, Tags: tags };
}
const selfAll = (id: string): Ec2IpPermission => ({ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: id }] });
const tcpFrom = (port: number, source: { cidr?: string; group?: string }): Ec2IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  ...(source.cidr ? { IpRanges: [{ CidrIp: source.cidr }] } : {}),
  ...(source.group ? { UserIdGroupPairs: [{ GroupId: source.group }] } : {}),
});

// ── us-east-1 / VPC "platform": payments-prod and checkout-staging ─────────────────
const PLATFORM = 'vpc-0a1e2b3c4d5e6f701';
const PAY_SG = 'sg-0e1a2b3c4d5e6f701';
const STG_SG = 'sg-0e1a2b3c4d5e6f702';
const STG_SSH_SG = 'sg-0e1a2b3c4d5e6f703';

const platformVpc: VpcInventory = {
  region: USE1,
  vpcId: PLATFORM,
  vpc: {
    VpcId: PLATFORM,
    CidrBlock: '10.20.0.0/16',
    CidrBlocks: ['10.20.0.0/16', '100.64.0.0/16'],
    EnableDnsSupport: true,
    EnableDnsHostnames: true,
  },
  subnets: [
    subnet(PLATFORM, 'subnet-0a10000000000a1a1', '10.20.0.0/19', 'us-east-1a', 7_890, {
      ...clusterTag('payments-prod'),
      ...INTERNAL_ELB,
    }),
    subnet(PLATFORM, 'subnet-0a10000000000b1b1', '10.20.32.0/19', 'us-east-1b', 8_011, {
      ...clusterTag('payments-prod'),
      ...INTERNAL_ELB,
    }),
    // Busy subnet: 1,000 of 8,187 usable addresses free (12 %, below the 15 % MEDIUM line).
    subnet(PLATFORM, 'subnet-0a10000000000c1c1', '10.20.64.0/19', 'us-east-1c', 1_000, {
      ...clusterTag('payments-prod'),
      ...INTERNAL_ELB,
    }),
    subnet(PLATFORM, 'subnet-0a10000000000a2a2', '10.20.200.0/24', 'us-east-1a', 245, { ...ELB }, true),
    subnet(PLATFORM, 'subnet-0a10000000000b2b2', '10.20.201.0/24', 'us-east-1b', 246, { ...ELB }, true),
    // checkout-staging: both cluster subnets in us-east-1a; one carries payments-prod's tag.
    subnet(PLATFORM, 'subnet-0a10000000000a3a3', '10.20.96.0/22', 'us-east-1a', 1_010, {
      ...clusterTag('checkout-staging'),
      ...INTERNAL_ELB,
    }),
    subnet(PLATFORM, 'subnet-0a10000000000a4a4', '10.20.100.0/22', 'us-east-1a', 1_001, {
      ...clusterTag('payments-prod', 'owned'),
      ...clusterTag('checkout-staging'),
      ...INTERNAL_ELB,
    }),
    // Public subnet used by checkout's node group: no cluster tag, no elb tag, no public IPs.
    subnet(PLATFORM, 'subnet-0a10000000000c2c2', '10.20.202.0/24', 'us-east-1c', 240, {}, false),
  ],
  routeTables: [
    table(PLATFORM, 'rtb-0a1000000000000m1', '10.20.0.0/16', undefined, [], true),
    table(PLATFORM, 'rtb-0a10000000000pub1', '10.20.0.0/16', { GatewayId: 'igw-0a1000000000000a1' }, [
      'subnet-0a10000000000a2a2',
      'subnet-0a10000000000b2b2',
      'subnet-0a10000000000c2c2',
    ]),
    table(PLATFORM, 'rtb-0a10000000000prv1', '10.20.0.0/16', { NatGatewayId: 'nat-0a1000000000000a1' }, [
      'subnet-0a10000000000a1a1',
      'subnet-0a10000000000b1b1',
      'subnet-0a10000000000c1c1',
      'subnet-0a10000000000a3a3',
      'subnet-0a10000000000a4a4',
    ]),
  ],
  securityGroups: [
    sg(
      PLATFORM,
      PAY_SG,
      'eks-cluster-sg-payments-prod-1870012345',
      [selfAll(PAY_SG)],
      clusterTag('payments-prod', 'owned'),
    ),
    sg(
      PLATFORM,
      STG_SG,
      'eks-cluster-sg-checkout-staging-998877',
      [selfAll(STG_SG)],
      clusterTag('checkout-staging', 'owned'),
    ),
    sg(PLATFORM, STG_SSH_SG, 'eks-remoteAccess-checkout-ng-public', [tcpFrom(22, { cidr: '0.0.0.0/0' })]),
  ],
  vpcEndpoints: [],
  natGateways: [
    {
      NatGatewayId: 'nat-0a1000000000000a1',
      VpcId: PLATFORM,
      SubnetId: 'subnet-0a10000000000a2a2',
      State: 'available',
      ConnectivityType: 'public',
      PublicIps: ['54.210.17.40'],
    },
  ],
  instances: ['i-0a1000000000000p1', 'i-0a1000000000000p2', 'i-0a1000000000000p3'].map((id, n) => ({
    InstanceId: id,
    VpcId: PLATFORM,
    SubnetId: ['subnet-0a10000000000a1a1', 'subnet-0a10000000000b1b1', 'subnet-0a10000000000c1c1'][n],
    InstanceType: 'm6i.xlarge',
    State: 'running',
    SecurityGroupIds: [PAY_SG],
    Tags: {
      'eks:cluster-name': 'payments-prod',
      'eks:nodegroup-name': 'payments-m6i',
      ...clusterTag('payments-prod', 'owned'),
    },
  })),
  networkAcls: [],
  flowLogs: [],
  incomplete: [],
};

const paymentsProd: ClusterInventory = {
  region: USE1,
  vpcId: PLATFORM,
  cluster: {
    name: 'payments-prod',
    arn: arn(USE1, 'payments-prod'),
    status: 'ACTIVE',
    version: '1.31',
    tags: { team: 'payments', env: 'prod' },
    resourcesVpcConfig: {
      subnetIds: ['subnet-0a10000000000a1a1', 'subnet-0a10000000000b1b1', 'subnet-0a10000000000c1c1'],
      securityGroupIds: [],
      clusterSecurityGroupId: PAY_SG,
      vpcId: PLATFORM,
      endpointPublicAccess: true,
      endpointPrivateAccess: true,
      publicAccessCidrs: ['203.0.113.0/24'],
    },
  },
  nodegroups: [
    {
      nodegroupName: 'payments-m6i',
      status: 'ACTIVE',
      subnets: ['subnet-0a10000000000a1a1', 'subnet-0a10000000000b1b1', 'subnet-0a10000000000c1c1'],
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

const checkoutStaging: ClusterInventory = {
  region: USE1,
  vpcId: PLATFORM,
  cluster: {
    name: 'checkout-staging',
    arn: arn(USE1, 'checkout-staging'),
    status: 'ACTIVE',
    version: '1.29',
    tags: { team: 'checkout', env: 'staging' },
    resourcesVpcConfig: {
      subnetIds: ['subnet-0a10000000000a3a3', 'subnet-0a10000000000a4a4'],
      securityGroupIds: [],
      clusterSecurityGroupId: STG_SG,
      vpcId: PLATFORM,
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
      publicAccessCidrs: ['0.0.0.0/0'],
    },
  },
  nodegroups: [
    {
      nodegroupName: 'checkout-ng-public',
      status: 'ACTIVE',
      subnets: ['subnet-0a10000000000c2c2'],
      instanceTypes: ['t3.large'],
      remoteAccess: { ec2SshKey: 'checkout-admin' },
      resources: { remoteAccessSecurityGroup: STG_SSH_SG },
    },
  ],
  fargateProfiles: [],
  vpcCni: {
    state: 'installed',
    addonVersion: 'v1.18.3-eksbuild.2',
    configurationValues: JSON.stringify({
      env: { ENABLE_POD_ENI: 'true', AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' },
    }),
  },
  incomplete: [],
};

// ── us-east-1 / VPC "analytics": data-pipeline (private cluster) ───────────────────
const ANALYTICS = 'vpc-0b2e3c4d5e6f70802';
const DP_SG = 'sg-0e2b3c4d5e6f70801';
const DP_NODE_A = 'sg-0e2b3c4d5e6f70802';
const DP_NODE_B = 'sg-0e2b3c4d5e6f70803';

const analyticsVpc: VpcInventory = {
  region: USE1,
  vpcId: ANALYTICS,
  vpc: {
    VpcId: ANALYTICS,
    CidrBlock: '10.30.0.0/16',
    CidrBlocks: ['10.30.0.0/16'],
    EnableDnsSupport: true,
    EnableDnsHostnames: false,
  },
  subnets: [
    subnet(
      ANALYTICS,
      'subnet-0b20000000000a1a1',
      '10.30.0.0/20',
      'us-east-1a',
      3_900,
      clusterTag('data-pipeline'),
    ),
    subnet(
      ANALYTICS,
      'subnet-0b20000000000b1b1',
      '10.30.16.0/20',
      'us-east-1b',
      3_870,
      clusterTag('data-pipeline'),
    ),
    // A /26 for batch nodes that is nearly full: 3 of 59 usable addresses left.
    subnet(
      ANALYTICS,
      'subnet-0b20000000000d1d1',
      '10.30.32.0/26',
      'us-east-1d',
      3,
      clusterTag('data-pipeline'),
    ),
    // Public subnet (NAT-less VPC with an IGW for a bastion) wrongly tagged for internal LBs.
    subnet(
      ANALYTICS,
      'subnet-0b20000000000a2a2',
      '10.30.100.0/24',
      'us-east-1a',
      250,
      { ...clusterTag('data-pipeline'), ...INTERNAL_ELB },
      true,
    ),
  ],
  routeTables: [
    table(ANALYTICS, 'rtb-0b2000000000000m1', '10.30.0.0/16', undefined, [], true),
    table(ANALYTICS, 'rtb-0b20000000000pub1', '10.30.0.0/16', { GatewayId: 'igw-0b2000000000000a1' }, [
      'subnet-0b20000000000a2a2',
    ]),
  ],
  securityGroups: [
    // Hand-made cluster SG: no self-ingress, nothing on 443 from the nodes.
    sg(
      ANALYTICS,
      DP_SG,
      'eks-cluster-sg-data-pipeline-4455',
      [tcpFrom(443, { cidr: '192.168.0.0/16' })],
      clusterTag('data-pipeline', 'owned'),
    ),
    sg(
      ANALYTICS,
      DP_NODE_A,
      'data-pipeline-nodes',
      [selfAll(DP_NODE_A)],
      clusterTag('data-pipeline', 'owned'),
    ),
    sg(
      ANALYTICS,
      DP_NODE_B,
      'data-pipeline-nodes-extra',
      [tcpFrom(9100, { group: DP_NODE_A })],
      clusterTag('data-pipeline', 'owned'),
    ),
  ],
  vpcEndpoints: [
    {
      VpcEndpointId: 'vpce-0b20000000000ec21',
      VpcId: ANALYTICS,
      ServiceName: 'com.amazonaws.us-east-1.ec2',
      VpcEndpointType: 'Interface',
      State: 'available',
      PrivateDnsEnabled: true,
      SubnetIds: ['subnet-0b20000000000a1a1', 'subnet-0b20000000000b1b1'],
    },
    {
      VpcEndpointId: 'vpce-0b20000000000ecr1',
      VpcId: ANALYTICS,
      ServiceName: 'com.amazonaws.us-east-1.ecr.api',
      VpcEndpointType: 'Interface',
      State: 'available',
      PrivateDnsEnabled: false,
      SubnetIds: ['subnet-0b20000000000a1a1', 'subnet-0b20000000000b1b1'],
    },
    {
      VpcEndpointId: 'vpce-0b20000000000s3g1',
      VpcId: ANALYTICS,
      ServiceName: 'com.amazonaws.us-east-1.s3',
      VpcEndpointType: 'Gateway',
      State: 'available',
      RouteTableIds: ['rtb-0b20000000000pub1'],
    },
  ],
  natGateways: [],
  instances: [
    {
      InstanceId: 'i-0b2000000000000d1',
      VpcId: ANALYTICS,
      SubnetId: 'subnet-0b20000000000a1a1',
      InstanceType: 'r6i.2xlarge',
      State: 'running',
      SecurityGroupIds: [DP_NODE_A, DP_NODE_B],
      Tags: { 'eks:cluster-name': 'data-pipeline', 'eks:nodegroup-name': 'pipeline-r6i' },
    },
    {
      InstanceId: 'i-0b2000000000000d2',
      VpcId: ANALYTICS,
      SubnetId: 'subnet-0b20000000000d1d1',
      InstanceType: 'r6i.2xlarge',
      State: 'running',
      SecurityGroupIds: [DP_NODE_A, DP_NODE_B],
      Tags: { 'eks:cluster-name': 'data-pipeline', 'eks:nodegroup-name': 'pipeline-r6i' },
    },
  ],
  networkAcls: [],
  flowLogs: [],
  incomplete: [],
};

const dataPipeline: ClusterInventory = {
  region: USE1,
  vpcId: ANALYTICS,
  cluster: {
    name: 'data-pipeline',
    arn: arn(USE1, 'data-pipeline'),
    status: 'ACTIVE',
    version: '1.30',
    tags: { team: 'data', env: 'prod' },
    resourcesVpcConfig: {
      subnetIds: ['subnet-0b20000000000a1a1', 'subnet-0b20000000000b1b1'],
      securityGroupIds: [],
      clusterSecurityGroupId: DP_SG,
      vpcId: ANALYTICS,
      endpointPublicAccess: false,
      endpointPrivateAccess: true,
      publicAccessCidrs: [],
    },
  },
  nodegroups: [
    {
      nodegroupName: 'pipeline-r6i',
      status: 'ACTIVE',
      subnets: ['subnet-0b20000000000a1a1', 'subnet-0b20000000000d1d1'],
      instanceTypes: ['r6i.2xlarge'],
    },
  ],
  fargateProfiles: [
    { fargateProfileName: 'fp-ingest', status: 'ACTIVE', subnets: ['subnet-0b20000000000a2a2'] },
  ],
  vpcCni: {
    state: 'installed',
    addonVersion: 'v1.19.0-eksbuild.1',
    configurationValues: JSON.stringify({
      env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true', AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' },
    }),
  },
  incomplete: [],
};

// ── eu-west-1 / VPC "eu-main": analytics-eu ────────────────────────────────────────
const EU_MAIN = 'vpc-0c3f4d5e6f7081903';
const EU_SG = 'sg-0e3c4d5e6f7081901';

const euMainVpc: VpcInventory = {
  region: EUW1,
  vpcId: EU_MAIN,
  vpc: {
    VpcId: EU_MAIN,
    CidrBlock: '10.40.0.0/16',
    CidrBlocks: ['10.40.0.0/16'],
    EnableDnsSupport: true,
    EnableDnsHostnames: true,
  },
  subnets: [
    subnet(EU_MAIN, 'subnet-0c30000000000a1a1', '10.40.0.0/19', 'eu-west-1a', 8_120, {
      ...clusterTag('analytics-eu'),
      ...INTERNAL_ELB,
    }),
    subnet(EU_MAIN, 'subnet-0c30000000000b1b1', '10.40.32.0/19', 'eu-west-1b', 8_097, {
      ...clusterTag('analytics-eu'),
      ...INTERNAL_ELB,
    }),
    subnet(EU_MAIN, 'subnet-0c30000000000c1c1', '10.40.64.0/19', 'eu-west-1c', 8_150, {
      ...clusterTag('analytics-eu'),
      ...INTERNAL_ELB,
    }),
    subnet(EU_MAIN, 'subnet-0c30000000000a2a2', '10.40.200.0/24', 'eu-west-1a', 249, ELB, true),
  ],
  routeTables: [
    table(EU_MAIN, 'rtb-0c3000000000000m1', '10.40.0.0/16', undefined, [], true),
    table(EU_MAIN, 'rtb-0c30000000000pub1', '10.40.0.0/16', { GatewayId: 'igw-0c3000000000000a1' }, [
      'subnet-0c30000000000a2a2',
    ]),
    table(EU_MAIN, 'rtb-0c30000000000prv1', '10.40.0.0/16', { NatGatewayId: 'nat-0c3000000000000a1' }, [
      'subnet-0c30000000000a1a1',
      'subnet-0c30000000000b1b1',
      'subnet-0c30000000000c1c1',
    ]),
  ],
  // HTTPS open to the world on the cluster SG (someone "fixed" a kubectl timeout).
  securityGroups: [
    sg(
      EU_MAIN,
      EU_SG,
      'eks-cluster-sg-analytics-eu-7788',
      [selfAll(EU_SG), tcpFrom(443, { cidr: '0.0.0.0/0' })],
      clusterTag('analytics-eu', 'owned'),
    ),
  ],
  vpcEndpoints: [],
  natGateways: [
    {
      NatGatewayId: 'nat-0c3000000000000a1',
      VpcId: EU_MAIN,
      SubnetId: 'subnet-0c30000000000a2a2',
      State: 'available',
      ConnectivityType: 'public',
      PublicIps: ['34.240.17.9'],
    },
  ],
  instances: [],
  networkAcls: [],
  flowLogs: [],
  incomplete: [],
};

const analyticsEu: ClusterInventory = {
  region: EUW1,
  vpcId: EU_MAIN,
  cluster: {
    name: 'analytics-eu',
    arn: arn(EUW1, 'analytics-eu'),
    status: 'ACTIVE',
    version: '1.31',
    // Calico enforces network policies here, so the vpc-cni flag is not needed.
    tags: { team: 'analytics', 'network-policy-engine': 'calico' },
    resourcesVpcConfig: {
      subnetIds: ['subnet-0c30000000000a1a1', 'subnet-0c30000000000b1b1', 'subnet-0c30000000000c1c1'],
      securityGroupIds: [],
      clusterSecurityGroupId: EU_SG,
      vpcId: EU_MAIN,
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
      publicAccessCidrs: ['198.51.100.0/24', '52.16.0.0/12'],
    },
  },
  nodegroups: [
    {
      nodegroupName: 'analytics-c6i',
      status: 'ACTIVE',
      subnets: ['subnet-0c30000000000a1a1', 'subnet-0c30000000000b1b1', 'subnet-0c30000000000c1c1'],
      instanceTypes: ['c6i.2xlarge'],
    },
  ],
  fargateProfiles: [],
  vpcCni: { state: 'absent' },
  incomplete: [],
};

/** The demo account's snapshot, as the collector would have produced it. */
export const DEMO_SNAPSHOT: Snapshot = {
  schemaVersion: 1,
  scannedAt: '2026-01-15T09:30:00.000Z',
  accountId: DEMO_ACCOUNT_ID,
  regions: [USE1, EUW1],
  clusters: [paymentsProd, checkoutStaging, dataPipeline, analyticsEu],
  vpcs: [platformVpc, analyticsVpc, euMainVpc],
  errors: [],
};

/** A deep copy of the demo snapshot, safe to mutate. */
export function demoSnapshot(): Snapshot {
  return structuredClone(DEMO_SNAPSHOT);
}
