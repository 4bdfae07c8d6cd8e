/**
 * Security-group permission matching shared by the `sg-*` and `hybrid-*` rules. EC2 reports
 * protocols either by name (`tcp`) or by IANA number (`6`) depending on how the rule was
 * created, so every comparison goes through {@link protocolName}.
 */
import { cidrContains, parseCidr } from '../cidr.ts';
import type { ClusterContext } from '../cluster-context.ts';
import type { Ec2IpPermission, Ec2SecurityGroup } from '../snapshot.ts';

/** Canonical protocol name: `all`, `tcp`, `udp`, `sctp`, `icmp`, `icmpv6`, or the raw value. */
export function protocolName(permission: Ec2IpPermission): string {
  const raw = permission.IpProtocol.trim().toLowerCase();
  switch (raw) {
    case '-1':
    case 'all':
      return 'all';
    case '6':
      return 'tcp';
    case '17':
      return 'udp';
    case '132':
      return 'sctp';
    case '1':
      return 'icmp';
    case '58':
      return 'icmpv6';
    default:
      return raw;
  }
}

/** Protocols whose From/To fields are port numbers (for ICMP they are type and code). */
const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

export interface PortRange {
  from: number;
  to: number;
}

/**
 * The port range a permission opens for a port-based protocol, undefined when the
 * protocol has no ports (ICMP, ESP…). `all` covers every port. A port-based permission
 * without From/To (EC2 always sends them; hand-written snapshots may not) is read as
 * every port, so that a gap in the data never hides an open port.
 */
export function portRange(permission: Ec2IpPermission): PortRange | undefined {
  const protocol = protocolName(permission);
  if (protocol === 'all') return { from: 0, to: 65535 };
  if (!PORT_PROTOCOLS.has(protocol)) return undefined;
  const from = permission.FromPort === undefined || permission.FromPort < 0 ? 0 : permission.FromPort;
  const to = permission.ToPort === undefined || permission.ToPort < 0 ? 65535 : permission.ToPort;
  return { from, to };
}

/** Whether the permission lets TCP traffic to `port` through: protocol all, or tcp/6 with From ≤ port ≤ To. */
export function allowsTcpPort(permission: Ec2IpPermission, port: number): boolean {
  const protocol = protocolName(permission);
  if (protocol !== 'all' && protocol !== 'tcp') return false;
  const range = portRange(permission);
  return range !== undefined && range.from <= port && port <= range.to;
}

/** Whether the permission's source includes one of the given security groups (group reference). */
export function referencesAnyGroup(permission: Ec2IpPermission, groupIds: readonly string[]): boolean {
  return (permission.UserIdGroupPairs ?? []).some(
    (pair) => pair.GroupId !== undefined && groupIds.includes(pair.GroupId),
  );
}

/** IPv4 source CIDRs of a permission. */
export function ipv4Sources(permission: Ec2IpPermission): string[] {
  return (permission.IpRanges ?? []).flatMap((range) => (range.CidrIp ? [range.CidrIp] : []));
}

/** IPv6 source CIDRs of a permission. */
export function ipv6Sources(permission: Ec2IpPermission): string[] {
  return (permission.Ipv6Ranges ?? []).flatMap((range) => (range.CidrIpv6 ? [range.CidrIpv6] : []));
}

/**
 * Whether each target CIDR lies inside at least one source CIDR (the union of rules lets
 * the traffic through). False for an empty target list: nothing was shown to be covered.
 * Malformed or absent targets are never covered.
 */
export function cidrsCoverAll(sources: readonly string[], targets: readonly (string | undefined)[]): boolean {
  if (targets.length === 0) return false;
  const parsedSources = sources.flatMap((text) => {
    const cidr = parseCidr(text);
    return cidr ? [cidr] : [];
  });
  return targets.every((target) => {
    const inner = target === undefined ? undefined : parseCidr(target);
    return inner !== undefined && parsedSources.some((outer) => cidrContains(outer, inner));
  });
}

export interface GroupLookup {
  found: Ec2SecurityGroup[];
  /** Ids not present in the VPC inventory (deleted, or in another VPC). */
  missing: string[];
}

/** Resolves security-group ids against the cluster VPC's inventory. */
export function lookupGroups(ctx: ClusterContext, groupIds: readonly string[]): GroupLookup {
  const found: Ec2SecurityGroup[] = [];
  const missing: string[] = [];
  for (const id of groupIds) {
    const group = ctx.vpc?.securityGroupsById.get(id);
    if (group) found.push(group);
    else missing.push(id);
  }
  return { found, missing };
}

/** A subnet's addresses as the "blocked" rules compare them with security-group sources. */
export interface SubnetAddresses {
  subnetId: string;
  /** IPv4 block; undefined when the subnet is not in the inventory. */
  cidr?: string;
  /** Associated IPv6 blocks; only set when asked for (IPv6 clusters). */
  ipv6Cidrs?: string[];
}

/**
 * Subnet ids with their IPv4 CIDR (undefined when the subnet is not in the inventory), and
 * with their IPv6 blocks when `withIpv6` (RULES.md: for IPv6 clusters the "blocked" rules
 * also accept a source covering every subnet's IPv6 block).
 */
export function subnetCidrs(
  ctx: ClusterContext,
  subnetIds: readonly string[],
  withIpv6 = false,
): SubnetAddresses[] {
  return subnetIds.map((subnetId) => {
    const subnet = ctx.subnet(subnetId);
    const addresses: SubnetAddresses = { subnetId, cidr: subnet?.CidrBlock };
    if (withIpv6) {
      addresses.ipv6Cidrs = (subnet?.Ipv6CidrBlockAssociationSet ?? []).flatMap((association) =>
        association.Ipv6CidrBlock ? [association.Ipv6CidrBlock] : [],
      );
    }
    return addresses;
  });
}

/**
 * Whether traffic to TCP `port` from the `sources` (security groups and subnets) is let
 * into at least one of the `targets` groups: by a group reference to a source SG, or by
 * CIDRs that, across all the target groups' rules, cover every source subnet — its IPv4
 * block, or (when the subnet lists `ipv6Cidrs`) every one of its IPv6 blocks.
 */
export function tcpPortReachable(
  targets: readonly Ec2SecurityGroup[],
  port: number,
  sourceGroupIds: readonly string[],
  sourceSubnets: readonly SubnetAddresses[],
): { byGroupReference: boolean; byCidr: boolean; allowingCidrs: string[]; allowingIpv6Cidrs: string[] } {
  const permissions = targets.flatMap((group) => group.IpPermissions).filter((p) => allowsTcpPort(p, port));
  const byGroupReference = permissions.some((p) => referencesAnyGroup(p, sourceGroupIds));
  const allowingCidrs = [...new Set(permissions.flatMap(ipv4Sources))];
  const allowingIpv6Cidrs = [...new Set(permissions.flatMap(ipv6Sources))];
  const byCidr =
    sourceSubnets.length > 0 &&
    sourceSubnets.every(
      (subnet) =>
        cidrsCoverAll(allowingCidrs, [subnet.cidr]) ||
        (subnet.ipv6Cidrs !== undefined && cidrsCoverAll(allowingIpv6Cidrs, subnet.ipv6Cidrs)),
    );
  return { byGroupReference, byCidr, allowingCidrs, allowingIpv6Cidrs };
}

// ---------------------------------------------------------------------------------------
// World exposures (RULES.md "world"): where one security group admits the whole internet,
// by one rule or by a set of rules whose CIDRs together cover the whole IPv4 or IPv6 space
// for the same protocol and port.
