/**
 * Lookup tables over one VPC's inventory, built once per VPC and shared by every
 * cluster in it, plus the subnet classification of RULES.md.
 */
import type {
  Ec2Instance,
  Ec2NatGateway,
  Ec2NetworkAcl,
  Ec2Route,
  Ec2RouteTable,
  Ec2SecurityGroup,
  Ec2Subnet,
  VpcInventory,
} from './snapshot.ts';

export type SubnetClass = 'public' | 'private-egress' | 'isolated';

export interface SubnetRouting {
  /** The effective route table: explicit association, else the VPC's main table. */
  routeTable?: Ec2RouteTable;
  /** Whether the effective table is the main table (no explicit association). */
  viaMainTable: boolean;
  /** Undefined when no route table applies (incomplete inventory). */
  subnetClass?: SubnetClass;
  /** The active default routes (`0.0.0.0/0`, `::/0`) of the effective table. */
  defaultRoutes: Ec2Route[];
}

export interface VpcIndex {
  inventory: VpcInventory;
  subnetsById: Map<string, Ec2Subnet>;
  securityGroupsById: Map<string, Ec2SecurityGroup>;
  natGatewaysById: Map<string, Ec2NatGateway>;
  mainRouteTable?: Ec2RouteTable;
  /** The VPC's default network ACL, when the inventory has it. */
  defaultNetworkAcl?: Ec2NetworkAcl;
  /**
   * RULES.md "network ACL of a subnet": the ACL associated with it, else the VPC's default
   * ACL; undefined when neither is in the inventory.
   */
  networkAclOf(subnetId: string): Ec2NetworkAcl | undefined;
  /**
   * Running or pending instances tagged as nodes of `clusterName` (RULES.md "node
   * instances"), indexed once per VPC: many clusters share a VPC.
   */
  nodeInstancesOf(clusterName: string): Ec2Instance[];
  /** Subnets tagged `karpenter.sh/discovery=<clusterName>`. */
  karpenterSubnetIdsOf(clusterName: string): string[];
  /** Routing and class of a subnet of this VPC (memoised). */
  routing(subnetId: string): SubnetRouting;
}

const DEFAULT_DESTINATIONS = new Set(['0.0.0.0/0', '::/0']);

/** The route's target id, whatever kind of target it is. */
export function routeTarget(route: Ec2Route): string | undefined {
  return (
    route.GatewayId ??
    route.NatGatewayId ??
    route.TransitGatewayId ??
    route.VpcPeeringConnectionId ??
    route.EgressOnlyInternetGatewayId ??
    route.InstanceId ??
    route.NetworkInterfaceId ??
    route.LocalGatewayId ??
    route.CarrierGatewayId ??
    route.CoreNetworkArn
  );
}

/** Active default routes of a table; blackholed routes carry no traffic and are ignored. */
export function defaultRoutesOf(table: Ec2RouteTable): Ec2Route[] {
  return table.Routes.filter((route) => {
    const destination = route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock;
    if (destination === undefined || !DEFAULT_DESTINATIONS.has(destination)) return false;
    if (route.State !== undefined && route.State.toLowerCase() === 'blackhole') return false;
    const target = routeTarget(route);
    return target !== undefined && target !== 'local';
  });
}

/** `public` with a default route to an internet gateway, `private-egress` with any other default route, else `isolated`. */
export function classifyRouteTable(table: Ec2RouteTable): SubnetClass {
  const defaults = defaultRoutesOf(table);
  if (defaults.some((route) => route.GatewayId?.startsWith('igw-'))) return 'public';
  return defaults.length > 0 ? 'private-egress' : 'isolated';
}

/** Tag key of subnets where Karpenter launches nodes (value: the cluster name). */
export const KARPENTER_DISCOVERY_TAG = 'karpenter.sh/discovery';
const CLUSTER_TAG_PREFIX = 'kubernetes.io/cluster/';

/**
 * Running or pending instances by the clusters their tags make them a node of:
 * `eks:cluster-name` (managed node groups), `eks:eks-cluster-name` (Auto Mode, Karpenter),
 * `kubernetes.io/cluster/<name>=owned` (self-managed, Karpenter).
 */
function indexNodeInstances(instances: readonly Ec2Instance[]): Map<string, Ec2Instance[]> {
  const byCluster = new Map<string, Ec2Instance[]>();
  for (const instance of instances) {
    const state = instance.State?.toLowerCase();
    if (state !== undefined && state !== 'running' && state !== 'pending') continue;
    const names = new Set<string>();
    const managed = instance.Tags['eks:cluster-name'];
    const eks = instance.Tags['eks:eks-cluster-name'];
    if (managed !== undefined) names.add(managed);
    if (eks !== undefined) names.add(eks);
    for (const [key, value] of Object.entries(instance.Tags)) {
      if (value === 'owned' && key.startsWith(CLUSTER_TAG_PREFIX))
        names.add(key.slice(CLUSTER_TAG_PREFIX.length));
    }
    for (const name of names) {
      const list = byCluster.get(name) ?? [];
      list.push(instance);
      byCluster.set(name, list);
    }
  }
  return byCluster;
}

/** Builds the lookup tables of one VPC inventory. */
export function buildVpcIndex(inventory: VpcInventory): VpcIndex {
  const subnetsById = new Map(inventory.subnets.map((s) => [s.SubnetId, s]));
  const securityGroupsById = new Map(inventory.securityGroups.map((g) => [g.GroupId, g]));
  const natGatewaysById = new Map(inventory.natGateways.map((n) => [n.NatGatewayId, n]));
  const explicit = new Map<string, Ec2RouteTable>();
  let mainRouteTable: Ec2RouteTable | undefined;
  for (const table of inventory.routeTables) {
    for (const association of table.Associations) {
      if (association.Main) mainRouteTable = table;
      if (association.SubnetId) explicit.set(association.SubnetId, table);
    }
  }
  const aclBySubnet = new Map<string, Ec2NetworkAcl>();
  let defaultNetworkAcl: Ec2NetworkAcl | undefined;
  for (const acl of inventory.networkAcls ?? []) {
    if (acl.IsDefault) defaultNetworkAcl = acl;
    for (const association of acl.Associations) {
      // An explicit association wins over the default ACL's (which lists implicit ones too).
      if (association.SubnetId && (!acl.IsDefault || !aclBySubnet.has(association.SubnetId))) {
        aclBySubnet.set(association.SubnetId, acl);
      }
    }
  }
  const networkAclOf = (subnetId: string) => aclBySubnet.get(subnetId) ?? defaultNetworkAcl;
  let nodesByCluster: Map<string, Ec2Instance[]> | undefined;
  const nodeInstancesOf = (clusterName: string): Ec2Instance[] => {
    nodesByCluster ??= indexNodeInstances(inventory.instances);
    return nodesByCluster.get(clusterName) ?? [];
  };
  let karpenterByCluster: Map<string, string[]> | undefined;
  const karpenterSubnetIdsOf = (clusterName: string): string[] => {
    if (!karpenterByCluster) {
      karpenterByCluster = new Map();
      for (const subnet of inventory.subnets) {
        const name = subnet.Tags[KARPENTER_DISCOVERY_TAG];
        if (name === undefined) continue;
        const list = karpenterByCluster.get(name) ?? [];
        list.push(subnet.SubnetId);
        karpenterByCluster.set(name, list);
      }
    }
    return karpenterByCluster.get(clusterName) ?? [];
  };
  const memo = new Map<string, SubnetRouting>();
  const routing = (subnetId: string): SubnetRouting => {
    const cached = memo.get(subnetId);
    if (cached) return cached;
    const explicitTable = explicit.get(subnetId);
    const routeTable = explicitTable ?? mainRouteTable;
    const result: SubnetRouting = routeTable
      ? {
          routeTable,
          viaMainTable: explicitTable === undefined,
          subnetClass: classifyRouteTable(routeTable),
          defaultRoutes: defaultRoutesOf(routeTable),
        }
      : { viaMainTable: false, defaultRoutes: [] };
    memo.set(subnetId, result);
    return result;
  };
  return {
    inventory,
    subnetsById,
    securityGroupsById,
    natGatewaysById,
    mainRouteTable,
    defaultNetworkAcl,
    networkAclOf,
    nodeInstancesOf,
    karpenterSubnetIdsOf,
    routing,
  };
}
