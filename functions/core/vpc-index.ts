/**
 * Lookup tables over one VPC's inventory, built once per VPC and shared by every
 * cluster in it, plus the subnet classification of RULES.md.
 */
import type {
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
    routing,
  };
}
