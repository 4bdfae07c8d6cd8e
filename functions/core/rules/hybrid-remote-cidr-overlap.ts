import { cidrTextsOverlap } from '../cidr.ts';
import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';

interface LabelledCidr {
  cidr: string;
  kind: 'remote node network' | 'remote pod network' | 'VPC' | 'service';
}

/**
 * EKS routes traffic for the remote node and pod networks out of the VPC, towards the
 * on-premises network. A remote CIDR that overlaps the VPC, the Kubernetes service range
 * or another remote CIDR makes those addresses ambiguous: packets meant for a hybrid node
 * land on a VPC address or a service IP, or the other way round.
 */
export const hybridRemoteCidrOverlap: RuleDefinition = {
  id: 'hybrid-remote-cidr-overlap',
  severity: 'HIGH',
  title: 'Hybrid node or pod network overlaps the VPC, the service range or another remote network',
  description:
    'The cluster has hybrid nodes (remoteNetworkConfig.remoteNodeNetworks), and a remote node or pod CIDR overlaps a CIDR block of the cluster VPC, the Kubernetes service CIDR (kubernetesNetworkConfig.serviceIpv4Cidr) or another remote node or pod CIDR.',
  risk: 'Traffic between the control plane, VPC workloads and hybrid nodes or their pods is misrouted: hybrid nodes fail to join, or services and webhooks on them are unreachable.',
  remediation:
    "Declare remote networks that overlap nothing (renumber the on-premises range if it truly overlaps): aws eks update-cluster-config --region {{region}} --name {{clusterName}} --remote-network-config '{{remoteNetworkConfig}}'. CloudFormation: AWS::EKS::Cluster RemoteNetworkConfig.RemoteNodeNetworks[].Cidrs / RemotePodNetworks[].Cidrs; Terraform: aws_eks_cluster remote_network_config remote_node_networks.cidrs / remote_pod_networks.cidrs.",
  references: [DOCS.hybridNodesNetworking],
  resourceType: 'cluster',
  requires: ['cluster', 'vpc'],
  evaluate(ctx) {
    if (!ctx.isHybrid) return [];
    const remotes: LabelledCidr[] = [
      ...ctx.remoteNodeCidrs.map((cidr) => ({ cidr, kind: 'remote node network' as const })),
      ...ctx.remotePodCidrs.map((cidr) => ({ cidr, kind: 'remote pod network' as const })),
    ];
    const vpc = ctx.vpc?.inventory.vpc;
    const serviceCidr = ctx.cluster.kubernetesNetworkConfig?.serviceIpv4Cidr;
    const others: LabelledCidr[] = [
      ...[...(vpc?.CidrBlocks ?? []), ...(vpc?.Ipv6CidrBlocks ?? [])].map((cidr) => ({
        cidr,
        kind: 'VPC' as const,
      })),
      ...(serviceCidr ? [{ cidr: serviceCidr, kind: 'service' as const }] : []),
    ];
    const overlaps: { cidr: string; kind: string; overlaps: string; overlapsKind: string }[] = [];
    /** Remote CIDRs to replace: each one overlapping the VPC or the services, and the later one of two overlapping remote CIDRs. */
    const toReplace = new Set<LabelledCidr>();
    remotes.forEach((remote, index) => {
      for (const other of [...others, ...remotes.slice(index + 1)]) {
        if (!cidrTextsOverlap(remote.cidr, other.cidr)) continue;
        overlaps.push({
          cidr: remote.cidr,
          kind: remote.kind,
          overlaps: other.cidr,
          overlapsKind: other.kind,
        });
        toReplace.add(others.includes(other) ? remote : other);
      }
    });
    if (overlaps.length === 0) return [];
    const render = (list: LabelledCidr[], placeholder: string) =>
      list.map((item) => (toReplace.has(item) ? placeholder : item.cidr));
    const remoteNetworkConfig = {
      remoteNodeNetworks: [
        {
          cidrs: render(
            remotes.filter((r) => r.kind === 'remote node network'),
            '<nonOverlappingNodeCidr>',
          ),
        },
      ],
      ...(ctx.remotePodCidrs.length > 0
        ? {
            remotePodNetworks: [
              {
                cidrs: render(
                  remotes.filter((r) => r.kind === 'remote pod network'),
                  '<nonOverlappingPodCidr>',
                ),
              },
            ],
          }
        : {}),
    };
    return [
      {
        resourceId: ctx.clusterArn,
        evidence: {
          remoteNodeCidrs: ctx.remoteNodeCidrs,
          remotePodCidrs: ctx.remotePodCidrs,
          vpcCidrBlocks: vpc?.CidrBlocks ?? [],
          serviceIpv4Cidr: serviceCidr,
          overlaps,
        },
        remediationValues: { remoteNetworkConfig: JSON.stringify(remoteNetworkConfig) },
      },
    ];
  },
};
