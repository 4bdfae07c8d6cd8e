/**
 * Hand-written snapshot files: before validation, a snapshot document is brought to the
 * collector's exact shape, so that a file written from the AWS API shapes (what
 * `aws eks describe-cluster` / `aws ec2 describe-*` print) is scanned the same way as
 * one written by `--snapshot-out`:
 *
 * - omitted lists (`nodegroups`, `subnets`, `errors`, `incomplete`…) are empty, except
 *   the lists added in catalog v2 (`networkAcls`, `flowLogs`) and the `vpc` record: those
 *   are marked in the VPC's `incomplete` (unknown, so the rules that need them are not
 *   judged, rather than read as "the VPC has no network ACL / no flow log");
 * - a list may be given as the whole output of its `aws` command (`{"Subnets": […]}`,
 *   `{"Reservations": [{"Instances": […]}]}`, `{"NetworkAcls": […]}`, `{"FlowLogs": […]}`…),
 *   `vpc` as `describe-vpcs` output (`{"Vpcs": […]}`), and node groups, Fargate profiles
 *   and add-ons as `describe-nodegroup` / `describe-fargate-profile` / `describe-addon`
 *   output (`{"nodegroup": {…}}`…);
 * - EC2 tag lists (`[{Key, Value}]`) become tag maps; omitted tags are none;
 * - `vpcId` of a cluster comes from `resourcesVpcConfig.vpcId`, `region` from the ARN,
 *   and an omitted `accountId` from the cluster ARNs when they all name one account; a
 *   cluster's `name` comes from its ARN, or its ARN from name, region and account;
 * - a VPC's `CidrBlocks` come from `CidrBlockAssociationSet` (associated) or `CidrBlock`,
 *   its `Ipv6CidrBlocks` from `Ipv6CidrBlockAssociationSet` (associated); a subnet keeps
 *   only its associated IPv6 blocks;
 * - a network ACL entry's `Protocol` given as a number or a name (`6`, `"tcp"`, `"all"`)
 *   becomes the string AWS prints (`"6"`, `"-1"`);
 * - `EnableDnsSupport: {Value: true}` (DescribeVpcAttribute) becomes `true`;
 * - a NAT gateway's `PublicIps` come from `NatGatewayAddresses`;
 * - an instance's `SecurityGroupIds` come from its network interfaces or `SecurityGroups`,
 *   `State: {Name}` becomes the name;
 * - an omitted `vpcCni` is read from an `addons` list (`describe-addon` shape) when there
 *   is one, else means the cluster has no `vpc-cni` EKS add-on (RULES.md: its settings
 *   are then unknown); an object `configurationValues` is kept as its JSON text;
 * - EC2 children without `VpcId` belong to the VPC entry they are listed under.
 *
 * Anything else is left alone for the schema to accept or to reject with the field path.
 * Nothing is invented: every value filled in is an AWS default or read from the document.
 */

import { VPC_RESOURCE_LISTS } from '../core/snapshot.ts';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function objects(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function defaultList(object: Json, key: string): void {
  if (object[key] === undefined || object[key] === null) object[key] = [];
}

/** `[{Key, Value}]` → `{Key: Value}`; a map or anything malformed is left for the schema. */
function tagMap(value: unknown): unknown {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value)) return value;
  if (!value.every((tag) => isObject(tag) && typeof tag.Key === 'string')) return value;
  return Object.fromEntries(value.map((tag) => [(tag as Json).Key, (tag as Json).Value ?? '']));
}

function normalizeTags(object: Json, key = 'Tags'): void {
  object[key] = tagMap(object[key]);
}

function unwrapValue(value: unknown): unknown {
  return isObject(value) && 'Value' in value ? value.Value : value;
}

/** The key under which each VPC list's `aws ec2 describe-*` command prints its items. */
const COMMAND_OUTPUT_KEYS: Record<(typeof VPC_RESOURCE_LISTS)[number], string> = {
  subnets: 'Subnets',
  routeTables: 'RouteTables',
  securityGroups: 'SecurityGroups',
  vpcEndpoints: 'VpcEndpoints',
  natGateways: 'NatGateways',
  instances: 'Reservations',
  networkAcls: 'NetworkAcls',
  flowLogs: 'FlowLogs',
};

/** Lists a file from before catalog v2 does not have: absent means unknown, not none. */
const V2_VPC_LISTS = ['networkAcls', 'flowLogs'] as const;

/** `{"Subnets": [...]}` (a command's whole output) → `[...]`; anything else unchanged. */
function unwrapCommandOutput(value: unknown, key: string): unknown {
  return isObject(value) && Array.isArray(value[key]) ? value[key] : value;
}

/** `{"nodegroup": {...}}` (describe-nodegroup output) → `{...}`, in place over a list. */
function unwrapEach(list: unknown, key: string): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((item) => (isObject(item) && isObject(item[key]) ? item[key] : item));
}

/** describe-instances prints reservations; each holds its instances. */
function flattenReservations(list: unknown): unknown {
  if (!Array.isArray(list)) return list;
  return list.flatMap((item) =>
    isObject(item) && item.InstanceId === undefined && Array.isArray(item.Instances)
      ? item.Instances
      : [item],
  );
}

/** AWS prints a network ACL entry's protocol as a string number; names are what people type. */
const PROTOCOL_NUMBERS: Record<string, string> = { all: '-1', tcp: '6', udp: '17', icmp: '1', icmpv6: '58' };

function normalizeNetworkAcl(acl: Json): void {
  defaultList(acl, 'Entries');
  defaultList(acl, 'Associations');
  for (const entry of objects(acl.Entries)) {
    if (typeof entry.Protocol === 'number') entry.Protocol = String(entry.Protocol);
    else if (typeof entry.Protocol === 'string') {
      entry.Protocol = PROTOCOL_NUMBERS[entry.Protocol.toLowerCase()] ?? entry.Protocol;
    }
  }
}

/**
 * Only `associated` blocks count (AWS lists blocks being added or removed too); anything
 * that is not an association object stays for the schema to refuse.
 */
function associatedIpv6Blocks(set: unknown[]): unknown[] {
  return set.filter((a) => {
    const state = isObject(a) && isObject(a.Ipv6CidrBlockState) ? a.Ipv6CidrBlockState.State : undefined;
    return state === undefined || state === 'associated';
  });
}

const INACTIVE_ASSOCIATION_STATES = new Set(['disassociating', 'disassociated', 'failed']);

const ARN_REGION = /^arn:[^:]+:eks:([^:]+):/;
const ARN_ACCOUNT = /^arn:[^:]+:eks:[^:]*:(\d{12}):/;
const ARN_NAME = /^arn:[^:]+:eks:[^:]*:[^:]*:cluster\/(.+)$/;

/** The ARN partition of a region (`aws`, `aws-cn`, `aws-us-gov`…). */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/** A cluster given by name only gets the ARN EKS would report for it. */
function fillClusterArn(inventory: Json, accountId: unknown): void {
  const cluster = inventory.cluster;
  if (!isObject(cluster) || cluster.arn !== undefined) return;
  const { region } = inventory;
  if (typeof cluster.name !== 'string' || typeof region !== 'string' || typeof accountId !== 'string') return;
  cluster.arn = `arn:${partitionOf(region)}:eks:${region}:${accountId}:cluster/${cluster.name}`;
}

function normalizeCluster(inventory: Json): void {
  const cluster = inventory.cluster;
  if (!isObject(cluster)) return;
  if (cluster.tags !== undefined) cluster.tags = tagMap(cluster.tags);
  if (cluster.name === undefined && typeof cluster.arn === 'string') {
    const name = ARN_NAME.exec(cluster.arn)?.[1];
    if (name) cluster.name = name;
  }
  const vpcConfig = cluster.resourcesVpcConfig;
  if (isObject(vpcConfig)) {
    defaultList(vpcConfig, 'subnetIds');
    if (inventory.vpcId === undefined && typeof vpcConfig.vpcId === 'string')
      inventory.vpcId = vpcConfig.vpcId;
  }
  if (inventory.region === undefined && typeof cluster.arn === 'string') {
    const region = ARN_REGION.exec(cluster.arn)?.[1];
    if (region) inventory.region = region;
  }
  for (const key of ['nodegroups', 'fargateProfiles', 'incomplete']) defaultList(inventory, key);
  inventory.nodegroups = unwrapEach(inventory.nodegroups, 'nodegroup');
  inventory.fargateProfiles = unwrapEach(inventory.fargateProfiles, 'fargateProfile');
  inventory.addons = unwrapEach(inventory.addons, 'addon');
  for (const nodegroup of objects(inventory.nodegroups)) {
    defaultList(nodegroup, 'subnets');
    if (nodegroup.tags !== undefined) nodegroup.tags = tagMap(nodegroup.tags);
  }
  for (const profile of objects(inventory.fargateProfiles)) defaultList(profile, 'subnets');
  if (inventory.vpcCni === undefined || inventory.vpcCni === null) {
    // `addons` as `aws eks describe-addon` prints them: the vpc-cni entry decides.
    const addon = objects(inventory.addons).find((a) => a.addonName === 'vpc-cni');
    inventory.vpcCni = addon
      ? {
          state: 'installed',
          ...(typeof addon.addonVersion === 'string' ? { addonVersion: addon.addonVersion } : {}),
          ...(addon.configurationValues !== undefined
            ? { configurationValues: addon.configurationValues }
            : {}),
        }
      : { state: 'absent' };
  }
  const cni = inventory.vpcCni;
  if (isObject(cni) && isObject(cni.configurationValues)) {
    cni.configurationValues = JSON.stringify(cni.configurationValues);
  }
}

function normalizeVpcRecord(vpc: Json, vpcId: unknown): void {
  if (vpc.VpcId === undefined) vpc.VpcId = vpcId;
  if (vpc.CidrBlocks === undefined) {
    const associated = objects(vpc.CidrBlockAssociationSet)
      .filter((a) => {
        const state = isObject(a.CidrBlockState) ? a.CidrBlockState.State : undefined;
        return state === undefined || state === 'associated';
      })
      .map((a) => a.CidrBlock)
      .filter((cidr): cidr is string => typeof cidr === 'string');
    vpc.CidrBlocks =
      associated.length > 0 ? associated : typeof vpc.CidrBlock === 'string' ? [vpc.CidrBlock] : [];
  }
  if (vpc.Ipv6CidrBlocks === undefined && Array.isArray(vpc.Ipv6CidrBlockAssociationSet)) {
    vpc.Ipv6CidrBlocks = associatedIpv6Blocks(vpc.Ipv6CidrBlockAssociationSet).map((a) =>
      isObject(a) ? a.Ipv6CidrBlock : a,
    );
  }
  for (const key of ['EnableDnsSupport', 'EnableDnsHostnames']) {
    if (vpc[key] !== undefined) vpc[key] = unwrapValue(vpc[key]);
  }
}

function normalizeInstance(instance: Json): void {
  if (isObject(instance.State)) instance.State = instance.State.Name;
  if (instance.SecurityGroupIds === undefined) {
    const fromInterfaces = objects(instance.NetworkInterfaces).flatMap((ni) =>
      objects(ni.Groups).map((g) => g.GroupId),
    );
    const groups =
      fromInterfaces.length > 0 ? fromInterfaces : objects(instance.SecurityGroups).map((g) => g.GroupId);
    instance.SecurityGroupIds = [...new Set(groups.filter((id): id is string => typeof id === 'string'))];
  }
}

function normalizeVpcInventory(
  inventory: Json,
  clusterRegionOfVpc: Map<string, string>,
  onlyRegion?: string,
): void {
  if (inventory.vpc === null) delete inventory.vpc;
  if (isObject(inventory.vpc) && Array.isArray(inventory.vpc.Vpcs)) {
    // describe-vpcs output: the entry's own VPC (or the only one printed). describe-vpcs
    // does not print the DNS attributes: describe-vpc-attribute's may sit beside `Vpcs`.
    const { Vpcs, ...attributes } = inventory.vpc;
    const printed = objects(Vpcs);
    const own =
      printed.find((v) => v.VpcId === inventory.vpcId) ?? (printed.length === 1 ? printed[0] : undefined);
    if (own) inventory.vpc = { ...own, ...attributes };
    else delete inventory.vpc;
  }
  const vpcId = inventory.vpcId ?? (isObject(inventory.vpc) ? inventory.vpc.VpcId : undefined);
  if (inventory.vpcId === undefined && vpcId !== undefined) inventory.vpcId = vpcId;
  if (inventory.region === undefined && typeof vpcId === 'string') {
    const region = clusterRegionOfVpc.get(vpcId) ?? onlyRegion;
    if (region) inventory.region = region;
  }
  if (isObject(inventory.vpc)) normalizeVpcRecord(inventory.vpc, vpcId);
  const children = VPC_RESOURCE_LISTS;
  for (const key of children) inventory[key] = unwrapCommandOutput(inventory[key], COMMAND_OUTPUT_KEYS[key]);
  inventory.instances = flattenReservations(inventory.instances);
  defaultList(inventory, 'incomplete');
  if (Array.isArray(inventory.incomplete)) {
    const unknown = [
      ...(inventory.vpc === undefined ? ['vpc'] : []),
      ...V2_VPC_LISTS.filter((key) => inventory[key] === undefined || inventory[key] === null),
    ];
    inventory.incomplete = [...new Set([...inventory.incomplete, ...unknown])];
  }
  for (const key of children) defaultList(inventory, key);
  for (const key of children) {
    for (const child of objects(inventory[key])) if (child.VpcId === undefined) child.VpcId = vpcId;
  }
  for (const subnet of objects(inventory.subnets)) {
    normalizeTags(subnet);
    if (Array.isArray(subnet.Ipv6CidrBlockAssociationSet)) {
      subnet.Ipv6CidrBlockAssociationSet = associatedIpv6Blocks(subnet.Ipv6CidrBlockAssociationSet);
    }
  }
  for (const acl of objects(inventory.networkAcls)) normalizeNetworkAcl(acl);
  for (const table of objects(inventory.routeTables)) {
    defaultList(table, 'Routes');
    defaultList(table, 'Associations');
    // As the collector does: an association being removed no longer routes the subnet.
    if (Array.isArray(table.Associations)) {
      table.Associations = table.Associations.filter((a) => {
        const state = isObject(a) && isObject(a.AssociationState) ? a.AssociationState.State : undefined;
        return state === undefined || !INACTIVE_ASSOCIATION_STATES.has(String(state));
      });
    }
  }
  for (const group of objects(inventory.securityGroups)) {
    defaultList(group, 'IpPermissions');
    normalizeTags(group);
  }
  for (const gateway of objects(inventory.natGateways)) {
    if (gateway.PublicIps === undefined) {
      const ips = objects(gateway.NatGatewayAddresses).map((a) => a.PublicIp);
      gateway.PublicIps = [...new Set(ips.filter((ip): ip is string => typeof ip === 'string'))];
    }
  }
  for (const instance of objects(inventory.instances)) {
    normalizeInstance(instance);
    normalizeTags(instance);
  }
}

/**
 * Returns a copy of a parsed snapshot document in the collector's shape (see the file
 * comment). Non-object input is returned unchanged for the schema to reject.
 */
export function normalizeSnapshotDocument(document: unknown): unknown {
  if (!isObject(document)) return document;
  const copy = structuredClone(document);
  if (copy.schemaVersion === undefined) copy.schemaVersion = 1;
  for (const key of ['clusters', 'vpcs', 'errors']) defaultList(copy, key);
  const clusters = objects(copy.clusters);
  for (const inventory of clusters) normalizeCluster(inventory);
  if (copy.accountId === undefined) {
    // Every cluster ARN names the account; only an unambiguous one is taken.
    const accounts = new Set(
      clusters.flatMap((c) => {
        const arn = isObject(c.cluster) ? c.cluster.arn : undefined;
        const account = typeof arn === 'string' ? ARN_ACCOUNT.exec(arn)?.[1] : undefined;
        return account ? [account] : [];
      }),
    );
    if (accounts.size === 1) copy.accountId = [...accounts][0];
  }
  for (const inventory of clusters) fillClusterArn(inventory, copy.accountId);
  const clusterRegionOfVpc = new Map<string, string>();
  for (const inventory of clusters) {
    if (typeof inventory.vpcId === 'string' && typeof inventory.region === 'string') {
      clusterRegionOfVpc.set(inventory.vpcId, inventory.region);
    }
  }
  const declaredRegions = Array.isArray(copy.regions) ? copy.regions : undefined;
  const clusterRegions = [...new Set(clusterRegionOfVpc.values())];
  const onlyRegion =
    declaredRegions?.length === 1 && typeof declaredRegions[0] === 'string'
      ? declaredRegions[0]
      : clusterRegions.length === 1
        ? clusterRegions[0]
        : undefined;
  for (const inventory of objects(copy.vpcs))
    normalizeVpcInventory(inventory, clusterRegionOfVpc, onlyRegion);
  if (copy.regions === undefined) {
    const regions = [...clusters, ...objects(copy.vpcs)]
      .map((item) => item.region)
      .filter((region): region is string => typeof region === 'string');
    copy.regions = [...new Set(regions)];
  }
  return copy;
}
