/**
 * The EC2 half of a region's inventory, batched across every VPC that holds a
 * cluster: each describe call filters on many `vpc-id` values at once, so the number
 * of calls grows with pages of resources, not with clusters × resources.
 */
import {
  DescribeVpcAttributeCommand,
  type EC2Client,
  type Filter,
  type FlowLog,
  type Instance,
  type NatGateway,
  type NetworkAcl,
  paginateDescribeFlowLogs,
  paginateDescribeInstances,
  paginateDescribeNatGateways,
  paginateDescribeNetworkAcls,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcEndpoints,
  paginateDescribeVpcs,
  type RouteTable,
  type SecurityGroup,
  type Subnet,
  type Vpc,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import type { ClusterInventory, InventoryPart, VpcInventory } from '../../core/snapshot.ts';
import { attempt, type CollectContext, chunk, collectPages, recordError } from './context.ts';
import {
  mapFlowLog,
  mapInstance,
  mapNatGateway,
  mapNetworkAcl,
  mapRouteTable,
  mapSecurityGroup,
  mapSubnet,
  mapVpc,
  mapVpcEndpoint,
  type VpcDnsAttributes,
} from './ec2-mappers.ts';

/**
 * EC2 rejects a call carrying more than 200 filter values in total
 * ("The maximum number of filter values specified on a single call is 200"); the
 * instance query adds 5 more values, so ids are sent 190 at a time.
 */
export const FILTER_VALUES_PER_CALL = 190;
/** Largest page most EC2 describe calls accept. */
export const EC2_PAGE_SIZE = 1000;
/** `DescribeRouteTables` accepts at most 100 results per page. */
export const ROUTE_TABLE_PAGE_SIZE = 100;
/** `DescribeNetworkAcls` accepts at most 100 results per page. */
export const NETWORK_ACL_PAGE_SIZE = 100;
/**
 * Tag keys that make an instance a candidate node (RULES.md "node instances"): managed
 * node groups, EKS Auto Mode and Karpenter, self-managed nodes. EC2 filters accept `*`.
 */
export const NODE_TAG_KEYS = ['eks:cluster-name', 'eks:eks-cluster-name', 'kubernetes.io/cluster/*'];

const byVpc = (vpcIds: string[]): Filter[] => [{ Name: 'vpc-id', Values: vpcIds }];

/**
 * Fills `vpcId` on clusters whose `DescribeCluster` answer lacks it (moto omits it),
 * from the VPC of their subnets, described by id in batches across clusters.
 */
export async function resolveClusterVpcIds(
  ctx: CollectContext,
  ec2: EC2Client,
  region: string,
  clusters: ClusterInventory[],
): Promise<void> {
  const unresolved = clusters.filter((c) => c.vpcId === undefined);
  const subnetIds = [...new Set(unresolved.flatMap((c) => c.cluster.resourcesVpcConfig.subnetIds))];
  const vpcOfSubnet = new Map<string, string>();
  const failures = new Map<string, unknown>();
  await Promise.all(
    chunk(subnetIds, FILTER_VALUES_PER_CALL).map(async (ids) => {
      const outcome = await attempt(ctx, () =>
        collectPages(
          paginateDescribeSubnets(
            { client: ec2, pageSize: EC2_PAGE_SIZE },
            { Filters: [{ Name: 'subnet-id', Values: ids }] },
          ),
          (page) => page.Subnets,
        ),
      );
      if (!outcome.ok) for (const id of ids) failures.set(id, outcome.error);
      else for (const s of outcome.value) if (s.SubnetId && s.VpcId) vpcOfSubnet.set(s.SubnetId, s.VpcId);
    }),
  );
  for (const inventory of unresolved) {
    const ids = inventory.cluster.resourcesVpcConfig.subnetIds;
    const vpcId = ids.map((id) => vpcOfSubnet.get(id)).find((v) => v !== undefined);
    if (vpcId !== undefined) {
      inventory.vpcId = vpcId;
      continue;
    }
    const scope = { region, clusterName: inventory.cluster.name, part: 'vpc' as const };
    const failed = ids.map((id) => failures.get(id)).find((e) => e !== undefined);
    recordError(
      ctx,
      scope,
      'DescribeSubnets',
      failed ??
        `cannot determine the cluster's VPC: EKS reports no vpcId and none of its subnets (${ids.join(', ') || 'none'}) exist`,
    );
  }
}

/** Runs one batched describe per chunk of VPC ids and hands each item to its VPC. */
async function collectPart<T>(
  ctx: CollectContext,
  region: string,
  inventories: Map<string, VpcInventory>,
  part: InventoryPart,
  operation: string,
  fetch: (vpcIds: string[]) => Promise<T[]>,
  place: (item: T) => { vpcId: string | undefined; add: (inventory: VpcInventory) => void } | undefined,
): Promise<void> {
  await Promise.all(
    chunk([...inventories.keys()], FILTER_VALUES_PER_CALL).map(async (vpcIds) => {
      const outcome = await attempt(ctx, () => fetch(vpcIds));
      if (!outcome.ok) {
        for (const vpcId of vpcIds) {
          recordError(ctx, { region, vpcId, part }, operation, outcome.error);
          inventories.get(vpcId)?.incomplete.push(part);
        }
        return;
      }
      for (const item of outcome.value) {
        const placement = place(item);
        const inventory = placement?.vpcId ? inventories.get(placement.vpcId) : undefined;
        if (placement && inventory) placement.add(inventory);
      }
    }),
  );
}

async function readDnsAttributes(
  ctx: CollectContext,
  ec2: EC2Client,
  region: string,
  inventory: VpcInventory,
) {
  const VpcId = inventory.vpcId;
  const [support, hostnames] = await Promise.all([
    attempt(ctx, () => ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute: 'enableDnsSupport' }))),
    attempt(ctx, () => ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute: 'enableDnsHostnames' }))),
  ]);
  const dns: VpcDnsAttributes = {};
  if (support.ok) dns.EnableDnsSupport = support.value.EnableDnsSupport?.Value;
  if (hostnames.ok) dns.EnableDnsHostnames = hostnames.value.EnableDnsHostnames?.Value;
  for (const outcome of [support, hostnames]) {
    if (outcome.ok) continue;
    recordError(ctx, { region, vpcId: VpcId, part: 'vpc' }, 'DescribeVpcAttribute', outcome.error);
    if (!inventory.incomplete.includes('vpc')) inventory.incomplete.push('vpc');
  }
  return dns;
}

/** `DescribeVpcs` for every VPC, then its two DNS attributes (one call each, per VPC). */
async function collectVpcObjects(
  ctx: CollectContext,
  ec2: EC2Client,
  region: string,
  inventories: Map<string, VpcInventory>,
): Promise<void> {
  const found = new Map<string, Vpc>();
  await collectPart<Vpc>(
    ctx,
    region,
    inventories,
    'vpc',
    'DescribeVpcs',
    (ids) =>
      collectPages(
        paginateDescribeVpcs({ client: ec2, pageSize: EC2_PAGE_SIZE }, { Filters: byVpc(ids) }),
        (p) => p.Vpcs,
      ),
    (vpc) => ({ vpcId: vpc.VpcId, add: () => vpc.VpcId && found.set(vpc.VpcId, vpc) }),
  );
  await Promise.all(
    [...inventories.values()].map(async (inventory) => {
      if (inventory.incomplete.includes('vpc')) return;
      const vpc = found.get(inventory.vpcId);
      if (!vpc) {
        recordError(ctx, { region, vpcId: inventory.vpcId, part: 'vpc' }, 'DescribeVpcs', 'VPC not found');
        inventory.incomplete.push('vpc');
        return;
      }
      const dns = await readDnsAttributes(ctx, ec2, region, inventory);
      inventory.vpc = mapVpc(vpc, dns);
    }),
  );
}

function sortBy<T>(items: T[], key: (item: T) => string): void {
  items.sort((a, b) => key(a).localeCompare(key(b)));
}

/**
 * Collects the EC2 inventory of the given VPCs of one region. Every part failing
 * for a VPC is recorded in `ctx.errors` and listed in that VPC's `incomplete`.
 */
export async function collectVpcs(
  ctx: CollectContext,
  ec2: EC2Client,
  region: string,
  vpcIds: readonly string[],
): Promise<VpcInventory[]> {
  const inventories = new Map<string, VpcInventory>();
  for (const vpcId of [...new Set(vpcIds)].sort()) {
    inventories.set(vpcId, {
      region,
      vpcId,
      subnets: [],
      routeTables: [],
      securityGroups: [],
      vpcEndpoints: [],
      natGateways: [],
      instances: [],
      networkAcls: [],
      flowLogs: [],
      incomplete: [],
    });
  }
  if (inventories.size === 0) return [];
  const page = { client: ec2, pageSize: EC2_PAGE_SIZE };
  await Promise.all([
    collectVpcObjects(ctx, ec2, region, inventories),
    collectPart<Subnet>(
      ctx,
      region,
      inventories,
      'subnets',
      'DescribeSubnets',
      (ids) => collectPages(paginateDescribeSubnets(page, { Filters: byVpc(ids) }), (p) => p.Subnets),
      (raw) => {
        const subnet = mapSubnet(raw);
        return subnet && { vpcId: subnet.VpcId, add: (inv) => inv.subnets.push(subnet) };
      },
    ),
    collectPart<RouteTable>(
      ctx,
      region,
      inventories,
      'routeTables',
      'DescribeRouteTables',
      (ids) =>
        collectPages(
          paginateDescribeRouteTables(
            { client: ec2, pageSize: ROUTE_TABLE_PAGE_SIZE },
            { Filters: byVpc(ids) },
          ),
          (p) => p.RouteTables,
        ),
      (raw) => {
        const table = mapRouteTable(raw);
        return table && { vpcId: table.VpcId, add: (inv) => inv.routeTables.push(table) };
      },
    ),
    collectPart<SecurityGroup>(
      ctx,
      region,
      inventories,
      'securityGroups',
      'DescribeSecurityGroups',
      (ids) =>
        collectPages(paginateDescribeSecurityGroups(page, { Filters: byVpc(ids) }), (p) => p.SecurityGroups),
      (raw) => {
        const group = mapSecurityGroup(raw);
        return group && { vpcId: group.VpcId, add: (inv) => inv.securityGroups.push(group) };
      },
    ),
    collectPart<VpcEndpoint>(
      ctx,
      region,
      inventories,
      'vpcEndpoints',
      'DescribeVpcEndpoints',
      (ids) =>
        collectPages(paginateDescribeVpcEndpoints(page, { Filters: byVpc(ids) }), (p) => p.VpcEndpoints),
      (raw) => {
        const endpoint = mapVpcEndpoint(raw);
        return endpoint && { vpcId: endpoint.VpcId, add: (inv) => inv.vpcEndpoints.push(endpoint) };
      },
    ),
    collectPart<NatGateway>(
      ctx,
      region,
      inventories,
      'natGateways',
      'DescribeNatGateways',
      // DescribeNatGateways names its filter list `Filter`, unlike the other calls.
      (ids) => collectPages(paginateDescribeNatGateways(page, { Filter: byVpc(ids) }), (p) => p.NatGateways),
      (raw) => {
        const gateway = mapNatGateway(raw);
        return gateway && { vpcId: gateway.VpcId, add: (inv) => inv.natGateways.push(gateway) };
      },
    ),
    collectPart<Instance>(
      ctx,
      region,
      inventories,
      'instances',
      'DescribeInstances',
      (ids) =>
        collectPages(
          paginateDescribeInstances(page, {
            Filters: [
              ...byVpc(ids),
              { Name: 'instance-state-name', Values: ['pending', 'running'] },
              { Name: 'tag-key', Values: NODE_TAG_KEYS },
            ],
          }),
          (p) => p.Reservations?.flatMap((r) => r.Instances ?? []),
        ),
      (raw) => {
        const instance = mapInstance(raw);
        return instance && { vpcId: instance.VpcId, add: (inv) => inv.instances.push(instance) };
      },
    ),
    collectPart<NetworkAcl>(
      ctx,
      region,
      inventories,
      'networkAcls',
      'DescribeNetworkAcls',
      (ids) =>
        collectPages(
          paginateDescribeNetworkAcls(
            { client: ec2, pageSize: NETWORK_ACL_PAGE_SIZE },
            { Filters: byVpc(ids) },
          ),
          (p) => p.NetworkAcls,
        ),
      (raw) => {
        const acl = mapNetworkAcl(raw);
        return acl && { vpcId: acl.VpcId, add: (inv) => inv.networkAcls.push(acl) };
      },
    ),
    collectPart<FlowLog>(
      ctx,
      region,
      inventories,
      'flowLogs',
      'DescribeFlowLogs',
      // Only flow logs of the VPC itself (RULES.md vpc-flow-logs-disabled): a flow log
      // names its resource, not its VPC, so subnet and ENI flow logs are never fetched.
      // DescribeFlowLogs, like DescribeNatGateways, names its filter list `Filter`.
      (ids) =>
        collectPages(
          paginateDescribeFlowLogs(page, { Filter: [{ Name: 'resource-id', Values: ids }] }),
          (p) => p.FlowLogs,
        ),
      (raw) => {
        const flowLog = mapFlowLog(raw);
        return flowLog && { vpcId: flowLog.ResourceId, add: (inv) => inv.flowLogs.push(flowLog) };
      },
    ),
  ]);
  for (const inventory of inventories.values()) {
    sortBy(inventory.subnets, (s) => s.SubnetId);
    sortBy(inventory.routeTables, (t) => t.RouteTableId);
    sortBy(inventory.securityGroups, (g) => g.GroupId);
    sortBy(inventory.vpcEndpoints, (e) => e.VpcEndpointId);
    sortBy(inventory.natGateways, (n) => n.NatGatewayId);
    sortBy(inventory.instances, (i) => i.InstanceId);
    sortBy(inventory.networkAcls, (a) => a.NetworkAclId);
    sortBy(inventory.flowLogs, (f) => f.FlowLogId);
  }
  return [...inventories.values()];
}
