/**
 * CloudFormation EKS resource types (and what decides their nodes) → planned inventory:
 * clusters (CDK's cluster custom resource included), managed node groups with their
 * launch templates, Fargate profiles, the vpc-cni add-on, and self-managed instances,
 * which are launched at run time and so leave the instance rules not judged.
 */
import type { EksCluster } from '../../core/snapshot.ts';
import { record } from './cfn-fields.ts';
import type { MapContext, Mapper } from './cfn-resources.ts';
import { isDeployTime } from './deploy-time.ts';
import { eksClusterSecurityGroupId, type PlannedLaunch } from './planned-inventory.ts';

const launchTemplate: Mapper = ({ id, props, read, location, rememberLaunchTemplate }) => {
  const data = record(props.LaunchTemplateData);
  const metadata = record(data.MetadataOptions);
  const groups = [
    ...(read.strings('SecurityGroupIds', { anywhere: true }, 'instances', data) ?? []),
    ...(Array.isArray(data.NetworkInterfaces) ? data.NetworkInterfaces : []).flatMap(
      (eni) => read.strings('Groups', { anywhere: true }, 'instances', record(eni)) ?? [],
    ),
  ];
  const launch: PlannedLaunch = { location };
  if (Object.keys(metadata).length > 0) {
    const hop = read.number('HttpPutResponseHopLimit', { anywhere: true }, 'instances', metadata);
    launch.metadataOptions = {
      ...(metadata.HttpEndpoint !== undefined ? { HttpEndpoint: String(metadata.HttpEndpoint) } : {}),
      ...(metadata.HttpTokens !== undefined ? { HttpTokens: String(metadata.HttpTokens) } : {}),
      ...(hop !== undefined ? { HttpPutResponseHopLimit: hop } : {}),
    };
  }
  if (groups.length > 0) launch.securityGroupIds = groups;
  const name = typeof props.LaunchTemplateName === 'string' ? props.LaunchTemplateName : undefined;
  rememberLaunchTemplate(id, name, launch);
  if (typeof data.InstanceType === 'string') launch.instanceType = data.InstanceType;
};

const cluster: Mapper = ({ inventory, id, logicalId, read, props, location, partition }) => {
  const anchor = { cluster: id };
  const config = record(props.ResourcesVpcConfig);
  const network = record(props.KubernetesNetworkConfig);
  const compute = record(props.ComputeConfig);
  const remote = record(props.RemoteNetworkConfig);
  const cidrsOf = (key: string) =>
    (Array.isArray(remote[key]) ? (remote[key] as unknown[]) : []).map((n) => ({
      cidrs: read.strings('Cidrs', anchor, 'cluster', record(n)) ?? [],
    }));
  const built: EksCluster = {
    name: id,
    arn: `arn:${partition}:eks:${inventory.region}:${inventory.accountId}:cluster/${id}`,
    ...(props.Version !== undefined ? { version: String(props.Version) } : {}),
    tags: read.tags(anchor, 'cluster'),
    resourcesVpcConfig: {
      subnetIds: read.strings('SubnetIds', anchor, 'subnets', config) ?? [],
      securityGroupIds: read.strings('SecurityGroupIds', anchor, 'securityGroups', config) ?? [],
      clusterSecurityGroupId: eksClusterSecurityGroupId(logicalId),
      endpointPublicAccess: read.boolean('EndpointPublicAccess', anchor, 'cluster', config) ?? true,
      endpointPrivateAccess: read.boolean('EndpointPrivateAccess', anchor, 'cluster', config) ?? false,
      ...(config.PublicAccessCidrs !== undefined
        ? { publicAccessCidrs: read.strings('PublicAccessCidrs', anchor, 'cluster', config) ?? [] }
        : {}),
    },
    kubernetesNetworkConfig: {
      ...(network.IpFamily !== undefined ? { ipFamily: String(network.IpFamily) } : {}),
      ...(network.ServiceIpv4Cidr !== undefined ? { serviceIpv4Cidr: String(network.ServiceIpv4Cidr) } : {}),
    },
    ...(compute.Enabled !== undefined
      ? { computeConfig: { enabled: read.boolean('Enabled', anchor, 'cluster', compute) ?? false } }
      : {}),
    ...(Object.keys(remote).length > 0
      ? {
          remoteNetworkConfig: {
            remoteNodeNetworks: cidrsOf('RemoteNodeNetworks'),
            remotePodNetworks: cidrsOf('RemotePodNetworks'),
          },
        }
      : {}),
  };
  if (props.Name === undefined)
    inventory.notes.push(
      `cluster ${logicalId} has no Name: CloudFormation names it at deployment, so findings call it ${id} and cluster tags are compared with that name`,
    );
  inventory.clusters.set(id, { cluster: built, logicalName: logicalId, location });
  inventory.locate(built.arn, location);
};

/** CDK's `aws-eks` cluster: a custom resource whose `Config` is the EKS CreateCluster request. */
const cdkCluster: Mapper = (m) => {
  const config = record(m.props.Config);
  const vpc = record(config.resourcesVpcConfig);
  const network = record(config.kubernetesNetworkConfig);
  const props: Record<string, unknown> = {
    Version: config.version,
    ResourcesVpcConfig: {
      SubnetIds: vpc.subnetIds,
      SecurityGroupIds: vpc.securityGroupIds,
      EndpointPublicAccess: vpc.endpointPublicAccess,
      EndpointPrivateAccess: vpc.endpointPrivateAccess,
      ...(vpc.publicAccessCidrs !== undefined ? { PublicAccessCidrs: vpc.publicAccessCidrs } : {}),
    },
    KubernetesNetworkConfig: { IpFamily: network.ipFamily, ServiceIpv4Cidr: network.serviceIpv4Cidr },
    Tags: config.tags,
  };
  cluster({ ...m, props, read: m.read.with(props) });
};

function clusterOf(m: MapContext, what: string): string | undefined {
  const name = m.props.ClusterName;
  if (typeof name === 'string' && m.inventory.clusters.has(name)) return name;
  m.inventory.notes.push(
    `${what} ${m.logicalId} belongs to cluster ${isDeployTime(name) ? name.description : String(name)}, which no given file declares: not judged`,
  );
  return undefined;
}

const nodegroup: Mapper = (m) => {
  const clusterName = clusterOf(m, 'node group');
  if (!clusterName) return;
  const anchor = { cluster: clusterName };
  const remote = record(m.props.RemoteAccess);
  const templateRef = record(m.props.LaunchTemplate);
  const ref =
    m.read.string('Id', anchor, 'nodegroups', templateRef) ??
    m.read.string('Name', anchor, 'nodegroups', templateRef);
  const launch = ref ? m.launchTemplate(ref) : undefined;
  const name = m.id;
  const key =
    remote.Ec2SshKey !== undefined ? m.read.string('Ec2SshKey', anchor, 'nodegroups', remote) : undefined;
  m.inventory.nodegroups.push({
    clusterName,
    nodegroup: {
      nodegroupName: name,
      subnets: m.read.strings('Subnets', anchor, 'nodegroups') ?? [],
      // EKS's default instance type for a managed node group, unless the launch template sets one.
      instanceTypes:
        m.read.strings('InstanceTypes', anchor, 'nodegroups') ??
        (launch?.instanceType ? [launch.instanceType] : ['t3.medium']),
      ...(Object.keys(remote).length > 0
        ? {
            remoteAccess: {
              ...(key ? { ec2SshKey: key } : {}),
              sourceSecurityGroups:
                m.read.strings('SourceSecurityGroups', anchor, 'nodegroups', remote) ?? [],
            },
          }
        : {}),
      tags: m.read.tags(anchor, 'nodegroups'),
    },
    ...(launch ? { launch } : {}),
    location: m.location,
  });
  m.inventory.locate(name, m.location);
};

const fargateProfile: Mapper = (m) => {
  const clusterName = clusterOf(m, 'Fargate profile');
  if (!clusterName) return;
  m.inventory.fargateProfiles.push({
    clusterName,
    profile: {
      fargateProfileName: m.id,
      subnets: m.read.strings('Subnets', { cluster: clusterName }, 'fargateProfiles') ?? [],
    },
    location: m.location,
  });
  m.inventory.locate(m.id, m.location);
};

const addon: Mapper = (m) => {
  if (m.props.AddonName !== 'vpc-cni') return;
  const clusterName = clusterOf(m, 'add-on');
  if (!clusterName) return;
  const values = m.props.ConfigurationValues;
  m.inventory.addons.set(
    clusterName,
    isDeployTime(values)
      ? { state: 'unknown', error: `its ConfigurationValues are ${values.description}` }
      : { state: 'installed', ...(values !== undefined ? { configurationValues: String(values) } : {}) },
  );
};

const selfManagedNodes: Mapper = ({ inventory, logicalId, props }) => {
  const zones = Array.isArray(props.VPCZoneIdentifier) ? props.VPCZoneIdentifier : [];
  const subnetId = zones.find((z) => typeof z === 'string') as string | undefined;
  inventory.unknown(
    subnetId ? { subnetId } : { anywhere: true },
    'instances',
    `self-managed instances (${logicalId}) are launched at deployment; their subnets and settings are not modelled`,
  );
};

export const EKS_MAPPERS: Record<string, { phase: 0 | 1 | 2; map: Mapper }> = {
  'AWS::EC2::LaunchTemplate': { phase: 0, map: launchTemplate },
  'AWS::EKS::Cluster': { phase: 1, map: cluster },
  'Custom::AWSCDK-EKS-Cluster': { phase: 1, map: cdkCluster },
  'AWS::EKS::Nodegroup': { phase: 2, map: nodegroup },
  'AWS::EKS::FargateProfile': { phase: 2, map: fargateProfile },
  'AWS::EKS::Addon': { phase: 2, map: addon },
  'AWS::AutoScaling::AutoScalingGroup': { phase: 2, map: selfManagedNodes },
  'AWS::EC2::Instance': { phase: 2, map: selfManagedNodes },
};
