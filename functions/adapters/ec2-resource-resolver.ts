/**
 * Resolves EC2 resource ids named by CloudTrail events to their VPC ids by describing
 * them, batched per resource type. Filters are used instead of id lists because an id
 * list fails the whole call when one id no longer exists (deleted security groups and
 * subnets are exactly what events talk about).
 */
import {
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
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
};

async function describeAll(client: EC2Client, type: keyof typeof DESCRIBERS, ids: string[]) {
  const { filter, describe } = DESCRIBERS[type];
  const found = new Map<string, string>();
  for (let i = 0; i < ids.length; i += FILTER_CHUNK) {
    const filters: Filter[] = [{ Name: filter, Values: ids.slice(i, i + FILTER_CHUNK) }];
    let token: string | undefined;
    do {
      const page = await describe(client, filters, token);
      for (const [id, vpcId] of page.pairs) if (id && vpcId) found.set(id, vpcId);
      token = page.next;
    } while (token);
  }
  return found;
}

/**
 * Creates the resolver. `clientFor(region)` returns that region's EC2 client (the
 * handler's one client per region, created at module scope).
 */
export function createEc2ResourceResolver(clientFor: (region: string) => EC2Client): Ec2ResourceResolverPort {
  return {
    async resolveVpcIds(region, refs): Promise<VpcResolution> {
      const vpcIds = new Set<string>();
      const unresolved: VpcResolution['unresolved'] = [];
      const byType = new Map<keyof typeof DESCRIBERS, Ec2ResourceRef[]>();
      for (const ref of refs) {
        if (ref.type === 'vpc') {
          vpcIds.add(ref.id);
          continue;
        }
        const list = byType.get(ref.type) ?? [];
        list.push(ref);
        byType.set(ref.type, list);
      }
      // One describe per type; types are independent so they run in parallel.
      await Promise.all(
        [...byType].map(async ([type, list]) => {
          try {
            const found = await describeAll(clientFor(region), type, [...new Set(list.map((r) => r.id))]);
            for (const ref of list) {
              const vpcId = found.get(ref.id);
              if (vpcId) vpcIds.add(vpcId);
              else unresolved.push({ ref, reason: 'not found (deleted, or not in a VPC)' });
            }
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
