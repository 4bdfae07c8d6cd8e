/**
 * Seeded synthetic AWS accounts for the benchmarks, in the SDK's own response shapes
 * (what `DescribeSubnets`, `DescribeCluster`… return), so the collector runs exactly as
 * against AWS. Same size + seed → the same account, byte for byte.
 *
 * Layout per cluster VPC: subnets in three AZs cycling public / private-egress /
 * private-egress / isolated, a main route table (isolated), one public table, one private
 * table per ten subnets (default route to the AZ's NAT gateway) and the NAT gateways.
 * Each cluster owns a cluster SG, an additional SG, a node SG and (for SSH node groups) a
 * remote-access SG; filler SGs bring the VPC to its SG count, every SG with 5 ingress
 * rules. Node instances are tagged `eks:cluster-name`; stopped nodes, untagged instances
 * and whole VPCs without clusters are noise the collector's filters must leave out.
 * Every VPC has the allow-all default network ACL plus custom ACLs (443, 10250 and
 * ephemeral-port allows, filler allow/deny entries) on some of its subnets, and most have
 * a VPC flow log; subnet flow logs are noise the `resource-id` filter must leave out.
 * Misconfigurations are drawn with fixed probabilities so every rule family fires. The
 * catalog-v2 inventory (ACLs, flow logs, metadata options) draws from its own PRNG
 * stream, so the rest of an account is the same as before it existed.
 */
import type {
  FlowLog,
  Instance,
  IpPermission,
  NatGateway,
  NetworkAcl,
  NetworkAclEntry,
  RouteTable,
  SecurityGroup,
  Subnet,
  Tag,
  Vpc,
  VpcEndpoint,
} from '@aws-sdk/client-ec2';
import type { Addon, Cluster, FargateProfile, Nodegroup } from '@aws-sdk/client-eks';

export const BENCH_ACCOUNT_ID = '123456789012';
export const BENCH_REGION = 'eu-west-1';
const AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

export type SizeName = 'S' | 'M' | 'L' | 'NACL';

export interface SizeSpec {
  name: SizeName;
  clusters: number;
  vpcs: number;
  subnets: number;
  securityGroups: number;
  nodeInstances: number;
  /** Network ACLs per cluster VPC, the default one included. */
  networkAclsPerVpc: number;
  /** Entries of each custom ACL, both directions and the two `*` rules included (the default ACL has 4). */
  entriesPerAcl: number;
}

/**
 * L is the account of issue 6; S and M are 1/20 and 1/4 of it. NACL is the network-ACL
 * heavy account of issue 10: 50 VPCs × 20 ACLs × 40 entries, with M's other figures
 * spread over those 50 VPCs, so that ACLs are the bulk of its snapshot.
 */
export const SIZES: Record<SizeName, SizeSpec> = {
  S: {
    name: 'S',
    clusters: 10,
    vpcs: 3,
    subnets: 400,
    securityGroups: 1000,
    nodeInstances: 200,
    networkAclsPerVpc: 3,
    entriesPerAcl: 12,
  },
  M: {
    name: 'M',
    clusters: 50,
    vpcs: 13,
    subnets: 2000,
    securityGroups: 5000,
    nodeInstances: 1000,
    networkAclsPerVpc: 3,
    entriesPerAcl: 12,
  },
  L: {
    name: 'L',
    clusters: 200,
    vpcs: 50,
    subnets: 8000,
    securityGroups: 20000,
    nodeInstances: 4000,
    networkAclsPerVpc: 3,
    entriesPerAcl: 12,
  },
  NACL: {
    name: 'NACL',
    clusters: 50,
    vpcs: 50,
    subnets: 2000,
    securityGroups: 5000,
    nodeInstances: 1000,
    networkAclsPerVpc: 20,
    entriesPerAcl: 40,
  },
};

/** Everything the fake serves for one region. */
export interface SyntheticAccount {
  accountId: string;
  region: string;
  size: SizeName;
  seed: number;
  clusters: Cluster[];
  nodegroups: Map<string, Nodegroup[]>;
  fargateProfiles: Map<string, FargateProfile[]>;
  /** Clusters without an entry have no vpc-cni add-on (DescribeAddon → ResourceNotFoundException). */
  addons: Map<string, Addon>;
  vpcs: Vpc[];
  /** `enableDnsSupport` / `enableDnsHostnames` per VPC. */
  vpcDns: Map<string, { support: boolean; hostnames: boolean }>;
  subnets: Subnet[];
  routeTables: RouteTable[];
  securityGroups: SecurityGroup[];
  vpcEndpoints: VpcEndpoint[];
  natGateways: NatGateway[];
  instances: Instance[];
  networkAcls: NetworkAcl[];
  /** Flow logs of VPCs and (noise) of subnets. */
  flowLogs: FlowLog[];
}

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG; enough for synthetic data. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (n: number, width = 17) => n.toString(16).padStart(width, '0');
const tags = (map: Record<string, string>): Tag[] =>
  Object.entries(map).map(([Key, Value]) => ({ Key, Value }));

/** Splits `total` into `parts` near-equal integers. */
function spread(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

type SubnetClass = 'public' | 'private' | 'isolated';
const classOf = (j: number): SubnetClass => (['public', 'private', 'private', 'isolated'] as const)[j % 4]!;

interface Ids {
  next(prefix: string): string;
}

function createIds(): Ids {
  const counters = new Map<string, number>();
  return {
    next(prefix) {
      const n = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, n);
      return `${prefix}-${hex(n)}`;
    },
  };
}

const perm = (protocol: string, from: number | undefined, to: number | undefined): IpPermission => ({
  IpProtocol: protocol,
  ...(from !== undefined ? { FromPort: from, ToPort: to } : {}),
  IpRanges: [],
  Ipv6Ranges: [],
  UserIdGroupPairs: [],
  PrefixListIds: [],
});
const fromCidr = (p: IpPermission, cidr: string): IpPermission => ({ ...p, IpRanges: [{ CidrIp: cidr }] });
const fromGroup = (p: IpPermission, groupId: string): IpPermission => ({
  ...p,
  UserIdGroupPairs: [{ GroupId: groupId }],
});

/** Pads a rule list to exactly five ingress rules with harmless intra-VPC rules. */
function fiveRules(rules: IpPermission[], vpcCidr: string): IpPermission[] {
  const filler = [8080, 8443, 9090, 9100, 5432];
  const out = rules.slice(0, 5);
  for (let i = 0; out.length < 5; i++) out.push(fromCidr(perm('tcp', filler[i], filler[i]), vpcCidr));
  return out;
}

/**
 * Generates the account of a size. L: 200 clusters in 50 VPCs, 8,000 subnets, 20,000
 * security groups (5 ingress rules each), 4,000 node instances, plus noise.
 */
export function generateAccount(size: SizeName, seed = 1): SyntheticAccount {
  const spec = SIZES[size];
  const random = createRandom(seed);
  const chance = (p: number) => random() < p;
  // Catalog-v2 inventory draws from its own stream (see the file comment).
  const v2Random = createRandom(seed ^ 0x5bd1e995);
  const v2 = { random: v2Random, chance: (p: number) => v2Random() < p };
  const ids = createIds();
  const account: SyntheticAccount = {
    accountId: BENCH_ACCOUNT_ID,
    region: BENCH_REGION,
    size,
    seed,
    clusters: [],
    nodegroups: new Map(),
    fargateProfiles: new Map(),
    addons: new Map(),
    vpcs: [],
    vpcDns: new Map(),
    subnets: [],
    routeTables: [],
    securityGroups: [],
    vpcEndpoints: [],
    natGateways: [],
    instances: [],
    networkAcls: [],
    flowLogs: [],
  };
  let clusterNo = 0;
  for (let v = 0; v < spec.vpcs; v++) {
    const clusterCount = spread(spec.clusters, spec.vpcs, v);
    const names = Array.from(
      { length: clusterCount },
      () => `cluster-${String(++clusterNo).padStart(4, '0')}`,
    );
    addVpc(account, ids, chance, random, v2, {
      index: v,
      clusterNames: names,
      subnets: spread(spec.subnets, spec.vpcs, v),
      securityGroups: spread(spec.securityGroups, spec.vpcs, v),
      nodeInstances: spread(spec.nodeInstances, spec.vpcs, v),
      networkAcls: spec.networkAclsPerVpc,
      entriesPerAcl: spec.entriesPerAcl,
    });
  }
  // Noise: VPCs without clusters (one per ten cluster VPCs, at least one); no call may fetch them.
  for (let n = 0; n < Math.max(1, Math.round(spec.vpcs / 10)); n++) {
    addVpc(account, ids, chance, random, v2, {
      index: spec.vpcs + n,
      clusterNames: [],
      subnets: 40,
      securityGroups: 100,
      nodeInstances: 0,
      networkAcls: spec.networkAclsPerVpc,
      entriesPerAcl: spec.entriesPerAcl,
    });
  }
  return account;
}

interface VpcPlan {
  index: number;
  clusterNames: string[];
  subnets: number;
  securityGroups: number;
  nodeInstances: number;
  networkAcls: number;
  entriesPerAcl: number;
}

/** The PRNG stream of the catalog-v2 inventory. */
interface V2Draws {
  random: () => number;
  chance: (p: number) => boolean;
}

function addVpc(
  account: SyntheticAccount,
  ids: Ids,
  chance: (p: number) => boolean,
  random: () => number,
  v2: V2Draws,
  plan: VpcPlan,
): void {
  const VpcId = ids.next('vpc');
  const cidr = `10.${plan.index}.0.0/16`;
  const secondary = chance(0.3);
  account.vpcs.push({
    VpcId,
    CidrBlock: cidr,
    State: 'available',
    CidrBlockAssociationSet: [
      { AssociationId: ids.next('vpc-cidr-assoc'), CidrBlock: cidr, CidrBlockState: { State: 'associated' } },
      ...(secondary
        ? [
            {
              AssociationId: ids.next('vpc-cidr-assoc'),
              CidrBlock: `100.64.${plan.index}.0/24`,
              CidrBlockState: { State: 'associated' as const },
            },
          ]
        : []),
    ],
    Tags: tags({ Name: `vpc-${plan.index}` }),
  });
  account.vpcDns.set(VpcId, { support: true, hostnames: !chance(0.08) });
  const igw = ids.next('igw');

  // Subnets: /24s cycling public / private / private / isolated across three AZs.
  if (plan.subnets > 256) throw new RangeError(`at most 256 subnets per VPC, got ${plan.subnets}`);
  const subnets: { id: string; cls: SubnetClass; az: number; cidr: string }[] = [];
  for (let j = 0; j < plan.subnets; j++) {
    const cls = classOf(j);
    const az = j % 3;
    const subnetCidr = `10.${plan.index}.${j}.0/24`;
    subnets.push({ id: ids.next('subnet'), cls, az, cidr: subnetCidr });
  }
  const roleTag = (cls: SubnetClass): Record<string, string> =>
    cls === 'public' ? { 'kubernetes.io/role/elb': '1' } : { 'kubernetes.io/role/internal-elb': '1' };
  for (const s of subnets) {
    const clusterTags: Record<string, string> = {};
    for (const name of plan.clusterNames)
      if (!chance(0.03)) clusterTags[`kubernetes.io/cluster/${name}`] = 'shared';
    let role = roleTag(s.cls);
    if (chance(0.02))
      role = {}; // missing role tag
    else if (chance(0.01)) role = roleTag(s.cls === 'public' ? 'private' : 'public'); // mismatch
    const prefix = Number(s.cidr.split('/')[1]);
    const usable = 2 ** (32 - prefix) - 5;
    const free = chance(0.03) ? Math.floor(random() * 10) : Math.floor(usable * (0.3 + random() * 0.6));
    account.subnets.push({
      SubnetId: s.id,
      VpcId,
      CidrBlock: s.cidr,
      AvailabilityZone: AZS[s.az],
      AvailabilityZoneId: `euw1-az${s.az + 1}`,
      AvailableIpAddressCount: free,
      MapPublicIpOnLaunch: s.cls === 'public' ? !chance(0.05) : false,
      AssignIpv6AddressOnCreation: false,
      State: 'available',
      Ipv6CidrBlockAssociationSet: [],
      Tags: tags({ Name: `subnet-${plan.index}-${s.cls}`, ...clusterTags, ...role }),
    });
  }

  // NAT gateways: one per AZ, in the first public subnet of that AZ.
  const natByAz: string[] = [];
  for (let az = 0; az < 3; az++) {
    const host = subnets.find((s) => s.cls === 'public' && s.az === az);
    const NatGatewayId = ids.next('nat');
    natByAz.push(NatGatewayId);
    account.natGateways.push({
      NatGatewayId,
      VpcId,
      SubnetId: host?.id,
      State: 'available',
      ConnectivityType: 'public',
      NatGatewayAddresses: [{ PublicIp: `198.51.${plan.index}.${az + 10}`, IsPrimary: true }],
    });
  }

  // Route tables: main (isolated, local only), public, one private per ten private subnets.
  const local = { DestinationCidrBlock: cidr, GatewayId: 'local', State: 'active' as const };
  const mainId = ids.next('rtb');
  const publicId = ids.next('rtb');
  const tables: RouteTable[] = [
    { RouteTableId: mainId, VpcId, Routes: [local], Associations: [{ Main: true, RouteTableId: mainId }] },
    {
      RouteTableId: publicId,
      VpcId,
      Routes: [local, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw, State: 'active' }],
      Associations: [],
    },
  ];
  let privateTable: RouteTable | undefined;
  let privateCount = 0;
  for (const s of subnets) {
    const association = (rtb: string) => ({
      RouteTableAssociationId: ids.next('rtbassoc'),
      RouteTableId: rtb,
      SubnetId: s.id,
      Main: false,
    });
    if (s.cls === 'public') tables[1]!.Associations!.push(association(publicId));
    else if (s.cls === 'private') {
      if (!privateTable || privateCount % 10 === 0) {
        const id = ids.next('rtb');
        privateTable = {
          RouteTableId: id,
          VpcId,
          Routes: [
            local,
            { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: natByAz[s.az], State: 'active' },
          ],
          Associations: [],
        };
        tables.push(privateTable);
      }
      privateTable.Associations!.push(association(privateTable.RouteTableId!));
      privateCount++;
    }
    // isolated subnets use the main table (no explicit association).
  }
  account.routeTables.push(...tables);
  addNetworkAcls(account, ids, v2, plan, VpcId, cidr, subnets);
  addFlowLogs(account, ids, v2, VpcId, subnets);

  // Half the VPCs have the endpoints isolated nodes need.
  if (plan.index % 2 === 0) {
    for (const service of ['ec2', 'ecr.api', 'ecr.dkr', 'sts']) {
      account.vpcEndpoints.push({
        VpcEndpointId: ids.next('vpce'),
        VpcId,
        ServiceName: `com.amazonaws.${BENCH_REGION}.${service}`,
        VpcEndpointType: 'Interface',
        State: 'Available',
        PrivateDnsEnabled: true,
        SubnetIds: subnets
          .filter((s) => s.cls === 'isolated')
          .map((s) => s.id)
          .slice(0, 3),
        RouteTableIds: [],
      });
    }
    account.vpcEndpoints.push({
      VpcEndpointId: ids.next('vpce'),
      VpcId,
      ServiceName: `com.amazonaws.${BENCH_REGION}.s3`,
      VpcEndpointType: 'Gateway',
      State: 'Available',
      PrivateDnsEnabled: false,
      SubnetIds: [],
      RouteTableIds: tables.map((t) => t.RouteTableId!),
    });
  }

  // Security groups per cluster, then filler up to the VPC's count.
  const groups: SecurityGroup[] = [];
  const group = (name: string, rules: IpPermission[], extraTags: Record<string, string> = {}): string => {
    const GroupId = ids.next('sg');
    groups.push({
      GroupId,
      GroupName: name,
      VpcId,
      OwnerId: account.accountId,
      Description: name,
      IpPermissions: fiveRules(rules, cidr),
      IpPermissionsEgress: [fromCidr(perm('-1', undefined, undefined), '0.0.0.0/0')],
      Tags: tags(extraTags),
    });
    return GroupId;
  };
  const byClass = (cls: SubnetClass) => subnets.filter((s) => s.cls === cls);
  const nodesPerCluster = plan.clusterNames.map((_, i) =>
    spread(plan.nodeInstances, plan.clusterNames.length, i),
  );
  plan.clusterNames.forEach((name, c) => {
    const nodeSgPlaceholder = `pending-${name}`;
    const clusterSg = ids.next('sg');
    const nodeSg = group(`${name}-node`, [
      fromGroup(perm('tcp', 10250, 10250), chance(0.05) ? nodeSgPlaceholder : clusterSg),
      fromGroup(perm('-1', undefined, undefined), nodeSgPlaceholder),
      fromCidr(perm('tcp', 22, 22), chance(0.1) ? '0.0.0.0/0' : '10.0.0.0/8'),
    ]);
    for (const p of groups.at(-1)!.IpPermissions!)
      for (const pair of p.UserIdGroupPairs ?? [])
        if (pair.GroupId === nodeSgPlaceholder) pair.GroupId = nodeSg;
    groups.at(-1)!.Tags = tags({ [`kubernetes.io/cluster/${name}`]: 'owned' });
    // The EKS-created cluster SG: self ingress (sometimes missing), 443 from nodes (sometimes missing).
    const clusterRules = [
      ...(chance(0.05) ? [] : [fromGroup(perm('-1', undefined, undefined), clusterSg)]),
      ...(chance(0.05) ? [] : [fromGroup(perm('tcp', 443, 443), nodeSg)]),
      ...(chance(0.08) ? [fromCidr(perm('tcp', 443, 443), '0.0.0.0/0')] : []),
    ];
    groups.push({
      GroupId: clusterSg,
      GroupName: `eks-cluster-sg-${name}`,
      VpcId,
      OwnerId: account.accountId,
      Description: 'EKS created security group',
      IpPermissions: fiveRules(clusterRules, cidr),
      IpPermissionsEgress: [fromCidr(perm('-1', undefined, undefined), '0.0.0.0/0')],
      Tags: tags({ [`kubernetes.io/cluster/${name}`]: 'owned', 'aws:eks:cluster-name': name }),
    });
    const additionalSg = group(`${name}-additional`, [fromCidr(perm('tcp', 443, 443), cidr)]);
    const extraNodeSg = chance(0.15) ? group(`${name}-node-extra`, []) : undefined;

    // Cluster: subnets in 2-3 AZs (sometimes 1), nodes in private or isolated subnets.
    const nodeClass: SubnetClass = chance(0.2) ? 'isolated' : chance(0.05) ? 'public' : 'private';
    const pool = byClass(nodeClass);
    const offset = Math.floor(random() * pool.length);
    const pick = (k: number) => pool[(offset + k) % pool.length]!;
    const singleAz = chance(0.05);
    const clusterSubnets = singleAz
      ? [pick(0), pick(3)].filter((s) => s.az === pick(0).az)
      : [pick(0), pick(1), pick(2)];
    const nodeSubnets = [pick(0), pick(1), pick(2)];
    const endpoint = random();
    const [publicAccess, privateAccess, cidrs] =
      endpoint < 0.4
        ? [true, true, ['0.0.0.0/0']]
        : endpoint < 0.7
          ? [false, true, undefined]
          : endpoint < 0.9
            ? [true, true, ['203.0.113.0/24']]
            : endpoint < 0.95
              ? [
                  true,
                  false,
                  ['203.0.113.0/24', ...natByAz.map((_, az) => `198.51.${plan.index}.${az + 10}/32`)],
                ]
              : [true, false, ['10.0.0.0/8']];
    account.clusters.push({
      name,
      arn: `arn:aws:eks:${BENCH_REGION}:${account.accountId}:cluster/${name}`,
      status: 'ACTIVE',
      version: '1.31',
      // EKS answers the service range and family of every cluster.
      kubernetesNetworkConfig: { serviceIpv4Cidr: '172.20.0.0/16', ipFamily: 'ipv4' },
      tags: chance(0.1) ? { 'netpol-engine': 'calico' } : {},
      resourcesVpcConfig: {
        subnetIds: clusterSubnets.map((s) => s.id),
        securityGroupIds: [additionalSg],
        clusterSecurityGroupId: clusterSg,
        vpcId: VpcId,
        endpointPublicAccess: publicAccess,
        endpointPrivateAccess: privateAccess,
        ...(cidrs ? { publicAccessCidrs: cidrs } : {}),
      },
    });

    // Managed node groups (two), a Fargate profile on every other cluster, the vpc-cni add-on.
    const nodegroups: Nodegroup[] = [0, 1].map((g) => {
      const ssh = chance(0.15);
      const restricted = ssh && chance(0.5);
      return {
        nodegroupName: `${name}-ng-${g}`,
        clusterName: name,
        status: 'ACTIVE',
        subnets: nodeSubnets.map((s) => s.id),
        instanceTypes: [chance(0.2) ? 't3.large' : 'm5.large'],
        ...(ssh
          ? {
              remoteAccess: {
                ec2SshKey: 'ops-key',
                ...(restricted ? { sourceSecurityGroups: [additionalSg] } : {}),
              },
              resources: { remoteAccessSecurityGroup: group(`${name}-ng-${g}-remote`, []) },
            }
          : {}),
        tags: {},
      };
    });
    account.nodegroups.set(name, nodegroups);
    if (c % 2 === 0) {
      const fargateSubnets = chance(0.1) ? [pick(0), byClass('public')[0]!] : [pick(0), pick(1)];
      account.fargateProfiles.set(name, [
        {
          fargateProfileName: `${name}-fp`,
          clusterName: name,
          status: 'ACTIVE',
          subnets: fargateSubnets.map((s) => s.id),
        },
      ]);
    } else account.fargateProfiles.set(name, []);
    if (!chance(0.3)) {
      const env: Record<string, string> = {};
      if (chance(0.1)) env.AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG = 'true';
      if (chance(0.1)) env.AWS_VPC_K8S_CNI_EXTERNALSNAT = 'true';
      if (chance(0.15)) env.ENABLE_POD_ENI = 'true';
      const configuration = { env, ...(chance(0.5) ? { enableNetworkPolicy: 'true' } : {}) };
      account.addons.set(name, {
        addonName: 'vpc-cni',
        clusterName: name,
        addonVersion: 'v1.19.0-eksbuild.1',
        status: 'ACTIVE',
        configurationValues: JSON.stringify(configuration),
      });
    }

    // Node instances (running, tagged), plus a stopped node: the state filter must drop it.
    // Metadata options per cluster (its launch template): mostly IMDSv2 with hop limit 1
    // or 2, sometimes IMDSv1 left on; nodes in public subnets get a public address.
    const imds = v2.random();
    const metadata = {
      State: 'applied' as const,
      HttpEndpoint: 'enabled' as const,
      HttpTokens: imds < 0.1 ? ('optional' as const) : ('required' as const),
      HttpPutResponseHopLimit: imds < 0.4 ? 2 : 1,
      HttpProtocolIpv6: 'disabled' as const,
      InstanceMetadataTags: 'disabled' as const,
    };
    for (let n = 0; n < nodesPerCluster[c]!; n++) {
      const subnet = nodeSubnets[n % nodeSubnets.length]!;
      // Managed node group instances carry the group's name, as EKS tags them.
      const node = instance(
        ids,
        VpcId,
        subnet.id,
        'running',
        [nodeSg, ...(extraNodeSg && n % 2 === 0 ? [extraNodeSg] : [])],
        {
          'eks:cluster-name': name,
          'eks:nodegroup-name': `${name}-ng-${n % 2}`,
          [`kubernetes.io/cluster/${name}`]: 'owned',
        },
      );
      node.MetadataOptions = { ...metadata };
      if (subnet.cls === 'public')
        node.PublicIpAddress = `54.${plan.index % 256}.${(n >> 8) % 256}.${n % 256}`;
      account.instances.push(node);
    }
    account.instances.push(
      instance(ids, VpcId, nodeSubnets[0]!.id, 'stopped', [nodeSg], { 'eks:cluster-name': name }),
    );
    // Karpenter nodes on some clusters: tagged eks:eks-cluster-name, in no managed node group.
    if (v2.chance(0.15)) {
      for (let n = 0; n < 3; n++) {
        const subnet = nodeSubnets[n]!;
        const node = instance(ids, VpcId, subnet.id, 'running', [nodeSg], {
          'eks:eks-cluster-name': name,
          'karpenter.sh/nodepool': 'default',
          [`kubernetes.io/cluster/${name}`]: 'owned',
        });
        node.MetadataOptions = { ...metadata };
        if (subnet.cls === 'public') node.PublicIpAddress = `3.${plan.index % 256}.${c % 256}.${n}`;
        account.instances.push(node);
      }
    }
  });
  while (groups.length < plan.securityGroups) {
    const k = groups.length;
    group(`app-${plan.index}-${k}`, [
      fromCidr(perm('tcp', 443, 443), chance(0.1) ? '0.0.0.0/0' : cidr),
      fromCidr(perm('tcp', 80, 80), cidr),
    ]);
  }
  account.securityGroups.push(...groups.slice(0, Math.max(plan.securityGroups, groups.length)));
  // Untagged application instances: the tag-key filter must drop them.
  for (let n = 0; n < 5; n++) {
    account.instances.push(
      instance(ids, VpcId, subnets[n % subnets.length]!.id, 'running', [groups[0]!.GroupId!], {}),
    );
  }
}

function instance(
  ids: Ids,
  VpcId: string,
  SubnetId: string,
  state: 'running' | 'stopped',
  groupIds: string[],
  tagMap: Record<string, string>,
): Instance {
  return {
    InstanceId: ids.next('i'),
    VpcId,
    SubnetId,
    InstanceType: 'm5.large',
    State: { Name: state, Code: state === 'running' ? 16 : 80 },
    SecurityGroups: groupIds.map((GroupId) => ({ GroupId })),
    NetworkInterfaces: [
      {
        NetworkInterfaceId: ids.next('eni'),
        SubnetId,
        VpcId,
        Groups: groupIds.map((GroupId) => ({ GroupId })),
      },
    ],
    Tags: tags(tagMap),
  };
}

/** Ports of filler entries: none is 443, 10250 or in the ephemeral range, so fillers never decide a node path. */
const FILLER_DENIED_PORTS = [22, 23, 135, 139, 445, 1433, 3306, 3389, 5432, 5900, 6379, 9200, 11211, 27017];
const FILLER_ALLOWED_UDP = [53, 123, 500, 4500, 8472];

/**
 * One custom ACL's entries, half each way, ending with the two `*` rules: ingress allows
 * 443 and 10250 from the VPC and the ephemeral ports back from anywhere; egress allows
 * everything; filler entries (deny common admin/database ports from anywhere, allow some
 * UDP) bring it to `count`. With a small chance a deny placed first breaks a node path.
 */
function customAclEntries(v2: V2Draws, vpcCidr: string, count: number): NetworkAclEntry[] {
  const tcp = (
    RuleNumber: number,
    RuleAction: 'allow' | 'deny',
    Egress: boolean,
    CidrBlock: string,
    From: number,
    To = From,
  ): NetworkAclEntry => ({
    RuleNumber,
    Protocol: '6',
    RuleAction,
    Egress,
    CidrBlock,
    PortRange: { From, To },
  });
  const all = (RuleNumber: number, RuleAction: 'allow' | 'deny', Egress: boolean): NetworkAclEntry => ({
    RuleNumber,
    Protocol: '-1',
    RuleAction,
    Egress,
    CidrBlock: '0.0.0.0/0',
  });
  const ingress: NetworkAclEntry[] = [
    tcp(100, 'allow', false, vpcCidr, 443),
    tcp(110, 'allow', false, vpcCidr, 10250),
    tcp(120, 'allow', false, '0.0.0.0/0', 32768, 60999),
    tcp(130, 'allow', false, vpcCidr, 1024, 65535),
  ];
  const egress: NetworkAclEntry[] = [all(100, 'allow', true)];
  // Misconfigurations: the API server's port or the kubelet's denied before the allows.
  const broken = v2.random();
  if (broken < 0.04) ingress.unshift(tcp(90, 'deny', false, vpcCidr, 443));
  else if (broken < 0.08) ingress.unshift(tcp(90, 'deny', false, vpcCidr, 10250));
  const fillers = Math.max(0, count - ingress.length - egress.length - 2);
  for (let k = 0; k < fillers; k++) {
    const egressSide = k % 2 === 1;
    const list = egressSide ? egress : ingress;
    const rule = 200 + 10 * list.length;
    if (k % 3 === 2) {
      const port = FILLER_ALLOWED_UDP[k % FILLER_ALLOWED_UDP.length]!;
      list.push({
        RuleNumber: rule,
        Protocol: '17',
        RuleAction: 'allow',
        Egress: egressSide,
        CidrBlock: vpcCidr,
        PortRange: { From: port, To: port },
      });
    } else {
      const port = FILLER_DENIED_PORTS[k % FILLER_DENIED_PORTS.length]!;
      // Egress denies come after the allow-all at 100: present, but never deciding.
      list.push(tcp(rule, 'deny', egressSide, `198.${18 + (k % 2)}.${k % 256}.0/24`, port));
    }
  }
  return [...ingress, ...egress, all(32767, 'deny', false), all(32767, 'deny', true)];
}

/**
 * The default ACL (allow all, both ways) plus `networkAcls - 1` custom ones. Subnet j goes
 * to custom ACL (j mod networkAcls) − 1, or stays on the default when that is −1: every
 * subnet is associated with exactly one ACL of its VPC, as EC2 guarantees.
 */
function addNetworkAcls(
  account: SyntheticAccount,
  ids: Ids,
  v2: V2Draws,
  plan: VpcPlan,
  VpcId: string,
  vpcCidr: string,
  subnets: { id: string }[],
): void {
  const aclIds = Array.from({ length: plan.networkAcls }, () => ids.next('acl'));
  const associations = aclIds.map(() => [] as string[]);
  for (const [j, s] of subnets.entries()) associations[j % plan.networkAcls]!.push(s.id);
  aclIds.forEach((NetworkAclId, k) => {
    const allowAll = (Egress: boolean): NetworkAclEntry => ({
      RuleNumber: 100,
      Protocol: '-1',
      RuleAction: 'allow',
      Egress,
      CidrBlock: '0.0.0.0/0',
    });
    const denyRest = (Egress: boolean): NetworkAclEntry => ({
      ...allowAll(Egress),
      RuleNumber: 32767,
      RuleAction: 'deny',
    });
    account.networkAcls.push({
      NetworkAclId,
      VpcId,
      IsDefault: k === 0,
      OwnerId: account.accountId,
      Entries:
        k === 0
          ? [allowAll(true), denyRest(true), allowAll(false), denyRest(false)]
          : customAclEntries(v2, vpcCidr, plan.entriesPerAcl),
      Associations: associations[k]!.map((SubnetId) => ({
        NetworkAclAssociationId: ids.next('aclassoc'),
        NetworkAclId,
        SubnetId,
      })),
      Tags: tags({ Name: k === 0 ? 'default' : `acl-${plan.index}-${k}` }),
    });
  });
}

/**
 * A VPC flow log on most VPCs (usually ALL, sometimes REJECT, sometimes only ACCEPT —
 * which records no rejected traffic), and a subnet flow log now and then as noise.
 */
function addFlowLogs(
  account: SyntheticAccount,
  ids: Ids,
  v2: V2Draws,
  VpcId: string,
  subnets: { id: string }[],
): void {
  const flowLog = (ResourceId: string, TrafficType: 'ALL' | 'REJECT' | 'ACCEPT'): FlowLog => ({
    FlowLogId: ids.next('fl'),
    ResourceId,
    TrafficType,
    FlowLogStatus: 'ACTIVE',
    DeliverLogsStatus: 'SUCCESS',
    LogDestinationType: 'cloud-watch-logs',
    LogGroupName: `/vpc/${ResourceId}`,
    DeliverLogsPermissionArn: `arn:aws:iam::${account.accountId}:role/flow-logs`,
    CreationTime: new Date('2026-01-01T00:00:00.000Z'),
    MaxAggregationInterval: 600,
  });
  const draw = v2.random();
  if (draw < 0.6) account.flowLogs.push(flowLog(VpcId, 'ALL'));
  else if (draw < 0.75) account.flowLogs.push(flowLog(VpcId, 'REJECT'));
  else if (draw < 0.85) account.flowLogs.push(flowLog(VpcId, 'ACCEPT'));
  if (subnets.length > 0 && v2.chance(0.3)) account.flowLogs.push(flowLog(subnets[0]!.id, 'ALL'));
}
