/**
 * The per-cluster view every rule reads: the terms of RULES.md ("cluster subnets",
 * "node SGs", "vpc-cni settings"…) computed once, so that rules stay short and agree
 * on definitions.
 */
import { createRequire } from 'node:module';
import {
  type ClusterInventory,
  type Ec2Instance,
  type Ec2Subnet,
  type EksCluster,
  type InventoryPart,
  VPC_INVENTORY_PARTS,
} from './snapshot.ts';
import type { SubnetClass, VpcIndex } from './vpc-index.ts';

export interface VpcCniSettings {
  env: Record<string, string>;
  /** `enableNetworkPolicy` as a string (`"true"`, `"false"`), undefined when unset. */
  enableNetworkPolicy?: string;
}

export interface ClusterContext {
  accountId: string;
  region: string;
  inventory: ClusterInventory;
  cluster: EksCluster;
  clusterName: string;
  clusterArn: string;
  /** Index of the cluster's VPC; undefined when the VPC could not be determined or read. */
  vpc?: VpcIndex;
  clusterSubnetIds: string[];
  nodeSubnetIds: string[];
  fargateSubnetIds: string[];
  /** cluster ∪ node ∪ fargate subnets, in that order, without duplicates. */
  relatedSubnetIds: string[];
  /** The EKS-created cluster security group, when EKS reports one. */
  eksClusterSecurityGroupId?: string;
  /** clusterSecurityGroupId ∪ securityGroupIds. */
  clusterSecurityGroupIds: string[];
  /** Running/pending EC2 instances that are nodes of this cluster. */
  nodeInstances: Ec2Instance[];
  /** Node SGs per RULES.md; empty when unknown. */
  nodeSecurityGroupIds: string[];
  /** How the node SGs were determined. */
  nodeSecurityGroupSource: 'instances' | 'cluster-security-group-fallback' | 'remote-access-only' | 'none';
  /** Parsed vpc-cni settings; undefined when they are unknown (RULES.md "vpc-cni settings"). */
  vpcCni?: VpcCniSettings;
  /** Why the vpc-cni settings are unknown, when they are. */
  vpcCniUnknownReason?: string;
  /** Subnets of the managed node groups only. */
  managedNodegroupSubnetIds: string[];
  /** Subnets tagged `karpenter.sh/discovery=<cluster>` (where Karpenter will launch nodes). */
  karpenterSubnetIds: string[];
  /** `computeConfig.enabled` is true. */
  isAutoMode: boolean;
  /** `kubernetesNetworkConfig.ipFamily` is `ipv6`. */
  isIpv6: boolean;
  /** `remoteNetworkConfig.remoteNodeNetworks` is non-empty. */
  isHybrid: boolean;
  /** CIDRs of `remoteNodeNetworks` (hybrid clusters). */
  remoteNodeCidrs: string[];
  /** CIDRs of `remotePodNetworks` (hybrid clusters). */
  remotePodCidrs: string[];
  /** Inventory parts that could not be read completely for this cluster. */
  incomplete: ReadonlySet<InventoryPart>;
  /** Public endpoint access with the AWS default applied (true). */
  endpointPublicAccess: boolean;
  /** Private endpoint access with the AWS default applied (false). */
  endpointPrivateAccess: boolean;
  /** Public access CIDRs with the AWS default applied (`0.0.0.0/0` when public and unset). */
  publicAccessCidrs: string[];
  subnet(subnetId: string): Ec2Subnet | undefined;
  subnetClass(subnetId: string): SubnetClass | undefined;
}

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/** Tag of managed node group instances naming their group. */
export const NODEGROUP_NAME_TAG = 'eks:nodegroup-name';
/** Tag of EKS Auto Mode instances naming their node pool. */
export const AUTO_MODE_NODE_POOL_TAG = 'eks:kubernetes-node-pool-name';

/** Whether a node instance belongs to an EKS Auto Mode node pool. */
export function isAutoModeInstance(instance: Ec2Instance): boolean {
  return Object.hasOwn(instance.Tags, AUTO_MODE_NODE_POOL_TAG);
}

/** The managed node group of a node instance (tag `eks:nodegroup-name`), when it has one. */
export function managedNodegroupOf(instance: Ec2Instance): string | undefined {
  const name = instance.Tags[NODEGROUP_NAME_TAG];
  return name === undefined || name === '' ? undefined : name;
}

/** Kubernetes version compared numerically (`1.9` < `1.19` < `1.30`); negative when `a` is older. */
export function compareKubernetesVersions(a: string, b: string): number {
  const pa = a.split('.').map((part) => Number.parseInt(part, 10));
  const pb = b.split('.').map((part) => Number.parseInt(part, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number.isFinite(pa[i]) ? (pa[i] as number) : 0;
    const y = Number.isFinite(pb[i]) ? (pb[i] as number) : 0;
    if (x !== y) return x - y;
  }
  return 0;
}

type YamlParse = typeof import('yaml')['parse'];
let yamlParse: YamlParse | undefined;

/**
 * Loads `yaml` on first use: it is 116 KB of the scan-cluster bundle and only needed for
 * add-on configuration written as YAML. The Lambda bundles are CommonJS, where esbuild
 * bundles this literal `require` as a function that runs yaml's module code only when
 * called (an `import()` is not an option: this path is synchronous). Under ESM (tsx,
 * vitest, the CLI) there is no `require`, so one is made for this file.
 */
function loadYamlParse(): YamlParse {
  yamlParse ??= (
    (typeof require === 'function'
      ? require('yaml')
      : createRequire(import.meta.url)('yaml')) as typeof import('yaml')
  ).parse;
  return yamlParse;
}

/**
 * Parses configuration text as JSON, or as YAML when it is not JSON. JSON is what the
 * console and `jsonencode` write; every JSON text is YAML with the same meaning, except
 * that YAML refuses duplicate keys where JSON keeps the last one.
 */
function parseJsonOrYaml(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return loadYamlParse()(text);
  }
}

/** Parses the add-on's `configurationValues` (JSON or YAML). Throws on malformed text. */
export function parseVpcCniConfiguration(configurationValues: string | undefined): VpcCniSettings {
  if (configurationValues === undefined || configurationValues.trim() === '') return { env: {} };
  const parsed: unknown = parseJsonOrYaml(configurationValues);
  if (parsed === null || parsed === undefined) return { env: {} };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('configurationValues is not an object');
  }
  const record = parsed as Record<string, unknown>;
  const env: Record<string, string> = {};
  if (record.env !== null && typeof record.env === 'object' && !Array.isArray(record.env)) {
    for (const [key, value] of Object.entries(record.env as Record<string, unknown>)) {
      if (value !== null && value !== undefined) env[key] = String(value);
    }
  }
  const policy = record.enableNetworkPolicy;
  return {
    env,
    enableNetworkPolicy: policy === undefined || policy === null ? undefined : String(policy),
  };
}

/**
 * Builds the rule view of one cluster.
 * @param accountId the scanned account
 * @param inventory the cluster's inventory from the snapshot
 * @param vpc the index of the cluster's VPC, when it was read
 */
export function buildClusterContext(
  accountId: string,
  inventory: ClusterInventory,
  vpc: VpcIndex | undefined,
): ClusterContext {
  const { cluster } = inventory;
  const config = cluster.resourcesVpcConfig;
  const clusterName = cluster.name;
  const incomplete = new Set<InventoryPart>(inventory.incomplete);
  if (vpc) for (const part of vpc.inventory.incomplete) incomplete.add(part);
  else for (const part of VPC_INVENTORY_PARTS) incomplete.add(part);

  const nodeInstances = vpc ? vpc.nodeInstancesOf(clusterName) : [];
  const clusterSubnetIds = unique(config.subnetIds ?? []);
  const managedNodegroupSubnetIds = unique(inventory.nodegroups.flatMap((ng) => ng.subnets ?? []));
  const karpenterSubnetIds = vpc ? vpc.karpenterSubnetIdsOf(clusterName) : [];
  const nodeSubnetIds = unique([
    ...managedNodegroupSubnetIds,
    ...nodeInstances.flatMap((i) => (i.SubnetId ? [i.SubnetId] : [])),
    ...karpenterSubnetIds,
  ]);
  const fargateSubnetIds = unique(inventory.fargateProfiles.flatMap((fp) => fp.subnets ?? []));
  const relatedSubnetIds = unique([...clusterSubnetIds, ...nodeSubnetIds, ...fargateSubnetIds]);

  const eksClusterSecurityGroupId = config.clusterSecurityGroupId || undefined;
  const clusterSecurityGroupIds = unique([
    ...(eksClusterSecurityGroupId ? [eksClusterSecurityGroupId] : []),
    ...(config.securityGroupIds ?? []),
  ]);

  const remoteAccessGroups = inventory.nodegroups.flatMap((ng) =>
    ng.resources?.remoteAccessSecurityGroup ? [ng.resources.remoteAccessSecurityGroup] : [],
  );
  let nodeSecurityGroupIds: string[];
  let nodeSecurityGroupSource: ClusterContext['nodeSecurityGroupSource'];
  if (nodeInstances.length > 0) {
    nodeSecurityGroupIds = unique([
      ...nodeInstances.flatMap((i) => i.SecurityGroupIds),
      ...remoteAccessGroups,
    ]);
    nodeSecurityGroupSource = 'instances';
  } else if (inventory.nodegroups.length > 0 && eksClusterSecurityGroupId) {
    nodeSecurityGroupIds = unique([eksClusterSecurityGroupId, ...remoteAccessGroups]);
    nodeSecurityGroupSource = 'cluster-security-group-fallback';
  } else if (remoteAccessGroups.length > 0) {
    nodeSecurityGroupIds = unique(remoteAccessGroups);
    nodeSecurityGroupSource = 'remote-access-only';
  } else {
    nodeSecurityGroupIds = [];
    nodeSecurityGroupSource = 'none';
  }

  const isAutoMode = cluster.computeConfig?.enabled === true;
  const isIpv6 = cluster.kubernetesNetworkConfig?.ipFamily?.toLowerCase() === 'ipv6';
  const remoteNodeCidrs = unique(
    (cluster.remoteNetworkConfig?.remoteNodeNetworks ?? []).flatMap((network) => network.cidrs ?? []),
  );
  const remotePodCidrs = unique(
    (cluster.remoteNetworkConfig?.remotePodNetworks ?? []).flatMap((network) => network.cidrs ?? []),
  );
  const isHybrid = (cluster.remoteNetworkConfig?.remoteNodeNetworks ?? []).length > 0;

  let vpcCni: VpcCniSettings | undefined;
  let vpcCniUnknownReason: string | undefined;
  if (isAutoMode) {
    vpcCniUnknownReason =
      'EKS Auto Mode cluster: its CNI is built into the nodes, so vpc-cni settings cannot be seen';
  } else if (inventory.vpcCni.state === 'absent') {
    vpcCniUnknownReason =
      'no vpc-cni EKS add-on (a self-managed or another CNI): its settings cannot be seen';
  } else if (inventory.vpcCni.state === 'unknown') {
    vpcCniUnknownReason = `the vpc-cni add-on could not be read: ${inventory.vpcCni.error}`;
  } else {
    try {
      vpcCni = parseVpcCniConfiguration(inventory.vpcCni.configurationValues);
    } catch (error) {
      vpcCniUnknownReason = `the vpc-cni configurationValues cannot be parsed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  if (vpcCni === undefined) incomplete.add('vpcCni');

  const endpointPublicAccess = config.endpointPublicAccess ?? true;
  const endpointPrivateAccess = config.endpointPrivateAccess ?? false;
  const publicAccessCidrs = endpointPublicAccess
    ? config.publicAccessCidrs && config.publicAccessCidrs.length > 0
      ? config.publicAccessCidrs
      : ['0.0.0.0/0']
    : (config.publicAccessCidrs ?? []);

  return {
    accountId,
    region: inventory.region,
    inventory,
    cluster,
    clusterName,
    clusterArn: cluster.arn,
    vpc,
    clusterSubnetIds,
    nodeSubnetIds,
    fargateSubnetIds,
    relatedSubnetIds,
    eksClusterSecurityGroupId,
    clusterSecurityGroupIds,
    nodeInstances,
    nodeSecurityGroupIds,
    nodeSecurityGroupSource,
    vpcCni,
    ...(vpcCniUnknownReason !== undefined ? { vpcCniUnknownReason } : {}),
    managedNodegroupSubnetIds,
    karpenterSubnetIds,
    isAutoMode,
    isIpv6,
    isHybrid,
    remoteNodeCidrs,
    remotePodCidrs,
    incomplete,
    endpointPublicAccess,
    endpointPrivateAccess,
    publicAccessCidrs,
    subnet: (id) => vpc?.subnetsById.get(id),
    subnetClass: (id) => (vpc?.subnetsById.has(id) ? vpc.routing(id).subnetClass : undefined),
  };
}
