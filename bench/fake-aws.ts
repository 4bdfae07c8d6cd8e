/**
 * An in-process fake of the EC2 and EKS APIs behind the real SDK clients
 * (aws-sdk-client-mock replaces `send` on every EC2Client/EKSClient/STSClient), answering
 * from a {@link SyntheticAccount}. It counts every call per operation.
 *
 * It is strict where a lenient fake would flatter the collector:
 * - pagination: a page never holds more than `MaxResults`/`maxResults` (validated against
 *   the API's range; out of range is an error) and, when absent, never more than the
 *   API's largest page, so a collector can never beat the floor by omitting it;
 *   `NextToken` is tied to the query that produced it;
 * - filters: the names the collector and the event resolver use are implemented with
 *   EC2's semantics (values OR-ed, filters AND-ed, `*`/`?` wildcards); an unknown filter
 *   name or more than 200 filter values in one call fails like EC2 does;
 * - items come back as fresh copies, as the SDK's deserialiser would produce.
 */
import {
  DescribeFlowLogsCommand,
  DescribeInstancesCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  EC2ServiceException,
  type Filter,
  type FlowLog,
  type Instance,
  type NatGateway,
  type NetworkAcl,
  type RouteTable,
  type SecurityGroup,
  type Subnet,
  type Vpc,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import {
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  EKSClient,
  EKSServiceException,
  ListClustersCommand,
  ListFargateProfilesCommand,
  ListNodegroupsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { SyntheticAccount } from './generator.ts';

/** EC2 rejects calls with more than 200 filter values in total. */
export const MAX_FILTER_VALUES = 200;

/** Page-size range per paginated operation (from the EC2/EKS API references). */
export const PAGE_LIMITS = {
  DescribeVpcs: { min: 5, max: 1000 },
  DescribeSubnets: { min: 5, max: 1000 },
  DescribeRouteTables: { min: 5, max: 100 },
  DescribeSecurityGroups: { min: 5, max: 1000 },
  DescribeVpcEndpoints: { min: 1, max: 1000 },
  DescribeNatGateways: { min: 5, max: 1000 },
  DescribeInstances: { min: 5, max: 1000 },
  DescribeNetworkAcls: { min: 5, max: 100 },
  DescribeFlowLogs: { min: 5, max: 1000 },
  ListClusters: { min: 1, max: 100 },
  ListNodegroups: { min: 1, max: 100 },
  ListFargateProfiles: { min: 1, max: 100 },
} as const;
export type PagedOperation = keyof typeof PAGE_LIMITS;

/** Builds an error the way the SDK's deserialiser does (name, fault, HTTP status). */
function ec2Error(name: string, message: string): EC2ServiceException {
  return new EC2ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });
}

function eksError(name: string, message: string): EKSServiceException {
  return new EKSServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });
}

/** EC2 filter value match: `*` any run, `?` one character, else exact. */
export function filterValueMatches(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(value);
}

type Extractors<T> = Record<string, (item: T) => (string | undefined)[]>;

const SUBNET_FILTERS: Extractors<Subnet> = {
  'vpc-id': (s) => [s.VpcId],
  'subnet-id': (s) => [s.SubnetId],
};
const VPC_FILTERS: Extractors<Vpc> = {
  'vpc-id': (v) => [v.VpcId],
  'cidr-block-association.association-id': (v) =>
    (v.CidrBlockAssociationSet ?? []).map((a) => a.AssociationId),
};
const ROUTE_TABLE_FILTERS: Extractors<RouteTable> = {
  'vpc-id': (t) => [t.VpcId],
  'route-table-id': (t) => [t.RouteTableId],
  'association.route-table-association-id': (t) =>
    (t.Associations ?? []).map((a) => a.RouteTableAssociationId),
  'association.subnet-id': (t) => (t.Associations ?? []).map((a) => a.SubnetId),
};
const SG_FILTERS: Extractors<SecurityGroup> = {
  'vpc-id': (g) => [g.VpcId],
  'group-id': (g) => [g.GroupId],
};
const ENDPOINT_FILTERS: Extractors<VpcEndpoint> = {
  'vpc-id': (e) => [e.VpcId],
  'vpc-endpoint-id': (e) => [e.VpcEndpointId],
};
const NAT_FILTERS: Extractors<NatGateway> = {
  'vpc-id': (n) => [n.VpcId],
  'nat-gateway-id': (n) => [n.NatGatewayId],
};
const INSTANCE_FILTERS: Extractors<Instance> = {
  'vpc-id': (i) => [i.VpcId],
  'subnet-id': (i) => [i.SubnetId],
  'instance-id': (i) => [i.InstanceId],
  'instance-state-name': (i) => [i.State?.Name],
  'tag-key': (i) => (i.Tags ?? []).map((t) => t.Key),
};

const NETWORK_ACL_FILTERS: Extractors<NetworkAcl> = {
  'vpc-id': (a) => [a.VpcId],
  'network-acl-id': (a) => [a.NetworkAclId],
  'association.subnet-id': (a) => (a.Associations ?? []).map((x) => x.SubnetId),
  'association.association-id': (a) => (a.Associations ?? []).map((x) => x.NetworkAclAssociationId),
  default: (a) => [String(a.IsDefault ?? false)],
};
/** A flow log has no VPC: it names its resource (a VPC, subnet or network interface). */
const FLOW_LOG_FILTERS: Extractors<FlowLog> = {
  'resource-id': (f) => [f.ResourceId],
  'flow-log-id': (f) => [f.FlowLogId],
  'traffic-type': (f) => [f.TrafficType],
  'deliver-log-status': (f) => [f.DeliverLogsStatus],
};

/** Applies EC2 filters (and an id list, which is one more filter) to `items`. */
export function applyFilters<T>(
  operation: string,
  items: readonly T[],
  filters: Filter[] | undefined,
  extractors: Extractors<T>,
): T[] {
  const list = filters ?? [];
  const valueCount = list.reduce((n, f) => n + (f.Values?.length ?? 0), 0);
  if (valueCount > MAX_FILTER_VALUES) {
    throw ec2Error(
      'FilterLimitExceeded',
      `The maximum number of filter values specified on a single call is ${MAX_FILTER_VALUES}`,
    );
  }
  const compiled = list.map((f) => {
    const extract = f.Name ? extractors[f.Name] : undefined;
    if (!extract) throw ec2Error('InvalidParameterValue', `${operation}: the filter '${f.Name}' is invalid`);
    const exact = new Set((f.Values ?? []).filter((v) => !v.includes('*') && !v.includes('?')));
    const patterns = (f.Values ?? []).filter((v) => v.includes('*') || v.includes('?'));
    return (item: T) =>
      extract(item).some(
        (value) =>
          value !== undefined && (exact.has(value) || patterns.some((p) => filterValueMatches(p, value))),
      );
  });
  return items.filter((item) => compiled.every((matches) => matches(item)));
}

interface Token {
  op: string;
  query: string;
  offset: number;
}

/** Slices one page; the token encodes the offset and the query it belongs to. */
export function paginate<T>(
  operation: PagedOperation,
  matches: readonly T[],
  query: unknown,
  maxResults: number | undefined,
  nextToken: string | undefined,
  errorOf: (name: string, message: string) => Error,
): { page: T[]; next?: string } {
  const limits = PAGE_LIMITS[operation];
  if (maxResults !== undefined && (maxResults < limits.min || maxResults > limits.max)) {
    throw errorOf(
      'InvalidParameterValue',
      `${operation}: MaxResults must be between ${limits.min} and ${limits.max}, got ${maxResults}`,
    );
  }
  const size = maxResults ?? limits.max;
  const queryKey = JSON.stringify(query);
  let offset = 0;
  if (nextToken !== undefined) {
    let token: Token;
    try {
      token = JSON.parse(Buffer.from(nextToken, 'base64url').toString('utf8')) as Token;
    } catch {
      throw errorOf('InvalidNextToken', `${operation}: the token '${nextToken}' is invalid`);
    }
    if (token.op !== operation || token.query !== queryKey)
      throw errorOf('InvalidNextToken', `${operation}: the token belongs to another query`);
    offset = token.offset;
  }
  const page = matches.slice(offset, offset + size);
  const end = offset + page.length;
  if (end >= matches.length) return { page };
  const token: Token = { op: operation, query: queryKey, offset: end };
  return { page, next: Buffer.from(JSON.stringify(token)).toString('base64url') };
}

/** Call counts per operation; `total` sums them. */
export interface CallCounter {
  byOperation: Record<string, number>;
  total(): number;
  reset(): void;
}

export interface FakeAws {
  calls: CallCounter;
  /** Restores the real `send` of every mocked client class. */
  restore(): void;
}

const copy = <T>(value: T): T => structuredClone(value);

/** Drops the pagination/filter inputs so the rest of the query identifies a token's query. */
function queryOf(input: object): object {
  const {
    NextToken: _a,
    nextToken: _b,
    MaxResults: _c,
    maxResults: _d,
    ...rest
  } = input as Record<string, unknown>;
  return rest;
}

/** Installs the fake for `account` on every EC2, EKS and STS client. */
export function installFakeAws(account: SyntheticAccount): FakeAws {
  const byOperation: Record<string, number> = {};
  const ec2 = mockClient(EC2Client);
  const eks = mockClient(EKSClient);
  const sts = mockClient(STSClient);
  const count = (op: string) => {
    byOperation[op] = (byOperation[op] ?? 0) + 1;
    // sinon (under aws-sdk-client-mock) keeps every call's input and answer; at account
    // scale that history would dominate the heap figures, so only the current call is kept.
    // sinon refuses a reset while the stub runs: forget it right after this call returns.
    queueMicrotask(() => {
      ec2.resetHistory();
      eks.resetHistory();
      sts.resetHistory();
    });
  };

  const regionCheck = async (client: { config: { region: unknown } }, op: string, errorOf = ec2Error) => {
    const region = client.config.region;
    const value = typeof region === 'function' ? await (region as () => Promise<string>)() : region;
    if (value !== account.region)
      throw errorOf('UnrecognizedClientException', `${op}: no data in region ${value}`);
  };

  /** Input fields of the paginated EC2 describes the fake reads. */
  type PagedInput = { MaxResults?: number; NextToken?: string; Filters?: Filter[]; Filter?: Filter[] };

  /**
   * One paginated EC2 describe: count, filter, page, copy. `ids` names the id-list
   * parameter (e.g. `SubnetIds`) and the filter it is equivalent to.
   */
  function describe<T>(
    op: PagedOperation,
    items: readonly T[],
    extractors: Extractors<T>,
    ids: [string, string],
  ) {
    return async (input: PagedInput, getClient: () => unknown) => {
      count(op);
      await regionCheck(getClient() as { config: { region: unknown } }, op);
      // DescribeNatGateways names its filter list `Filter`, the others `Filters`.
      const filters = [...(input.Filters ?? input.Filter ?? [])];
      const idList = (input as Record<string, unknown>)[ids[0]] as string[] | undefined;
      if (idList?.length) filters.push({ Name: ids[1], Values: idList });
      const matches = applyFilters(op, items, filters, extractors);
      const { page, next } = paginate(
        op,
        matches,
        queryOf(input),
        input.MaxResults,
        input.NextToken,
        ec2Error,
      );
      return { page: copy(page), next };
    };
  }

  const subnets = describe('DescribeSubnets', account.subnets, SUBNET_FILTERS, ['SubnetIds', 'subnet-id']);
  ec2.on(DescribeSubnetsCommand).callsFake(async (input, getClient) => {
    const { page, next } = await subnets(input, getClient);
    return { Subnets: page, NextToken: next };
  });
  const vpcs = describe('DescribeVpcs', account.vpcs, VPC_FILTERS, ['VpcIds', 'vpc-id']);
  ec2.on(DescribeVpcsCommand).callsFake(async (input, getClient) => {
    const { page, next } = await vpcs(input, getClient);
    return { Vpcs: page, NextToken: next };
  });
  const tables = describe('DescribeRouteTables', account.routeTables, ROUTE_TABLE_FILTERS, [
    'RouteTableIds',
    'route-table-id',
  ]);
  ec2.on(DescribeRouteTablesCommand).callsFake(async (input, getClient) => {
    const { page, next } = await tables(input, getClient);
    return { RouteTables: page, NextToken: next };
  });
  const groups = describe('DescribeSecurityGroups', account.securityGroups, SG_FILTERS, [
    'GroupIds',
    'group-id',
  ]);
  ec2.on(DescribeSecurityGroupsCommand).callsFake(async (input, getClient) => {
    const { page, next } = await groups(input, getClient);
    return { SecurityGroups: page, NextToken: next };
  });
  const endpoints = describe('DescribeVpcEndpoints', account.vpcEndpoints, ENDPOINT_FILTERS, [
    'VpcEndpointIds',
    'vpc-endpoint-id',
  ]);
  ec2.on(DescribeVpcEndpointsCommand).callsFake(async (input, getClient) => {
    const { page, next } = await endpoints(input, getClient);
    return { VpcEndpoints: page, NextToken: next };
  });
  const nats = describe('DescribeNatGateways', account.natGateways, NAT_FILTERS, [
    'NatGatewayIds',
    'nat-gateway-id',
  ]);
  ec2.on(DescribeNatGatewaysCommand).callsFake(async (input, getClient) => {
    const { page, next } = await nats(input, getClient);
    return { NatGateways: page, NextToken: next };
  });
  // One instance per reservation: a page of N reservations holds N instances.
  const instances = describe('DescribeInstances', account.instances, INSTANCE_FILTERS, [
    'InstanceIds',
    'instance-id',
  ]);
  ec2.on(DescribeInstancesCommand).callsFake(async (input, getClient) => {
    if (input.InstanceIds?.length && input.MaxResults !== undefined)
      throw ec2Error(
        'InvalidParameterCombination',
        'The parameter instancesSet cannot be used with the parameter maxResults',
      );
    const { page, next } = await instances(input, getClient);
    return {
      Reservations: page.map((instance, n) => ({
        ReservationId: `r-${n}`,
        OwnerId: account.accountId,
        Instances: [instance],
      })),
      NextToken: next,
    };
  });
  const acls = describe('DescribeNetworkAcls', account.networkAcls, NETWORK_ACL_FILTERS, [
    'NetworkAclIds',
    'network-acl-id',
  ]);
  ec2.on(DescribeNetworkAclsCommand).callsFake(async (input, getClient) => {
    const { page, next } = await acls(input, getClient);
    return { NetworkAcls: page, NextToken: next };
  });
  // DescribeFlowLogs names its filter list `Filter`, like DescribeNatGateways.
  const flowLogs = describe('DescribeFlowLogs', account.flowLogs, FLOW_LOG_FILTERS, [
    'FlowLogIds',
    'flow-log-id',
  ]);
  ec2.on(DescribeFlowLogsCommand).callsFake(async (input, getClient) => {
    if (input.FlowLogIds?.length && input.MaxResults !== undefined)
      throw ec2Error(
        'InvalidParameterCombination',
        'DescribeFlowLogs: FlowLogIds cannot be used with MaxResults',
      );
    const { page, next } = await flowLogs(input, getClient);
    return { FlowLogs: page, NextToken: next };
  });
  ec2.on(DescribeVpcAttributeCommand).callsFake(async (input, getClient) => {
    count('DescribeVpcAttribute');
    await regionCheck(getClient(), 'DescribeVpcAttribute');
    const dns = input.VpcId ? account.vpcDns.get(input.VpcId) : undefined;
    if (!dns) throw ec2Error('InvalidVpcID.NotFound', `The vpc ID '${input.VpcId}' does not exist`);
    if (input.Attribute === 'enableDnsSupport')
      return { VpcId: input.VpcId, EnableDnsSupport: { Value: dns.support } };
    if (input.Attribute === 'enableDnsHostnames')
      return { VpcId: input.VpcId, EnableDnsHostnames: { Value: dns.hostnames } };
    throw ec2Error('InvalidParameterValue', `DescribeVpcAttribute: unsupported attribute ${input.Attribute}`);
  });

  // ----- EKS --------------------------------------------------------------------------
  const clusterNames = account.clusters.map((c) => c.name!).sort();
  const clusterByName = new Map(account.clusters.map((c) => [c.name!, c]));
  const notFound = (what: string) =>
    new ResourceNotFoundException({ message: `No ${what} found`, $metadata: { httpStatusCode: 404 } });
  const requireCluster = (name: string | undefined) => {
    const cluster = name ? clusterByName.get(name) : undefined;
    if (!cluster) throw notFound(`cluster found for name: ${name}`);
    return cluster;
  };
  eks.on(ListClustersCommand).callsFake(async (input, getClient) => {
    count('ListClusters');
    await regionCheck(getClient(), 'ListClusters', eksError);
    const { page, next } = paginate(
      'ListClusters',
      clusterNames,
      queryOf(input),
      input.maxResults,
      input.nextToken,
      eksError,
    );
    return { clusters: page, nextToken: next };
  });
  eks.on(DescribeClusterCommand).callsFake(async (input, getClient) => {
    count('DescribeCluster');
    await regionCheck(getClient(), 'DescribeCluster', eksError);
    return { cluster: copy(requireCluster(input.name)) };
  });
  eks.on(ListNodegroupsCommand).callsFake(async (input, getClient) => {
    count('ListNodegroups');
    await regionCheck(getClient(), 'ListNodegroups', eksError);
    requireCluster(input.clusterName);
    const names = (account.nodegroups.get(input.clusterName!) ?? []).map((n) => n.nodegroupName!);
    const { page, next } = paginate(
      'ListNodegroups',
      names,
      queryOf(input),
      input.maxResults,
      input.nextToken,
      eksError,
    );
    return { nodegroups: page, nextToken: next };
  });
  eks.on(DescribeNodegroupCommand).callsFake(async (input, getClient) => {
    count('DescribeNodegroup');
    await regionCheck(getClient(), 'DescribeNodegroup', eksError);
    requireCluster(input.clusterName);
    const found = account.nodegroups
      .get(input.clusterName!)
      ?.find((n) => n.nodegroupName === input.nodegroupName);
    if (!found) throw notFound(`node group ${input.nodegroupName}`);
    return { nodegroup: copy(found) };
  });
  eks.on(ListFargateProfilesCommand).callsFake(async (input, getClient) => {
    count('ListFargateProfiles');
    await regionCheck(getClient(), 'ListFargateProfiles', eksError);
    requireCluster(input.clusterName);
    const names = (account.fargateProfiles.get(input.clusterName!) ?? []).map((p) => p.fargateProfileName!);
    const { page, next } = paginate(
      'ListFargateProfiles',
      names,
      queryOf(input),
      input.maxResults,
      input.nextToken,
      eksError,
    );
    return { fargateProfileNames: page, nextToken: next };
  });
  eks.on(DescribeFargateProfileCommand).callsFake(async (input, getClient) => {
    count('DescribeFargateProfile');
    await regionCheck(getClient(), 'DescribeFargateProfile', eksError);
    requireCluster(input.clusterName);
    const found = account.fargateProfiles
      .get(input.clusterName!)
      ?.find((p) => p.fargateProfileName === input.fargateProfileName);
    if (!found) throw notFound(`Fargate profile ${input.fargateProfileName}`);
    return { fargateProfile: copy(found) };
  });
  eks.on(DescribeAddonCommand).callsFake(async (input, getClient) => {
    count('DescribeAddon');
    await regionCheck(getClient(), 'DescribeAddon', eksError);
    requireCluster(input.clusterName);
    const addon = input.addonName === 'vpc-cni' ? account.addons.get(input.clusterName!) : undefined;
    if (!addon) throw notFound(`addon ${input.addonName} on cluster ${input.clusterName}`);
    return { addon: copy(addon) };
  });
  sts.on(GetCallerIdentityCommand).callsFake(async () => {
    count('GetCallerIdentity');
    return {
      Account: account.accountId,
      Arn: `arn:aws:iam::${account.accountId}:role/bench`,
      UserId: 'bench',
    };
  });

  return {
    calls: {
      byOperation,
      total: () => Object.values(byOperation).reduce((a, b) => a + b, 0),
      reset: () => {
        for (const key of Object.keys(byOperation)) delete byOperation[key];
      },
    },
    restore() {
      ec2.restore();
      eks.restore();
      sts.restore();
    },
  };
}

/**
 * The floor: calls a perfect collector needs for the account at the largest page size
 * of each API. EKS: one list page per 100 names (at least one), one describe per
 * cluster, node group, Fargate profile and add-on. EC2: per describe, the pages of the
 * items in cluster VPCs (at least one; and at least one call per 200 VPC ids, EC2's
 * filter-value limit), plus two `DescribeVpcAttribute` per VPC (the API reads one
 * attribute per call). Flow logs count only those whose resource is a cluster VPC (what
 * the flow-log rule reads). `DescribeCluster` reports the VPC id, so no subnet lookup is
 * needed to find it.
 */
export function computeFloor(account: SyntheticAccount): {
  total: number;
  byOperation: Record<string, number>;
} {
  const pages = (items: number, op: PagedOperation) => Math.max(1, Math.ceil(items / PAGE_LIMITS[op].max));
  const clusterVpcs = new Set(
    account.clusters.map((c) => c.resourcesVpcConfig?.vpcId).filter(Boolean) as string[],
  );
  const inVpc = <T extends { VpcId?: string }>(items: readonly T[]) =>
    items.filter((i) => i.VpcId !== undefined && clusterVpcs.has(i.VpcId)).length;
  const vpcChunks = Math.ceil(clusterVpcs.size / MAX_FILTER_VALUES);
  const ec2Pages = (items: number, op: PagedOperation) => Math.max(vpcChunks, pages(items, op));
  const nodes = account.instances.filter(
    (i) =>
      i.VpcId !== undefined &&
      clusterVpcs.has(i.VpcId) &&
      (i.State?.Name === 'running' || i.State?.Name === 'pending') &&
      (i.Tags ?? []).some(
        (t) =>
          t.Key === 'eks:cluster-name' ||
          t.Key === 'eks:eks-cluster-name' ||
          t.Key?.startsWith('kubernetes.io/cluster/'),
      ),
  ).length;
  const vpcFlowLogs = account.flowLogs.filter((f) => f.ResourceId && clusterVpcs.has(f.ResourceId)).length;
  const nodegroups = account.clusters.map((c) => account.nodegroups.get(c.name!)?.length ?? 0);
  const profiles = account.clusters.map((c) => account.fargateProfiles.get(c.name!)?.length ?? 0);
  const byOperation: Record<string, number> = {
    ListClusters: pages(account.clusters.length, 'ListClusters'),
    DescribeCluster: account.clusters.length,
    ListNodegroups: nodegroups.reduce((n, k) => n + pages(k, 'ListNodegroups'), 0),
    DescribeNodegroup: nodegroups.reduce((n, k) => n + k, 0),
    ListFargateProfiles: profiles.reduce((n, k) => n + pages(k, 'ListFargateProfiles'), 0),
    DescribeFargateProfile: profiles.reduce((n, k) => n + k, 0),
    DescribeAddon: account.clusters.length,
    DescribeVpcs: ec2Pages(clusterVpcs.size, 'DescribeVpcs'),
    DescribeVpcAttribute: 2 * clusterVpcs.size,
    DescribeSubnets: ec2Pages(inVpc(account.subnets), 'DescribeSubnets'),
    DescribeRouteTables: ec2Pages(inVpc(account.routeTables), 'DescribeRouteTables'),
    DescribeSecurityGroups: ec2Pages(inVpc(account.securityGroups), 'DescribeSecurityGroups'),
    DescribeVpcEndpoints: ec2Pages(inVpc(account.vpcEndpoints), 'DescribeVpcEndpoints'),
    DescribeNatGateways: ec2Pages(inVpc(account.natGateways), 'DescribeNatGateways'),
    DescribeInstances: ec2Pages(nodes, 'DescribeInstances'),
    DescribeNetworkAcls: ec2Pages(inVpc(account.networkAcls), 'DescribeNetworkAcls'),
    DescribeFlowLogs: ec2Pages(vpcFlowLogs, 'DescribeFlowLogs'),
  };
  return { total: Object.values(byOperation).reduce((a, b) => a + b, 0), byOperation };
}
