/**
 * Security-group permission matching shared by the `sg-*` rules. EC2 reports protocols
 * either by name (`tcp`) or by IANA number (`6`) depending on how the rule was created,
 * so every comparison goes through {@link protocolName}.
 */
import { cidrContains, isWorldCidr, parseCidr } from '../cidr.ts';
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

/** Whether the permission lets TCP traffic to `port` in: protocol all, or tcp/6 with From ≤ port ≤ To. */
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

/** Source CIDRs (IPv4 and IPv6) of a permission that are the whole internet. */
export function worldSources(permission: Ec2IpPermission): string[] {
  const v4 = ipv4Sources(permission);
  const v6 = (permission.Ipv6Ranges ?? []).flatMap((range) => (range.CidrIpv6 ? [range.CidrIpv6] : []));
  return [...v4, ...v6].filter(isWorldCidr);
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

/** Subnet ids with their IPv4 CIDR (undefined when the subnet is not in the inventory), for evidence. */
export function subnetCidrs(
  ctx: ClusterContext,
  subnetIds: readonly string[],
): { subnetId: string; cidr?: string }[] {
  return subnetIds.map((subnetId) => ({ subnetId, cidr: ctx.subnet(subnetId)?.CidrBlock }));
}

/**
 * Whether traffic to TCP `port` from the `sources` (security groups and subnets) is let
 * into at least one of the `targets` groups: by a group reference to a source SG, or by
 * IPv4 CIDRs that, across all the target groups' rules, cover every source subnet.
 */
export function tcpPortReachable(
  targets: readonly Ec2SecurityGroup[],
  port: number,
  sourceGroupIds: readonly string[],
  sourceSubnetCidrs: readonly (string | undefined)[],
): { byGroupReference: boolean; byCidr: boolean; allowingCidrs: string[] } {
  const permissions = targets.flatMap((group) => group.IpPermissions).filter((p) => allowsTcpPort(p, port));
  const byGroupReference = permissions.some((p) => referencesAnyGroup(p, sourceGroupIds));
  const allowingCidrs = [...new Set(permissions.flatMap(ipv4Sources))];
  const byCidr = cidrsCoverAll(allowingCidrs, sourceSubnetCidrs);
  return { byGroupReference, byCidr, allowingCidrs };
}
