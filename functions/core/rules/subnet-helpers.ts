/**
 * Shared vocabulary of the subnet and endpoint rules: the Kubernetes subnet tags, the
 * inventory parts behind each subnet set of RULES.md, and small lookups over the
 * cluster context that skip subnets the inventory does not contain.
 */
import type { ClusterContext } from '../cluster-context.ts';
import type { Ec2Subnet, InventoryPart } from '../snapshot.ts';
import type { SubnetClass } from '../vpc-index.ts';

/** Prefix of the per-cluster subnet tag `kubernetes.io/cluster/<name>`. */
export const CLUSTER_TAG_PREFIX = 'kubernetes.io/cluster/';
/** Marks a subnet for internet-facing load balancers. */
export const ELB_ROLE_TAG = 'kubernetes.io/role/elb';
/** Marks a subnet for internal load balancers. */
export const INTERNAL_ELB_ROLE_TAG = 'kubernetes.io/role/internal-elb';

/** The cluster tag key of a cluster. */
export function clusterTagKey(clusterName: string): string {
  return `${CLUSTER_TAG_PREFIX}${clusterName}`;
}

/**
 * Parts that determine "node subnets": managed node groups plus self-managed node
 * instances, resolved against the VPC's subnets. A rule reading node subnets must
 * require all of them, or a failed `DescribeInstances` would hide a node subnet.
 */
export const NODE_SUBNET_PARTS: readonly InventoryPart[] = ['cluster', 'nodegroups', 'instances', 'subnets'];

/** Parts that determine "node or fargate subnets". */
export const WORKLOAD_SUBNET_PARTS: readonly InventoryPart[] = [...NODE_SUBNET_PARTS, 'fargateProfiles'];

/** Parts that determine "related subnets" (cluster ∪ node ∪ fargate). */
export const RELATED_SUBNET_PARTS: readonly InventoryPart[] = WORKLOAD_SUBNET_PARTS;

/** Whether the subnet carries role tag `key` enabled: value `1` or empty, as the load balancer controller reads it. */
export function hasEnabledRoleTag(subnet: Ec2Subnet, key: string): boolean {
  const value = subnet.Tags[key];
  return value === '1' || value === '';
}

/**
 * RULES.md `subnet-role-tag-mismatch`: the role tags a subnet carries that contradict its
 * class (any value counts as tagged). Shared by the two "tag missing" rules, which stay
 * silent for a subnet this rule reports (one finding per fix).
 */
export function roleTagMismatches(
  subnet: Ec2Subnet,
  subnetClass: SubnetClass,
): { tagKey: string; tagValue: string; reason: string }[] {
  const mismatches: { tagKey: string; tagValue: string; reason: string }[] = [];
  if (Object.hasOwn(subnet.Tags, ELB_ROLE_TAG) && subnetClass !== 'public') {
    mismatches.push({
      tagKey: ELB_ROLE_TAG,
      tagValue: subnet.Tags[ELB_ROLE_TAG] ?? '',
      reason: `internet-facing role tag on a ${subnetClass} subnet`,
    });
  }
  if (Object.hasOwn(subnet.Tags, INTERNAL_ELB_ROLE_TAG) && subnetClass === 'public') {
    mismatches.push({
      tagKey: INTERNAL_ELB_ROLE_TAG,
      tagValue: subnet.Tags[INTERNAL_ELB_ROLE_TAG] ?? '',
      reason: 'internal role tag on a public subnet',
    });
  }
  return mismatches;
}

/** Other clusters' `kubernetes.io/cluster/<other>` tags on a subnet, with their values. */
export function otherClusterTags(
  subnet: Ec2Subnet,
  clusterName: string,
): { clusterName: string; tagKey: string; value: string }[] {
  return Object.entries(subnet.Tags)
    .filter(
      ([key]) => key.startsWith(CLUSTER_TAG_PREFIX) && key.slice(CLUSTER_TAG_PREFIX.length) !== clusterName,
    )
    .map(([key, value]) => ({ clusterName: key.slice(CLUSTER_TAG_PREFIX.length), tagKey: key, value }));
}

/** The subnets among `ids` that the inventory contains, in order; unknown ids are skipped (cannot be judged). */
export function knownSubnets(ctx: ClusterContext, ids: readonly string[]): Ec2Subnet[] {
  const found: Ec2Subnet[] = [];
  for (const id of ids) {
    const subnet = ctx.subnet(id);
    if (subnet) found.push(subnet);
  }
  return found;
}

/** A known subnet with its class; subnets whose class cannot be determined are left out. */
export interface ClassifiedSubnet {
  subnet: Ec2Subnet;
  subnetClass: SubnetClass;
}

/** The subnets among `ids` that are known and of one of `classes`. */
export function subnetsOfClass(
  ctx: ClusterContext,
  ids: readonly string[],
  classes: readonly SubnetClass[],
): ClassifiedSubnet[] {
  const result: ClassifiedSubnet[] = [];
  for (const subnet of knownSubnets(ctx, ids)) {
    const subnetClass = ctx.subnetClass(subnet.SubnetId);
    if (subnetClass !== undefined && classes.includes(subnetClass)) result.push({ subnet, subnetClass });
  }
  return result;
}

/** The sets of RULES.md a subnet belongs to, for evidence ("why is this subnet checked"). */
export function subnetRoles(ctx: ClusterContext, subnetId: string): string[] {
  const roles: string[] = [];
  if (ctx.clusterSubnetIds.includes(subnetId)) roles.push('cluster');
  if (ctx.nodeSubnetIds.includes(subnetId)) roles.push('node');
  if (ctx.fargateSubnetIds.includes(subnetId)) roles.push('fargate');
  return roles;
}

/** Common evidence fields describing a subnet. */
export function subnetEvidence(ctx: ClusterContext, subnet: Ec2Subnet): Record<string, unknown> {
  return {
    subnetId: subnet.SubnetId,
    cidrBlock: subnet.CidrBlock,
    availabilityZone: subnet.AvailabilityZone,
    subnetClass: ctx.subnetClass(subnet.SubnetId),
    roles: subnetRoles(ctx, subnet.SubnetId),
  };
}

/** Unique values, first occurrence order kept. */
export function uniqueIds(values: Iterable<string>): string[] {
  return [...new Set(values)];
}
