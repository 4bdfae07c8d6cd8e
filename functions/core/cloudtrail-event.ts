/**
 * CloudTrail API-call events delivered by EventBridge: the envelope schema and the
 * mapping `eventName → affected targets` (cluster names for EKS, resource ids for EC2).
 *
 * Pure: no AWS, no clock. The handler resolves EC2 resource ids to VPCs and VPCs to
 * clusters; this module only reads what the event itself says.
 */
import * as z from 'zod/mini';
import { type ClusterInVpc, VPC_ID_PATTERN } from './scan-request.ts';
import './zod-english.ts';

/** EKS API calls that change something a rule reads. */
export const EKS_EVENT_NAMES = [
  'CreateCluster',
  'DeleteCluster',
  'UpdateClusterConfig',
  'CreateNodegroup',
  'UpdateNodegroupConfig',
  'DeleteNodegroup',
  'CreateFargateProfile',
  'DeleteFargateProfile',
  'CreateAddon',
  'UpdateAddon',
  'DeleteAddon',
  'TagResource',
  'UntagResource',
] as const;

/** EC2 API calls that change security groups, subnets, routing, NACLs, endpoints or instances. */
export const EC2_EVENT_NAMES = [
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress',
  'ModifySecurityGroupRules',
  'DeleteSecurityGroup',
  'CreateSubnet',
  'DeleteSubnet',
  'ModifySubnetAttribute',
  'CreateTags',
  'DeleteTags',
  'CreateRoute',
  'ReplaceRoute',
  'DeleteRoute',
  'AssociateRouteTable',
  'DisassociateRouteTable',
  'ReplaceRouteTableAssociation',
  'CreateVpcEndpoint',
  'ModifyVpcEndpoint',
  'DeleteVpcEndpoints',
  'CreateNatGateway',
  'DeleteNatGateway',
  'ModifyVpcAttribute',
  'AssociateVpcCidrBlock',
  'DisassociateVpcCidrBlock',
  'AttachInternetGateway',
  'DetachInternetGateway',
  'ModifyInstanceAttribute',
  'ModifyNetworkInterfaceAttribute',
  'RunInstances',
  'CreateNetworkAclEntry',
  'ReplaceNetworkAclEntry',
  'DeleteNetworkAclEntry',
  'ReplaceNetworkAclAssociation',
] as const;

export type EksEventName = (typeof EKS_EVENT_NAMES)[number];
export type Ec2EventName = (typeof EC2_EVENT_NAMES)[number];

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

const record = z.record(z.string(), z.unknown());

/** The EventBridge envelope around a CloudTrail record (only the fields we read are required). */
export const cloudTrailEventSchema = z.object({
  id: z.optional(z.string()),
  'detail-type': z.literal(CLOUDTRAIL_DETAIL_TYPE),
  source: z.enum(['aws.eks', 'aws.ec2']),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  time: z.optional(z.string()),
  detail: z.object({
    eventSource: z.string(),
    eventName: z.string().check(z.minLength(1)),
    // Same pattern as a scan request's region: an event whose region scan-cluster would
    // reject is refused here, with its reason, instead of enqueueing a poison message.
    awsRegion: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as eu-west-1')),
    recipientAccountId: z.string().check(z.regex(/^\d{12}$/, 'a 12-digit AWS account id')),
    eventTime: z.optional(z.string()),
    eventID: z.optional(z.string()),
    errorCode: z.optional(z.string()),
    errorMessage: z.optional(z.string()),
    requestParameters: z.nullish(record),
    responseElements: z.nullish(record),
  }),
});

export type CloudTrailEvent = z.infer<typeof cloudTrailEventSchema>;

/** EC2 resource kinds an event can name; each resolves to a VPC. */
export const EC2_RESOURCE_TYPES = [
  'vpc',
  'security-group',
  'subnet',
  'route-table',
  'route-table-association',
  'vpc-cidr-association',
  'vpc-endpoint',
  'nat-gateway',
  'internet-gateway',
  'instance',
  'network-interface',
  'network-acl',
] as const;
export type Ec2ResourceType = (typeof EC2_RESOURCE_TYPES)[number];

export interface Ec2ResourceRef {
  type: Ec2ResourceType;
  id: string;
  /** The VPC the event itself places the resource in: nothing to describe. */
  vpcId?: string;
}

/** What one event asks us to re-scan. */
export type EventTargets =
  | {
      kind: 'targets';
      accountId: string;
      region: string;
      eventName: string;
      /** EKS events: the clusters named by the event. */
      clusterNames: string[];
      /** EC2 events: the resources named by the event (VPCs included when the event says them). */
      resources: Ec2ResourceRef[];
    }
  | { kind: 'ignored'; eventName: string; reason: string };

/** Walks `obj` along `path`, flattening CloudTrail's `{items: [...]}` sets and arrays. */
function pluck(obj: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = [obj];
  for (const key of path) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || typeof value !== 'object') continue;
      const child = (value as Record<string, unknown>)[key];
      if (Array.isArray(child)) next.push(...child);
      else if (child !== undefined && child !== null) next.push(child);
    }
    current = next;
  }
  return current;
}

/**
 * Strings at `path`. Newer EC2 actions log list members as `{ tag, content }` objects,
 * single values as plain strings, several as arrays: all three are accepted.
 */
function strings(obj: unknown, path: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of pluck(obj, path)) {
    if (typeof value === 'string' && value.length > 0) out.push(value);
    else if (
      value &&
      typeof value === 'object' &&
      typeof (value as { content?: unknown }).content === 'string'
    ) {
      out.push((value as { content: string }).content);
    }
  }
  return out;
}

type Extractor = { type: Ec2ResourceType; from: 'req' | 'resp'; path: readonly string[] };

const req = (type: Ec2ResourceType, ...path: string[]): Extractor => ({ type, from: 'req', path });
const resp = (type: Ec2ResourceType, ...path: string[]): Extractor => ({ type, from: 'resp', path });

/** The ids an SG rule change names: the group itself. */
const sgRuleChange = [req('security-group', 'groupId')];

/**
 * Where each EC2 event keeps the ids it touches, in the shapes CloudTrail logs them.
 * Newer "JSON-style" actions wrap the call in `<Name>Request` / `<Name>Response`.
 */
const EC2_EXTRACTORS: Record<Ec2EventName, readonly Extractor[]> = {
  AuthorizeSecurityGroupIngress: [
    ...sgRuleChange,
    resp('security-group', 'securityGroupRuleSet', 'items', 'groupId'),
  ],
  AuthorizeSecurityGroupEgress: [
    ...sgRuleChange,
    resp('security-group', 'securityGroupRuleSet', 'items', 'groupId'),
  ],
  RevokeSecurityGroupIngress: sgRuleChange,
  RevokeSecurityGroupEgress: sgRuleChange,
  ModifySecurityGroupRules: [req('security-group', 'ModifySecurityGroupRulesRequest', 'GroupId')],
  DeleteSecurityGroup: [req('security-group', 'groupId')],
  CreateSubnet: [req('vpc', 'vpcId'), resp('subnet', 'subnet', 'subnetId'), resp('vpc', 'subnet', 'vpcId')],
  DeleteSubnet: [req('subnet', 'subnetId')],
  ModifySubnetAttribute: [req('subnet', 'subnetId')],
  CreateTags: [], // typed by id prefix below
  DeleteTags: [],
  CreateRoute: [req('route-table', 'routeTableId')],
  ReplaceRoute: [req('route-table', 'routeTableId')],
  DeleteRoute: [req('route-table', 'routeTableId')],
  AssociateRouteTable: [req('route-table', 'routeTableId'), req('subnet', 'subnetId')],
  DisassociateRouteTable: [req('route-table-association', 'associationId')],
  ReplaceRouteTableAssociation: [
    req('route-table', 'routeTableId'),
    req('route-table-association', 'associationId'),
  ],
  CreateVpcEndpoint: [
    req('vpc', 'CreateVpcEndpointRequest', 'VpcId'),
    resp('vpc-endpoint', 'CreateVpcEndpointResponse', 'vpcEndpoint', 'vpcEndpointId'),
    resp('vpc', 'CreateVpcEndpointResponse', 'vpcEndpoint', 'vpcId'),
  ],
  ModifyVpcEndpoint: [req('vpc-endpoint', 'ModifyVpcEndpointRequest', 'VpcEndpointId')],
  DeleteVpcEndpoints: [req('vpc-endpoint', 'DeleteVpcEndpointsRequest', 'VpcEndpointId')],
  CreateNatGateway: [
    req('subnet', 'CreateNatGatewayRequest', 'SubnetId'),
    resp('nat-gateway', 'CreateNatGatewayResponse', 'natGateway', 'natGatewayId'),
    resp('vpc', 'CreateNatGatewayResponse', 'natGateway', 'vpcId'),
  ],
  DeleteNatGateway: [req('nat-gateway', 'DeleteNatGatewayRequest', 'NatGatewayId')],
  ModifyVpcAttribute: [req('vpc', 'vpcId')],
  AssociateVpcCidrBlock: [req('vpc', 'vpcId'), resp('vpc', 'AssociateVpcCidrBlockResponse', 'vpcId')],
  DisassociateVpcCidrBlock: [
    req('vpc-cidr-association', 'associationId'),
    resp('vpc', 'DisassociateVpcCidrBlockResponse', 'vpcId'),
  ],
  AttachInternetGateway: [req('vpc', 'vpcId'), req('internet-gateway', 'internetGatewayId')],
  DetachInternetGateway: [req('vpc', 'vpcId'), req('internet-gateway', 'internetGatewayId')],
  ModifyInstanceAttribute: [
    req('instance', 'instanceId'),
    req('security-group', 'groupSet', 'items', 'groupId'),
  ],
  ModifyNetworkInterfaceAttribute: [
    req('network-interface', 'networkInterfaceId'),
    req('security-group', 'groupSet', 'items', 'groupId'),
  ],
  RunInstances: [
    resp('instance', 'instancesSet', 'items', 'instanceId'),
    resp('vpc', 'instancesSet', 'items', 'vpcId'),
    resp('subnet', 'instancesSet', 'items', 'subnetId'),
  ],
  CreateNetworkAclEntry: [req('network-acl', 'networkAclId')],
  ReplaceNetworkAclEntry: [req('network-acl', 'networkAclId')],
  DeleteNetworkAclEntry: [req('network-acl', 'networkAclId')],
  // `associationId` is the subnet's previous association, gone once the call succeeded.
  ReplaceNetworkAclAssociation: [req('network-acl', 'networkAclId')],
};

/**
 * Events whose resources all live in the one VPC the event names (EC2 refuses the call
 * otherwise: a subnet, endpoint or NAT gateway is created in that VPC, a gateway attached
 * to it, the instances of one launch share one subnet). Their ids need no describe call.
 */
const SAME_VPC_EVENTS: ReadonlySet<Ec2EventName> = new Set<Ec2EventName>([
  'CreateSubnet',
  'CreateVpcEndpoint',
  'CreateNatGateway',
  'AssociateVpcCidrBlock',
  'DisassociateVpcCidrBlock',
  'AttachInternetGateway',
  'DetachInternetGateway',
  'RunInstances',
]);

/** Id prefixes of the resource kinds a tag change can matter for (other tagged resources are ignored). */
const ID_PREFIXES: readonly [string, Ec2ResourceType][] = [
  ['vpc-', 'vpc'],
  ['sg-', 'security-group'],
  ['subnet-', 'subnet'],
  ['rtb-', 'route-table'],
  ['vpce-', 'vpc-endpoint'],
  ['nat-', 'nat-gateway'],
  ['igw-', 'internet-gateway'],
  ['i-', 'instance'],
  ['eni-', 'network-interface'],
];

/** Classifies an EC2 id by its prefix; undefined for kinds no rule reads (AMIs, volumes…). */
export function ec2ResourceTypeOf(id: string): Ec2ResourceType | undefined {
  return ID_PREFIXES.find(([prefix]) => id.startsWith(prefix))?.[1];
}

/**
 * Cluster name from an EKS ARN: `cluster/NAME`, `nodegroup/NAME/…`, `fargateprofile/NAME/…`,
 * `addon/NAME/…`. Other EKS resources (identity provider configs, access entries) are not ours.
 */
export function clusterNameFromEksArn(arn: string): string | undefined {
  const match = /^arn:aws[a-z-]*:eks:[^:]*:\d*:(cluster|nodegroup|fargateprofile|addon)\/([^/]+)/.exec(arn);
  return match?.[2];
}

/**
 * What EKS accepts as a cluster name (and what a scan request requires). A name outside
 * it cannot be a real cluster: it is dropped rather than enqueued as a poison message.
 */
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;

function eksClusterNames(eventName: EksEventName, detail: CloudTrailEvent['detail']): string[] {
  const request = detail.requestParameters ?? {};
  const response = detail.responseElements ?? {};
  const names =
    eventName === 'TagResource' || eventName === 'UntagResource'
      ? strings(request, ['resourceArn']).flatMap((arn) => clusterNameFromEksArn(arn) ?? [])
      : [
          ...strings(request, ['name']),
          ...strings(request, ['clusterName']),
          ...strings(response, ['cluster', 'name']),
          ...strings(response, ['nodegroup', 'clusterName']),
          ...strings(response, ['fargateProfile', 'clusterName']),
          ...strings(response, ['addon', 'clusterName']),
        ];
  return names.filter((name) => EKS_CLUSTER_NAME.test(name));
}

function ec2Resources(eventName: Ec2EventName, detail: CloudTrailEvent['detail']): Ec2ResourceRef[] {
  const request = detail.requestParameters ?? {};
  const response = detail.responseElements ?? {};
  if (eventName === 'CreateTags' || eventName === 'DeleteTags') {
    return strings(request, ['resourcesSet', 'items', 'resourceId']).flatMap((id) => {
      const type = ec2ResourceTypeOf(id);
      return type ? [{ type, id }] : [];
    });
  }
  const refs: Ec2ResourceRef[] = EC2_EXTRACTORS[eventName].flatMap((extractor) =>
    strings(extractor.from === 'req' ? request : response, extractor.path)
      // A VPC id EC2 would never issue cannot be scanned: dropped rather than enqueued as poison.
      .filter((id) => extractor.type !== 'vpc' || VPC_ID_PATTERN.test(id))
      .map((id) => ({ type: extractor.type, id })),
  );
  const vpcIds = new Set(refs.filter((r) => r.type === 'vpc').map((r) => r.id));
  const [vpcId] = vpcIds;
  if (!SAME_VPC_EVENTS.has(eventName) || vpcIds.size !== 1 || !vpcId) return refs;
  return refs.map((r) => (r.type === 'vpc' ? r : { ...r, vpcId }));
}

function unique<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

const isEks = (name: string): name is EksEventName => (EKS_EVENT_NAMES as readonly string[]).includes(name);
const isEc2 = (name: string): name is Ec2EventName => (EC2_EVENT_NAMES as readonly string[]).includes(name);

/**
 * Maps a validated CloudTrail event to what it affects. Failed calls change nothing and
 * are ignored; so are events outside the lists above and events that name nothing we can use.
 */
export function mapCloudTrailEvent(event: CloudTrailEvent): EventTargets {
  const { detail } = event;
  const eventName = detail.eventName;
  if (detail.errorCode) {
    return { kind: 'ignored', eventName, reason: `the call failed (${detail.errorCode}); nothing changed` };
  }
  const base = {
    kind: 'targets' as const,
    accountId: detail.recipientAccountId,
    region: detail.awsRegion,
    eventName,
  };
  if (event.source === 'aws.eks' && isEks(eventName)) {
    const clusterNames = unique(eksClusterNames(eventName, detail), (n) => n);
    if (clusterNames.length === 0)
      return { kind: 'ignored', eventName, reason: 'the event names no EKS cluster' };
    return { ...base, clusterNames, resources: [] };
  }
  if (event.source === 'aws.ec2' && isEc2(eventName)) {
    const resources = unique(ec2Resources(eventName, detail), (r) => `${r.type}/${r.id}`);
    if (resources.length === 0) {
      return {
        kind: 'ignored',
        eventName,
        reason: 'the event names no resource an EKS networking rule reads',
      };
    }
    return { ...base, clusterNames: [], resources };
  }
  return {
    kind: 'ignored',
    eventName,
    reason: `${event.source} ${eventName} is not an event eks-netguard handles`,
  };
}

/** Result of {@link parseCloudTrailEvent}: the event, or a one-line reason it is not one. */
export type ParsedEvent = { ok: true; event: CloudTrailEvent } | { ok: false; error: string };

/** Validates an EventBridge payload as a CloudTrail API-call event. */
export function parseCloudTrailEvent(input: unknown): ParsedEvent {
  const result = cloudTrailEventSchema.safeParse(input);
  if (result.success) return { ok: true, event: result.data };
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
  return { ok: false, error: `not a CloudTrail API-call event: ${path}: ${issue?.message ?? 'invalid'}` };
}

/** What {@link Ec2ResourceResolverPort.resolveVpcIds} found. */
export interface VpcResolution {
  vpcIds: string[];
  /** Ids that could not be tied to a VPC (deleted, or the describe call failed). */
  unresolved: { ref: Ec2ResourceRef; reason: string }[];
}

/** Turns EC2 resource ids into the VPCs they live in (by describing them in AWS). */
export interface Ec2ResourceResolverPort {
  resolveVpcIds(region: string, refs: readonly Ec2ResourceRef[]): Promise<VpcResolution>;
}

/** The cluster ↔ VPC index the scans keep in the findings table. */
export interface ClusterIndexPort {
  /** Live (not deleted) clusters the store knows in a VPC. */
  clusterNamesInVpc(accountId: string, region: string, vpcId: string): Promise<string[]>;
  /**
   * Live clusters the store knows in a region, with their VPC: the VPC of a cluster an
   * EKS event names, and the fallback when an id cannot be tied to a VPC.
   */
  clustersInRegion(accountId: string, region: string): Promise<ClusterInVpc[]>;
}

/** Clusters an event affects, and how they were found (for the logs). */
export interface AffectedClusters {
  /** Every cluster to scan, with its VPC (none for a cluster no scan has stored yet). */
  clusters: ClusterInVpc[];
  /** Their names, sorted. */
  clusterNames: string[];
  /** The VPCs to scan, sorted. */
  vpcIds: string[];
  unresolved: VpcResolution['unresolved'];
  /** True when unresolved ids made us fall back to every known cluster of the region. */
  regionFallback: boolean;
}

/**
 * Turns mapped targets into the clusters to scan, grouped by VPC. One scan per VPC and
 * time window runs (SQS drops the window's later messages), so an event names every live
 * cluster of each VPC it touches — the one message kept then covers every event of the
 * window. EKS events: the named cluster's stored VPC, and that VPC's clusters; a cluster
 * no scan has stored goes alone, its VPC left to its scan. EC2 ids go to their VPC
 * (described when the event does not say it) and from the VPC to its clusters. An id
 * that cannot be tied to a VPC (typically a resource the event just deleted) falls back
 * to every known cluster of the region: a missed change is worse than a few extra
 * deduplicated scans.
 */
export async function affectedClusters(
  targets: Extract<EventTargets, { kind: 'targets' }>,
  ports: { resolver: Ec2ResourceResolverPort; index: ClusterIndexPort },
): Promise<AffectedClusters> {
  const { accountId, region } = targets;
  const found = new Map<string, ClusterInVpc>();
  const add = (cluster: ClusterInVpc) => {
    if (!found.get(cluster.clusterName)?.vpcId) found.set(cluster.clusterName, cluster);
  };
  let regional: ClusterInVpc[] | undefined;
  const inRegion = async () => {
    regional ??= await ports.index.clustersInRegion(accountId, region);
    return regional;
  };
  if (targets.clusterNames.length > 0) {
    const known = await inRegion();
    for (const clusterName of targets.clusterNames) {
      const vpcId = known.find((c) => c.clusterName === clusterName)?.vpcId;
      if (!vpcId) add({ clusterName });
      else for (const c of known) if (c.vpcId === vpcId) add(c);
    }
  }
  let resolution: VpcResolution = { vpcIds: [], unresolved: [] };
  if (targets.resources.length > 0) {
    resolution = await ports.resolver.resolveVpcIds(region, targets.resources);
    for (const vpcId of resolution.vpcIds) {
      for (const clusterName of await ports.index.clusterNamesInVpc(accountId, region, vpcId))
        add({ clusterName, vpcId });
    }
  }
  const regionFallback = resolution.unresolved.length > 0;
  if (regionFallback) for (const c of await inRegion()) add(c);
  const clusters = [...found.values()].sort((a, b) => a.clusterName.localeCompare(b.clusterName));
  return {
    clusters,
    clusterNames: clusters.map((c) => c.clusterName),
    vpcIds: [...new Set(clusters.flatMap((c) => (c.vpcId ? [c.vpcId] : [])))].sort(),
    unresolved: resolution.unresolved,
    regionFallback,
  };
}
