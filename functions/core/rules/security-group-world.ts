/**
 * World exposures of a security group (RULES.md "world" over one group's ingress rules
 * for the same protocol and port), shared by `sg-open-ingress` and `sg-public-cidr-broad`,
 * and the `--ip-permissions` JSON their remediations revoke.
 */
import { type Cidr, minimalWorldSet, parseCidr, worldSet } from '../cidr.ts';
import type { Ec2IpPermission, Ec2SecurityGroup } from '../snapshot.ts';
import { ipv4Sources, ipv6Sources, portRange, protocolName } from './security-group-helpers.ts';

/** Protocols whose From/To fields are port numbers (for ICMP they are type and code). */
const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);
/** Protocols whose From/To fields are an ICMP type and code (-1: any). */
const ICMP_PROTOCOLS = new Set(['icmp', 'icmpv6']);

/** One source CIDR of one ingress rule. */
export interface IngressSource {
  permission: Ec2IpPermission;
  cidr: string;
}

/** A protocol and port (or ICMP type/code) scope of a security group that admits the world. */
export interface WorldExposure {
  /** Canonical protocol ({@link protocolName}); `all` is every protocol and port. */
  protocol: string;
  /** First and last port for tcp/udp/sctp; ICMP type and code (-1: any) for icmp/icmpv6; absent otherwise. */
  fromPort?: number;
  toPort?: number;
  /** Every CIDR of the world set ({@link minimalWorldSet}), e.g. `0.0.0.0/0`, or `0.0.0.0/1` + `128.0.0.0/1`. */
  cidrs: string[];
  /** The rules and CIDRs that make it up: what to revoke. */
  sources: IngressSource[];
}

export interface WorldExposureAnalysis {
  /** `all` first, then per protocol its port segments (or ICMP types) in ascending order. */
  exposures: WorldExposure[];
  /** Whether this source CIDR of this rule belongs to a world set of the group. */
  partOfWorldSet(permission: Ec2IpPermission, cidr: string): boolean;
}

interface Entry {
  permission: Ec2IpPermission;
  protocol: string;
  sources: { cidr: string; key: string; version: 4 | 6 }[];
}

function toEntry(permission: Ec2IpPermission): Entry {
  const sources = [...ipv4Sources(permission), ...ipv6Sources(permission)].flatMap((cidr) => {
    const parsed = parseCidr(cidr);
    return parsed ? [{ cidr, key: cidrKey(parsed), version: parsed.version }] : [];
  });
  return { permission, protocol: protocolName(permission), sources };
}

function cidrKey(cidr: Cidr): string {
  return `${cidr.version}:${cidr.network}/${cidr.prefix}`;
}

/** ICMP type and code of a permission; -1 (or absent) is "any". */
function icmpKey(permission: Ec2IpPermission): { type: number; code: number } {
  const type = permission.FromPort === undefined || permission.FromPort < 0 ? -1 : permission.FromPort;
  const code = permission.ToPort === undefined || permission.ToPort < 0 ? -1 : permission.ToPort;
  return { type, code };
}

function icmpCovers(outer: { type: number; code: number }, inner: { type: number; code: number }): boolean {
  return outer.type === -1 || (outer.type === inner.type && (outer.code === -1 || outer.code === inner.code));
}

/** The world set of the `active` rules: CIDRs and sources of each IP version whose union is world. */
type WorldOf = (
  active: readonly Entry[],
  broader: ReadonlySet<Entry>,
) => { cidrs: string[]; sources: IngressSource[] } | undefined;

/**
 * Computes the world exposures of one security group's ingress rules. A protocol `-1`
 * rule covers every protocol and port; tcp/udp/sctp ranges are cut into segments at the
 * rules' range boundaries (never port by port), and a segment is exposed when the union of
 * the CIDRs of the rules covering it is the whole IPv4 or IPv6 space. Adjacent segments
 * with the same world set are merged. A set made only of rules of a broader scope (all
 * traffic, an ICMP rule for every type) is that scope's exposure and is not repeated.
 */
export function worldExposures(group: Ec2SecurityGroup): WorldExposureAnalysis {
  // Both sg-open-ingress and sg-public-cidr-broad ask for every cluster and node SG.
  const cached = exposureMemo.get(group);
  if (cached) return cached;
  const analysis = analyseWorldExposures(group);
  exposureMemo.set(group, analysis);
  return analysis;
}

/** Snapshots are immutable once evaluated; keyed by object, so two snapshots never share answers. */
const exposureMemo = new WeakMap<Ec2SecurityGroup, WorldExposureAnalysis>();

const NO_EXPOSURE: WorldExposureAnalysis = { exposures: [], partOfWorldSet: () => false };

function analyseWorldExposures(group: Ec2SecurityGroup): WorldExposureAnalysis {
  // No segment can be world unless every source of the group together is: most groups
  // stop here, before any parsing or port segmentation.
  const allSources = group.IpPermissions.flatMap((p) => [...ipv4Sources(p), ...ipv6Sources(p)]);
  if (worldSet(allSources).length === 0) return NO_EXPOSURE;
  const entries = group.IpPermissions.map(toEntry).filter((entry) => entry.sources.length > 0);
  const members = new Map<Ec2IpPermission, Set<string>>();

  const worldOf: WorldOf = (active, broader) => {
    const cidrs: string[] = [];
    const sources: IngressSource[] = [];
    for (const version of [4, 6] as const) {
      // Rules in the group's order, CIDRs in address order: stable evidence and commands.
      const pairs = [...active]
        .sort((a, b) => entries.indexOf(a) - entries.indexOf(b))
        .flatMap((entry) =>
          entry.sources.filter((source) => source.version === version).map((source) => ({ entry, source })),
        );
      const set = minimalWorldSet(pairs.map((pair) => pair.source.cidr))
        .map((text) => ({ text, cidr: parseCidr(text) as Cidr }))
        .sort((a, b) => (a.cidr.network < b.cidr.network ? -1 : a.cidr.network > b.cidr.network ? 1 : 0));
      if (set.length === 0) continue;
      const keys = new Set(set.map((item) => cidrKey(item.cidr)));
      const inSet = pairs.filter((pair) => keys.has(pair.source.key));
      for (const { entry, source } of inSet) {
        const marked = members.get(entry.permission) ?? new Set<string>();
        marked.add(source.cidr);
        members.set(entry.permission, marked);
      }
      if (inSet.every((pair) => broader.has(pair.entry))) continue;
      cidrs.push(...set.map((item) => item.text));
      sources.push(
        ...inSet.map(({ entry, source }) => ({ permission: entry.permission, cidr: source.cidr })),
      );
    }
    return cidrs.length > 0 ? { cidrs, sources } : undefined;
  };

  const exposures: WorldExposure[] = [];
  const allEntries = entries.filter((entry) => entry.protocol === 'all');
  const allWorld = worldOf(allEntries, new Set());
  if (allWorld) exposures.push({ protocol: 'all', ...allWorld });
  const broaderThanProtocol = new Set(allEntries);

  const protocols = [...new Set(entries.map((entry) => entry.protocol))].filter((p) => p !== 'all');
  for (const protocol of protocols) {
    const own = entries.filter((entry) => entry.protocol === protocol);
    if (PORT_PROTOCOLS.has(protocol)) {
      exposures.push(...portExposures(protocol, own, allEntries, worldOf));
    } else if (ICMP_PROTOCOLS.has(protocol)) {
      exposures.push(...icmpExposures(protocol, own, allEntries, worldOf));
    } else {
      const world = worldOf([...own, ...allEntries], broaderThanProtocol);
      if (world) exposures.push({ protocol, ...world });
    }
  }

  return {
    exposures,
    partOfWorldSet: (permission, cidr) => members.get(permission)?.has(cidr) ?? false,
  };
}

/** Port segments of one tcp/udp/sctp protocol: boundaries are the rules' range ends, so the work is per rule, not per port. */
function portExposures(
  protocol: string,
  own: readonly Entry[],
  allEntries: readonly Entry[],
  worldOf: WorldOf,
): WorldExposure[] {
  const ranged = [...own, ...allEntries].map((entry) => ({
    entry,
    range: portRange(entry.permission) ?? { from: 0, to: 65535 },
  }));
  const boundaries = new Set<number>([0, 65536]);
  for (const { range } of ranged) {
    if (range.from > range.to) continue;
    boundaries.add(range.from);
    boundaries.add(range.to + 1);
  }
  const cuts = [...boundaries].filter((b) => b >= 0 && b <= 65536).sort((a, b) => a - b);
  const broader = new Set(allEntries);
  const result: WorldExposure[] = [];
  let previous: WorldExposure | undefined;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i] as number;
    const to = (cuts[i + 1] as number) - 1;
    const active = ranged
      .filter(({ range }) => range.from <= from && to <= range.to)
      .map(({ entry }) => entry);
    const world = active.length > 0 ? worldOf(active, broader) : undefined;
    if (!world) {
      previous = undefined;
      continue;
    }
    if (previous && sameCidrs(previous.cidrs, world.cidrs)) {
      previous.toPort = to;
      addSources(previous.sources, world.sources);
      continue;
    }
    previous = { protocol, fromPort: from, toPort: to, ...world };
    result.push(previous);
  }
  return result;
}

/** ICMP scopes: each type/code a rule names; rules of a broader type/code (or all traffic) count as broader. */
function icmpExposures(
  protocol: string,
  own: readonly Entry[],
  allEntries: readonly Entry[],
  worldOf: WorldOf,
): WorldExposure[] {
  const keys = own
    .map((entry) => icmpKey(entry.permission))
    .filter((key, index, list) => list.findIndex((k) => k.type === key.type && k.code === key.code) === index)
    .sort((a, b) => a.type - b.type || a.code - b.code);
  const result: WorldExposure[] = [];
  for (const key of keys) {
    const covering = own.filter((entry) => icmpCovers(icmpKey(entry.permission), key));
    const broader = new Set([
      ...allEntries,
      ...covering.filter((entry) => {
        const outer = icmpKey(entry.permission);
        return outer.type !== key.type || outer.code !== key.code;
      }),
    ]);
    const world = worldOf([...covering, ...allEntries], broader);
    if (world) result.push({ protocol, fromPort: key.type, toPort: key.code, ...world });
  }
  return result;
}

function addSources(target: IngressSource[], sources: readonly IngressSource[]): void {
  for (const source of sources) {
    if (!target.some((s) => s.permission === source.permission && s.cidr === source.cidr))
      target.push(source);
  }
}

function sameCidrs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((cidr) => b.includes(cidr));
}

/**
 * The `--ip-permissions` JSON of `aws ec2 revoke-security-group-ingress` that removes
 * exactly these source CIDRs from their rules (EC2 revokes per rule, protocol, ports and
 * CIDR, so each rule is named as it stands). With `replacement`, the same rules with each
 * CIDR replaced by a placeholder, for the matching `authorize-security-group-ingress`.
 */
export function ipPermissionsJson(
  sources: readonly IngressSource[],
  replacement?: { ipv4: string; ipv6: string },
): string {
  const byPermission = new Map<Ec2IpPermission, string[]>();
  for (const source of sources) {
    const list = byPermission.get(source.permission) ?? [];
    if (!list.includes(source.cidr)) list.push(source.cidr);
    byPermission.set(source.permission, list);
  }
  const permissions = [...byPermission].map(([permission, cidrs]) => {
    const v4 = cidrs.filter((cidr) => !cidr.includes(':'));
    const v6 = cidrs.filter((cidr) => cidr.includes(':'));
    const protocol = protocolName(permission);
    const ports =
      protocol === 'all' || (permission.FromPort === undefined && permission.ToPort === undefined)
        ? {}
        : { FromPort: permission.FromPort, ToPort: permission.ToPort };
    const ipv4 = replacement ? (v4.length > 0 ? [replacement.ipv4] : []) : v4;
    const ipv6 = replacement ? (v6.length > 0 ? [replacement.ipv6] : []) : v6;
    return {
      IpProtocol: permission.IpProtocol,
      ...ports,
      ...(ipv4.length > 0 ? { IpRanges: ipv4.map((CidrIp) => ({ CidrIp })) } : {}),
      ...(ipv6.length > 0 ? { Ipv6Ranges: ipv6.map((CidrIpv6) => ({ CidrIpv6 })) } : {}),
    };
  });
  return JSON.stringify(permissions);
}
