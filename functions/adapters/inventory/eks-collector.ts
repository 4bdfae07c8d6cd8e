/**
 * The EKS half of a region's inventory: clusters, their managed node groups, Fargate
 * profiles and `vpc-cni` add-on. The cluster's VPC id is filled in later when EKS does
 * not report it (see `vpc-collector.ts`).
 */
import {
  type Cluster,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  type EKSClient,
  type FargateProfile,
  type Nodegroup,
  paginateListClusters,
  paginateListFargateProfiles,
  paginateListNodegroups,
} from '@aws-sdk/client-eks';
import type {
  ClusterInventory,
  EksCluster,
  EksFargateProfile,
  EksNodegroup,
  InventoryPart,
  VpcCniAddon,
} from '../../core/snapshot.ts';
import { describeAwsError, httpStatusOf, isResourceNotFound } from '../errors.ts';
import { attempt, type CollectContext, collectPages, recordError } from './context.ts';
import { compact } from './ec2-mappers.ts';

/** EKS list calls accept at most 100 results per page. */
export const EKS_PAGE_SIZE = 100;

/** `cidrs` of each remote network; a network without CIDRs stays, as an empty list. */
const mapRemoteNetworks = (networks: { cidrs?: string[] }[] | undefined) =>
  networks?.map((network) => ({ cidrs: network.cidrs ?? [] }));

function mapCluster(cluster: Cluster, name: string): EksCluster {
  const vpc = cluster.resourcesVpcConfig ?? {};
  const network = cluster.kubernetesNetworkConfig;
  const compute = cluster.computeConfig;
  const remote = cluster.remoteNetworkConfig;
  return compact({
    name: cluster.name ?? name,
    arn: cluster.arn ?? '',
    status: cluster.status,
    version: cluster.version,
    tags: cluster.tags,
    resourcesVpcConfig: compact({
      subnetIds: vpc.subnetIds ?? [],
      securityGroupIds: vpc.securityGroupIds,
      // EKS answers "" rather than omitting it on some paths; "" is no group.
      clusterSecurityGroupId: vpc.clusterSecurityGroupId || undefined,
      vpcId: vpc.vpcId || undefined,
      endpointPublicAccess: vpc.endpointPublicAccess,
      endpointPrivateAccess: vpc.endpointPrivateAccess,
      publicAccessCidrs: vpc.publicAccessCidrs,
    }),
    kubernetesNetworkConfig: network
      ? compact({
          ipFamily: network.ipFamily,
          serviceIpv4Cidr: network.serviceIpv4Cidr,
          serviceIpv6Cidr: network.serviceIpv6Cidr,
        })
      : undefined,
    computeConfig: compute
      ? compact({ enabled: compute.enabled, nodePools: compute.nodePools, nodeRoleArn: compute.nodeRoleArn })
      : undefined,
    remoteNetworkConfig: remote
      ? compact({
          remoteNodeNetworks: mapRemoteNetworks(remote.remoteNodeNetworks),
          remotePodNetworks: mapRemoteNetworks(remote.remotePodNetworks),
        })
      : undefined,
  });
}

/** An EC2 security-group id as EC2 issues them: `sg-` and 8 or 17 lowercase hex digits. */
const EC2_GROUP_ID = /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * moto answers every node group with `remoteAccess: {ec2SshKey: "eksKeypair"}` and a
 * made-up remote-access group id (`sg-` + 17 random letters and digits) even when none
 * was requested. EKS itself never invents remote access, and a group id EC2 could not
 * have issued names no real group, so that pair is the emulator's filler, not SSH access.
 */
function isEmulatorRemoteAccessFiller(nodegroup: Nodegroup): boolean {
  const groupId = nodegroup.resources?.remoteAccessSecurityGroup;
  return (
    nodegroup.remoteAccess?.ec2SshKey === 'eksKeypair' &&
    (nodegroup.remoteAccess.sourceSecurityGroups ?? []).length === 0 &&
    groupId !== undefined &&
    !EC2_GROUP_ID.test(groupId)
  );
}

export function mapNodegroup(nodegroup: Nodegroup, name: string): EksNodegroup {
  if (isEmulatorRemoteAccessFiller(nodegroup)) {
    const { remoteAccess: _filler, ...rest } = nodegroup;
    nodegroup = { ...rest, resources: { ...nodegroup.resources, remoteAccessSecurityGroup: undefined } };
  }
  const remote = nodegroup.remoteAccess;
  return compact({
    nodegroupName: nodegroup.nodegroupName ?? name,
    status: nodegroup.status,
    subnets: nodegroup.subnets ?? [],
    instanceTypes: nodegroup.instanceTypes,
    remoteAccess: remote
      ? compact({ ec2SshKey: remote.ec2SshKey, sourceSecurityGroups: remote.sourceSecurityGroups })
      : undefined,
    resources: nodegroup.resources?.remoteAccessSecurityGroup
      ? { remoteAccessSecurityGroup: nodegroup.resources.remoteAccessSecurityGroup }
      : undefined,
    tags: nodegroup.tags,
  });
}

function mapFargateProfile(profile: FargateProfile, name: string): EksFargateProfile {
  return compact({
    fargateProfileName: profile.fargateProfileName ?? name,
    status: profile.status,
    subnets: profile.subnets ?? [],
  });
}

interface ClusterScope {
  ctx: CollectContext;
  eks: EKSClient;
  region: string;
  clusterName: string;
  incomplete: Set<InventoryPart>;
}

/**
 * Lists then describes the children of a cluster (node groups or Fargate profiles).
 * A child deleted between the list and the describe is simply absent.
 */
async function collectChildren<T>(
  scope: ClusterScope,
  part: 'nodegroups' | 'fargateProfiles',
  list: { operation: string; run: () => Promise<string[]> },
  describe: { operation: string; run: (name: string) => Promise<T | undefined> },
): Promise<T[]> {
  const { ctx, region, clusterName, incomplete } = scope;
  const names = await attempt(ctx, list.run);
  if (!names.ok) {
    recordError(ctx, { region, clusterName, part }, list.operation, names.error);
    incomplete.add(part);
    return [];
  }
  const described = await Promise.all(names.value.map((name) => attempt(ctx, () => describe.run(name))));
  const items: T[] = [];
  for (const outcome of described) {
    if (outcome.ok) {
      if (outcome.value !== undefined) items.push(outcome.value);
    } else if (!isResourceNotFound(outcome.error)) {
      recordError(ctx, { region, clusterName, part }, describe.operation, outcome.error);
      incomplete.add(part);
    }
  }
  return items;
}

/**
 * `ResourceNotFoundException`, or a bare HTTP 404 (moto has no add-on API), means the
 * add-on is not installed: the cluster runs the self-managed vpc-cni with defaults.
 */
async function collectVpcCni(scope: ClusterScope): Promise<VpcCniAddon> {
  const { ctx, eks, region, clusterName, incomplete } = scope;
  const outcome = await attempt(ctx, () =>
    eks.send(new DescribeAddonCommand({ clusterName, addonName: 'vpc-cni' })),
  );
  if (outcome.ok) {
    const addon = outcome.value.addon;
    return compact({
      state: 'installed' as const,
      addonVersion: addon?.addonVersion,
      configurationValues: addon?.configurationValues,
    });
  }
  if (isResourceNotFound(outcome.error) || httpStatusOf(outcome.error) === 404) return { state: 'absent' };
  recordError(ctx, { region, clusterName, part: 'vpcCni' }, 'DescribeAddon', outcome.error);
  incomplete.add('vpcCni');
  return { state: 'unknown', error: describeAwsError(outcome.error) };
}

async function collectCluster(
  ctx: CollectContext,
  eks: EKSClient,
  region: string,
  clusterName: string,
): Promise<ClusterInventory | undefined> {
  const described = await attempt(ctx, () => eks.send(new DescribeClusterCommand({ name: clusterName })));
  if (!described.ok) {
    // Deleted since ListClusters (or never existed, for a named scan): nothing to inventory.
    if (isResourceNotFound(described.error)) return undefined;
    // Without the cluster itself nothing can be evaluated; the error entry (with the
    // cluster name) tells the reconciler not to resolve this cluster's findings.
    recordError(ctx, { region, clusterName, part: 'cluster' }, 'DescribeCluster', described.error);
    return undefined;
  }
  if (!described.value.cluster) return undefined;
  const cluster = mapCluster(described.value.cluster, clusterName);
  const scope: ClusterScope = { ctx, eks, region, clusterName, incomplete: new Set() };
  const [nodegroups, fargateProfiles, vpcCni] = await Promise.all([
    collectChildren<EksNodegroup>(
      scope,
      'nodegroups',
      {
        operation: 'ListNodegroups',
        run: () =>
          collectPages(
            paginateListNodegroups({ client: eks, pageSize: EKS_PAGE_SIZE }, { clusterName }),
            (page) => page.nodegroups,
          ),
      },
      {
        operation: 'DescribeNodegroup',
        run: async (nodegroupName) => {
          const out = await eks.send(new DescribeNodegroupCommand({ clusterName, nodegroupName }));
          return out.nodegroup ? mapNodegroup(out.nodegroup, nodegroupName) : undefined;
        },
      },
    ),
    collectChildren<EksFargateProfile>(
      scope,
      'fargateProfiles',
      {
        operation: 'ListFargateProfiles',
        run: () =>
          collectPages(
            paginateListFargateProfiles({ client: eks, pageSize: EKS_PAGE_SIZE }, { clusterName }),
            (page) => page.fargateProfileNames,
          ),
      },
      {
        operation: 'DescribeFargateProfile',
        run: async (fargateProfileName) => {
          const out = await eks.send(new DescribeFargateProfileCommand({ clusterName, fargateProfileName }));
          return out.fargateProfile ? mapFargateProfile(out.fargateProfile, fargateProfileName) : undefined;
        },
      },
    ),
    collectVpcCni(scope),
  ]);
  const inventory: ClusterInventory = {
    region,
    cluster,
    nodegroups: nodegroups.sort((a, b) => a.nodegroupName.localeCompare(b.nodegroupName)),
    fargateProfiles: fargateProfiles.sort((a, b) => a.fargateProfileName.localeCompare(b.fargateProfileName)),
    vpcCni,
    incomplete: [...scope.incomplete],
  };
  if (cluster.resourcesVpcConfig.vpcId) inventory.vpcId = cluster.resourcesVpcConfig.vpcId;
  return inventory;
}

/**
 * Collects the EKS inventory of one region.
 * @param clusterNames when given, only these clusters are described (no ListClusters).
 * @returns the clusters found, sorted by name; `undefined` when the region's cluster
 *   list could not be read (an error without cluster name has been recorded).
 */
export async function collectEksClusters(
  ctx: CollectContext,
  eks: EKSClient,
  region: string,
  clusterNames?: readonly string[],
): Promise<ClusterInventory[] | undefined> {
  let names: string[];
  if (clusterNames !== undefined) {
    names = [...new Set(clusterNames)];
  } else {
    const listed = await attempt(ctx, () =>
      collectPages(
        paginateListClusters({ client: eks, pageSize: EKS_PAGE_SIZE }, {}),
        (page) => page.clusters,
      ),
    );
    if (!listed.ok) {
      recordError(ctx, { region }, 'ListClusters', listed.error);
      return undefined;
    }
    names = listed.value;
  }
  const clusters = await Promise.all(names.map((name) => collectCluster(ctx, eks, region, name)));
  return clusters
    .filter((c): c is ClusterInventory => c !== undefined)
    .sort((a, b) => a.cluster.name.localeCompare(b.cluster.name));
}
