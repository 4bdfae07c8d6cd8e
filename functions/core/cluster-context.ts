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
  /** Parsed vpc-cni settings; undefined when the add-on state is unknown or unparseable. */
  vpcCni?: VpcCniSettings;
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

/** True when an instance is a node of the cluster (RULES.md "node subnets"). */
export function isNodeInstanceOf(instance: Ec2Instance, clusterName: string): boolean {
  const state = instance.State?.toLowerCase();
  if (state !== undefined && state !== 'running' && state !== 'pending') return false;
  return (
    instance.Tags['eks:cluster-name'] === clusterName ||
    instance.Tags[`kubernetes.io/cluster/${clusterName}`] === 'owned'
  );
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

  const nodeInstances = vpc ? vpc.inventory.instances.filter((i) => isNodeInstanceOf(i, clusterName)) : [];
  const clusterSubnetIds = unique(config.subnetIds ?? []);
  const nodeSubnetIds = unique([
    ...inventory.nodegroups.flatMap((ng) => ng.subnets ?? []),
    ...nodeInstances.flatMap((i) => (i.SubnetId ? [i.SubnetId] : [])),
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

  let vpcCni: VpcCniSettings | undefined;
  if (inventory.vpcCni.state === 'absent') vpcCni = { env: {} };
  else if (inventory.vpcCni.state === 'installed') {
    try {
      vpcCni = parseVpcCniConfiguration(inventory.vpcCni.configurationValues);
    } catch {
      vpcCni = undefined;
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
    incomplete,
    endpointPublicAccess,
    endpointPrivateAccess,
    publicAccessCidrs,
    subnet: (id) => vpc?.subnetsById.get(id),
    subnetClass: (id) => (vpc?.subnetsById.has(id) ? vpc.routing(id).subnetClass : undefined),
  };
}
