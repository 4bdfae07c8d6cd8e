/**
 * Resolves EC2 resource ids named by CloudTrail events to their VPC ids with as few
 * describe calls as possible (the per-account EC2 describe buckets are shared with
 * everything else the account runs):
 * - a resource the event itself places in a VPC is not described;
 * - resolved ids are kept in the Lambda's memory for a short TTL (a resource never moves
 *   to another VPC; the TTL bounds memory and forgets deleted ids);
 * - the second cache miss of one resource type in one VPC within the TTL (an event storm:
 *   a `terraform apply` touching many groups or subnets) describes that type in the whole
 *   VPC once, so the storm's further ids are answered from memory.
 * What is left is described batched per resource type. Filters are used instead of id
 * lists because an id list fails the whole call when one id no longer exists (deleted
 * security groups and subnets are exactly what events talk about).
 */
import {
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';
import type {
  Ec2ResourceRef,
  Ec2ResourceResolverPort,
  Ec2ResourceType,
  VpcResolution,
} from '../core/cloudtrail-event.ts';
import { describeAwsError } from './errors.ts';

/** EC2 accepts at most 200 values per filter. */
const FILTER_CHUNK = 200;

/** One page of a describe call: `[id, vpcId]` pairs and the next token. */
type Page = { pairs: [string, string | undefined][]; next?: string };
type Describe = (client: EC2Client, filters: Filter[], token?: string) => Promise<Page>;

const DESCRIBERS: Record<Exclude<Ec2ResourceType, 'vpc'>, { filter: string; describe: Describe }> = {
  'security-group': {
    filter: 'group-id',
    describe: async (c, Filters, NextToken) => {
      const r = await c.send(new DescribeSecurityGroupsCommand({ Filters, NextToken }));
      return { pairs: (r.SecurityGroups ?? []).map((g) => [g.GroupId ?? '', g.VpcId]), next: r.NextToken };
    },
  },
  subnet: {
    filter: 'subnet-id',
    describe: async (c, Filters, NextToken) => {
      const r = await c.send(new DescribeSubnetsCommand({ Filters, NextToken }));
      return { pairs: (r.Subnets ?? []).map((s) => [s.SubnetId ?? '', s.VpcId]), next: r.NextToken };
    },
  },
  'route-table': {
    filter: 'route-table-id',
    describe: async (c, Filters, NextToken) => {
      const r = await c.send(new DescribeRouteTablesCommand({ Filters, NextToken }));
      return { pairs: (r.RouteTables ?? []).map((t) => [t.RouteTableId ?? '', t.VpcId]), next: r.NextToken };
    },
  },
  'route-table-association': {
    filter: 'association.route-table-association-id',
    describe: async (c, Filters, NextToken) => {
      const r = await c.send(new DescribeRouteTablesCommand({ Filters, NextToken }));
      const pairs: [string, string | undefined][] = [];
      for (const t of r.RouteTables ?? []) {
        for (const a of t.Associations ?? []) pairs.push([a.RouteTableAssociationId ?? '', t.VpcId]);
      }
      return { pairs, next: r.NextToken };
    },
  },
  'vpc-cidr-association': {
    filter: 'cidr-block-association.association-id',
    describe: async (c, Filters, NextToken) => {
      const r = await c.send(new DescribeVpcsCommand({ Filters, NextToken }));
      const pairs: [string, string | undefined][] = [];
      for (const v of r.Vpcs ?? []) {
        for (const a of v.CidrBlockAssociationSet ?? []) pairs.push([a.AssociationId ?? '', v.VpcId]);
      }
      return { pairs, next: r.NextToken };
    },
  },
  'vpc-endpoint': {
    filter: 'vpc-endpoint-id',
    describe: async (c, Filters, NextToken) => {
      const r = await c.send(new DescribeVpcEndpointsCommand({ Filters, NextToken }));
      return {
        pairs: (r.VpcEndpoints ?? []).map((e) => [e.VpcEndpointId ?? '', e.VpcId]),
        next: r.NextToken,
      };
    },
  },
  'nat-gateway': {
    filter: 'nat-gateway-id',
    describe: async (c, Filter, NextToken) => {
      // DescribeNatGateways names its filter list `Filter`, not `Filters`.
      const r = await c.send(new DescribeNatGatewaysCommand({ Filter, NextToken }));
      return { pairs: (r.NatGateways ?? []).map((n) => [n.NatGatewayId ?? '', n.VpcId]), next: r.NextToken };
    },
  },
  'internet-gateway': {
    filter: 'internet-gateway-id',
    describe: async (c, Filters, NextToken) => {
      const r = await c.send(new DescribeInternetGatewaysCommand({ Filters, NextToken }));
      const pairs: [string, string | undefined][] = [];
      for (const g of r.InternetGateways ?? []) {
        for (const a of g.Attachments ?? []) pairs.push([g.InternetGatewayId ?? '', a.VpcId]);
      }
      return { pairs, next: r.NextToken };
    },
  },
  instance: {
    filter: 'instance-id',
    describe: async (c, Filters, NextToken) => {
      const r = await c.send(new DescribeInstancesCommand({ Filters, NextToken }));
      const pairs: [string, string | undefined][] = [];
      for (const res of r.Reservations ?? []) {
        for (const i of res.Instances ?? []) pairs.push([i.InstanceId ?? '', i.VpcId]);
      }
      return { pairs, next: r.NextToken };
    },
  },
  'network-interface': {
    filter: 'network-interface-id',
    describe: async (c, Filters, NextToken) => {
      const r = await c.send(new DescribeNetworkInterfacesCommand({ Filters, NextToken }));
      return {
        pairs: (r.NetworkInterfaces ?? []).map((n) => [n.NetworkInterfaceId ?? '', n.VpcId]),
        next: r.NextToken,
      };
    },
  },
  'network-acl': {
    filter: 'network-acl-id',
    describe: async (c, Filters, NextToken) => describeNetworkAcls(c, Filters, NextToken),
  },
};

async function describeNetworkAcls(c: EC2Client, Filters: Filter[], NextToken?: string): Promise<Page> {
  const r = await c.send(new DescribeNetworkAclsCommand({ Filters, NextToken }));
  return { pairs: (r.NetworkAcls ?? []).map((a) => [a.NetworkAclId ?? '', a.VpcId]), next: r.NextToken };
}

/**
 * Types worth describing VPC-wide in a storm, and how (`vpc-id` filter): few items per
 * VPC compared with the events that name them. Route tables bring their association ids.
 * Instances and network interfaces are left out (thousands per VPC, rarely in storms).
 */
const VPC_WIDE: Partial<Record<keyof typeof DESCRIBERS, Describe>> = {
  'security-group': DESCRIBERS['security-group'].describe,
  subnet: DESCRIBERS.subnet.describe,
  'route-table': async (c, Filters, NextToken) => {
    const r = await c.send(new DescribeRouteTablesCommand({ Filters, NextToken }));
    const pairs: [string, string | undefined][] = [];
    for (const t of r.RouteTables ?? []) {
      pairs.push([t.RouteTableId ?? '', t.VpcId]);
      for (const a of t.Associations ?? []) pairs.push([a.RouteTableAssociationId ?? '', t.VpcId]);
    }
    return { pairs, next: r.NextToken };
  },
  'network-acl': describeNetworkAcls,
  'vpc-endpoint': DESCRIBERS['vpc-endpoint'].describe,
  'nat-gateway': DESCRIBERS['nat-gateway'].describe,
};
VPC_WIDE['route-table-association'] = VPC_WIDE['route-table'];

async function drain(client: EC2Client, describe: Describe, filters: Filter[], found: Map<string, string>) {
  let token: string | undefined;
  do {
    const page = await describe(client, filters, token);
    for (const [id, vpcId] of page.pairs) if (id && vpcId) found.set(id, vpcId);
    token = page.next;
  } while (token);
}

async function describeAll(client: EC2Client, type: keyof typeof DESCRIBERS, ids: string[]) {
  const { filter, describe } = DESCRIBERS[type];
  const found = new Map<string, string>();
  for (let i = 0; i < ids.length; i += FILTER_CHUNK)
    await drain(client, describe, [{ Name: filter, Values: ids.slice(i, i + FILTER_CHUNK) }], found);
  return found;
}

/** How long a resolved id is kept (a resource never changes VPC; deleted ones are forgotten). */
export const DEFAULT_CACHE_TTL_MS = 5 * 60_000;
/** Entries kept at most; the oldest are dropped first. */
const MAX_CACHE_ENTRIES = 50_000;

export interface ResolverOptions {
  /** Default {@link DEFAULT_CACHE_TTL_MS}. */
  cacheTtlMs?: number;
  /** Milliseconds clock (tests); default `Date.now`. */
  now?: () => number;
}

/** The in-memory `region/id → VPC` map with expiry, and the per-VPC miss counts that trigger a VPC-wide describe. */
function createVpcCache(ttlMs: number, now: () => number) {
  const entries = new Map<string, { vpcId: string; expires: number }>();
  const misses = new Map<string, number>();
  const evict = () => {
    if (entries.size <= MAX_CACHE_ENTRIES) return;
    let drop = entries.size - MAX_CACHE_ENTRIES;
    for (const key of entries.keys()) {
      if (drop-- <= 0) break;
      entries.delete(key);
    }
  };
  return {
    get(region: string, id: string): string | undefined {
      const entry = entries.get(`${region}/${id}`);
      if (entry && entry.expires > now()) return entry.vpcId;
      if (entry) entries.delete(`${region}/${id}`);
      return undefined;
    },
    set(region: string, found: Map<string, string>): void {
      const expires = now() + ttlMs;
      for (const [id, vpcId] of found) {
        entries.delete(`${region}/${id}`); // re-inserted last: eviction drops the oldest
        entries.set(`${region}/${id}`, { vpcId, expires });
      }
      evict();
    },
    /** Counts a miss of `type` resolved into `vpcId`; true on the second one within the TTL. */
    missed(region: string, vpcId: string, type: string): boolean {
      const key = `${region}/${vpcId}/${type}`;
      const at = now();
      const first = misses.get(key);
      if (first === undefined || at - first >= ttlMs) {
        misses.set(key, at);
        return false;
      }
      misses.delete(key);
      return true;
    },
  };
}

/**
 * Creates the resolver. `clientFor(region)` returns that region's EC2 client (the
 * handler's one client per region, created at module scope); the resolver itself is
 * created once per Lambda container, so its memory serves every invocation of it.
 */
export function createEc2ResourceResolver(
  clientFor: (region: string) => EC2Client,
  options: ResolverOptions = {},
): Ec2ResourceResolverPort {
  const cache = createVpcCache(options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS, options.now ?? Date.now);

  /** Describes `type` in each VPC on its second miss there; a failure only costs the warm-up. */
  async function warm(region: string, type: keyof typeof DESCRIBERS, vpcIds: Iterable<string>) {
    const describe = VPC_WIDE[type];
    if (!describe) return;
    for (const vpcId of vpcIds) {
      if (!cache.missed(region, vpcId, type)) continue;
      const found = new Map<string, string>();
      try {
        await drain(clientFor(region), describe, [{ Name: 'vpc-id', Values: [vpcId] }], found);
      } catch {
        // The ids asked for are resolved already; the next miss describes by id again.
      }
      cache.set(region, found);
    }
  }

  return {
    async resolveVpcIds(region, refs): Promise<VpcResolution> {
      const vpcIds = new Set<string>();
      const unresolved: VpcResolution['unresolved'] = [];
      const byType = new Map<keyof typeof DESCRIBERS, Ec2ResourceRef[]>();
      const told = new Map<string, string>();
      for (const ref of refs) {
        const known = ref.type === 'vpc' ? ref.id : (ref.vpcId ?? cache.get(region, ref.id));
        if (known) {
          vpcIds.add(known);
          if (ref.vpcId) told.set(ref.id, ref.vpcId);
          continue;
        }
        const type = ref.type as keyof typeof DESCRIBERS;
        byType.set(type, [...(byType.get(type) ?? []), ref]);
      }
      cache.set(region, told);
      // One describe per type; types are independent so they run in parallel.
      await Promise.all(
        [...byType].map(async ([type, list]) => {
          try {
            const found = await describeAll(clientFor(region), type, [...new Set(list.map((r) => r.id))]);
            cache.set(region, found);
            for (const ref of list) {
              const vpcId = found.get(ref.id);
              if (vpcId) vpcIds.add(vpcId);
              else unresolved.push({ ref, reason: 'not found (deleted, or not in a VPC)' });
            }
            await warm(region, type, new Set(found.values()));
          } catch (error) {
            const reason = describeAwsError(error);
            for (const ref of list) unresolved.push({ ref, reason });
          }
        }),
      );
      return { vpcIds: [...vpcIds].sort(), unresolved };
    },
  };
}
