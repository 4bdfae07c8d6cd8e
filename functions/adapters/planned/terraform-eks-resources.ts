/**
 * Terraform EKS resource types (and what decides their nodes) → planned inventory:
 * `aws_eks_cluster`, `aws_eks_node_group` with its `aws_launch_template`,
 * `aws_eks_fargate_profile`, the `vpc-cni` `aws_eks_addon`, and self-managed instances,
 * which are launched at apply and so leave the instance rules not judged.
 */
import { isDeployTime } from './deploy-time.ts';
import { eksClusterSecurityGroupId, type PlannedLaunch } from './planned-inventory.ts';
import type { Mapper, TfMapContext } from './terraform-resources.ts';

/** The first element of a Terraform block list (`vpc_config[0]`), or empty. */
export function block(value: unknown): Record<string, unknown> {
  const first = Array.isArray(value) ? value[0] : value;
  return first && typeof first === 'object' && !isDeployTime(first) ? (first as Record<string, unknown>) : {};
}

/** A block list's known elements. */
export function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? (value.filter((v) => v && typeof v === 'object' && !isDeployTime(v)) as Record<string, unknown>[])
    : [];
}

const launchTemplate: Mapper = ({ id, read, values, location, launchTemplates }) => {
  const metadata = block(values.metadata_options);
  const groups = [
    ...(read.strings('vpc_security_group_ids', { anywhere: true }, 'instances') ?? []),
    ...list(values.network_interfaces).flatMap(
      (eni) => read.strings('security_groups', { anywhere: true }, 'instances', eni) ?? [],
    ),
  ];
  const hop = read.number('http_put_response_hop_limit', { anywhere: true }, 'instances', metadata);
  const launch: PlannedLaunch = {
    location,
    ...(Object.keys(metadata).length > 0
      ? {
          metadataOptions: {
            ...(typeof metadata.http_endpoint === 'string' ? { HttpEndpoint: metadata.http_endpoint } : {}),
            ...(typeof metadata.http_tokens === 'string' ? { HttpTokens: metadata.http_tokens } : {}),
            ...(hop !== undefined ? { HttpPutResponseHopLimit: hop } : {}),
          },
        }
      : {}),
    ...(groups.length > 0 ? { securityGroupIds: groups } : {}),
    ...(typeof values.instance_type === 'string' ? { instanceType: values.instance_type } : {}),
  };
  launchTemplates.set(id, launch);
  if (typeof values.name === 'string') launchTemplates.set(values.name, launch);
};

const cluster: Mapper = ({ inventory, id, read, values, location, resource }) => {
  const anchor = { cluster: id };
  const config = block(values.vpc_config);
  const network = block(values.kubernetes_network_config);
  const compute = block(values.compute_config);
  const remote = block(values.remote_network_config);
  const cidrsOf = (key: string) =>
    list(remote[key]).map((n) => ({ cidrs: read.strings('cidrs', anchor, 'cluster', n) ?? [] }));
  const cidrs = config.public_access_cidrs;
  inventory.clusters.set(id, {
    logicalName: resource.address,
    location,
    cluster: {
      name: id,
      arn: `arn:aws:eks:${inventory.region}:${inventory.accountId}:cluster/${id}`,
      ...(typeof values.version === 'string' ? { version: values.version } : {}),
      tags: read.tags(anchor, 'cluster', 'tags'),
      resourcesVpcConfig: {
        subnetIds: read.strings('subnet_ids', anchor, 'subnets', config) ?? [],
        securityGroupIds: read.strings('security_group_ids', anchor, 'securityGroups', config) ?? [],
        clusterSecurityGroupId: eksClusterSecurityGroupId(resource.address),
        endpointPublicAccess: read.boolean('endpoint_public_access', anchor, 'cluster', config) ?? true,
        endpointPrivateAccess: read.boolean('endpoint_private_access', anchor, 'cluster', config) ?? false,
        // Unset, the provider leaves EKS's default (0.0.0.0/0), computed: not a deploy-time unknown.
        ...(cidrs !== undefined && !isDeployTime(cidrs)
          ? { publicAccessCidrs: read.strings('public_access_cidrs', anchor, 'cluster', config) ?? [] }
          : {}),
      },
      kubernetesNetworkConfig: {
        ...(typeof network.ip_family === 'string' ? { ipFamily: network.ip_family } : {}),
        ...(typeof network.service_ipv4_cidr === 'string'
          ? { serviceIpv4Cidr: network.service_ipv4_cidr }
          : {}),
      },
      ...(compute.enabled !== undefined ? { computeConfig: { enabled: compute.enabled === true } } : {}),
      ...(Object.keys(remote).length > 0
        ? {
            remoteNetworkConfig: {
              remoteNodeNetworks: cidrsOf('remote_node_networks'),
              remotePodNetworks: cidrsOf('remote_pod_networks'),
            },
          }
        : {}),
    },
  });
  inventory.locate(`arn:aws:eks:${inventory.region}:${inventory.accountId}:cluster/${id}`, location);
};

function clusterOf(m: TfMapContext, what: string): string | undefined {
  const name = m.values.cluster_name;
  if (typeof name === 'string' && m.inventory.clusters.has(name)) return name;
  m.inventory.notes.push(
    `${what} ${m.location.address} belongs to cluster ${isDeployTime(name) ? name.description : String(name)}, which the plan does not create: not judged`,
  );
  return undefined;
}

const nodegroup: Mapper = (m) => {
  const clusterName = clusterOf(m, 'node group');
  if (!clusterName) return;
  const anchor = { cluster: clusterName };
  const remote = block(m.values.remote_access);
  const templateRef = block(m.values.launch_template);
  const ref =
    templateRef.id !== undefined && templateRef.id !== null
      ? m.read.string('id', anchor, 'nodegroups', templateRef)
      : m.read.string('name', anchor, 'nodegroups', templateRef);
  const launch = ref ? m.launchTemplates.get(ref) : undefined;
  const key = typeof remote.ec2_ssh_key === 'string' ? remote.ec2_ssh_key : undefined;
  const name = typeof m.values.node_group_name === 'string' ? m.values.node_group_name : m.location.address;
  m.inventory.nodegroups.push({
    clusterName,
    nodegroup: {
      nodegroupName: name,
      subnets: m.read.strings('subnet_ids', anchor, 'nodegroups') ?? [],
      instanceTypes:
        m.read.strings('instance_types', anchor, 'nodegroups') ??
        (launch?.instanceType ? [launch.instanceType] : ['t3.medium']),
      ...(Object.keys(remote).length > 0
        ? {
            remoteAccess: {
              ...(key ? { ec2SshKey: key } : {}),
              sourceSecurityGroups:
                m.read.strings('source_security_group_ids', anchor, 'nodegroups', remote) ?? [],
            },
          }
        : {}),
      tags: m.read.tags(anchor, 'nodegroups', 'tags'),
    },
    ...(launch ? { launch } : {}),
    location: m.location,
  });
  m.inventory.locate(name, m.location);
};

const fargateProfile: Mapper = (m) => {
  const clusterName = clusterOf(m, 'Fargate profile');
  if (!clusterName) return;
  const name =
    typeof m.values.fargate_profile_name === 'string' ? m.values.fargate_profile_name : m.location.address;
  m.inventory.fargateProfiles.push({
    clusterName,
    profile: {
      fargateProfileName: name,
      subnets: m.read.strings('subnet_ids', { cluster: clusterName }, 'fargateProfiles') ?? [],
    },
    location: m.location,
  });
  m.inventory.locate(name, m.location);
};

const addon: Mapper = (m) => {
  if (m.values.addon_name !== 'vpc-cni') return;
  const clusterName = clusterOf(m, 'add-on');
  if (!clusterName) return;
  const values = m.values.configuration_values;
  m.inventory.addons.set(
    clusterName,
    isDeployTime(values)
      ? { state: 'unknown', error: `its configuration_values are ${values.description}` }
      : {
          state: 'installed',
          ...(typeof values === 'string' && values !== '' ? { configurationValues: values } : {}),
        },
  );
};

const selfManaged: Mapper = ({ inventory, resource }) =>
  inventory.unknown(
    { anywhere: true },
    'instances',
    `self-managed instances (${resource.address}) are launched at apply; their subnets and settings are not modelled`,
  );

export const TF_EKS_MAPPERS: Record<string, { phase: number; map: Mapper }> = {
  aws_launch_template: { phase: 0, map: launchTemplate },
  aws_eks_cluster: { phase: 1, map: cluster },
  aws_eks_node_group: { phase: 2, map: nodegroup },
  aws_eks_fargate_profile: { phase: 2, map: fargateProfile },
  aws_eks_addon: { phase: 2, map: addon },
  aws_instance: { phase: 2, map: selfManaged },
  aws_autoscaling_group: { phase: 2, map: selfManaged },
};
