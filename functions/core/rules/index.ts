/**
 * The rule registry: every rule of the catalog (RULES.md), in catalog order.
 * Explicit on purpose — importing a rule file has no side effects, and a rule
 * exists only once it is listed here.
 */
import type { RuleDefinition } from '../model.ts';
import { cniCustomNetworkingNoSecondaryCidr } from './cni-custom-networking-no-secondary-cidr.ts';
import { cniExternalSnatWithoutNat } from './cni-external-snat-without-nat.ts';
import { cniNetworkPolicyDisabled } from './cni-network-policy-disabled.ts';
import { cniPodSgUnsupportedInstance } from './cni-pod-sg-unsupported-instance.ts';
import { endpointNodesCannotReach } from './endpoint-nodes-cannot-reach.ts';
import { endpointPrivateDisabled } from './endpoint-private-disabled.ts';
import { endpointPrivateDnsDisabled } from './endpoint-private-dns-disabled.ts';
import { endpointPublicCidrBroad } from './endpoint-public-cidr-broad.ts';
import { endpointPublicOpen } from './endpoint-public-open.ts';
import { fargatePublicSubnet } from './fargate-public-subnet.ts';
import { hybridClusterSgBlocksRemote } from './hybrid-cluster-sg-blocks-remote.ts';
import { hybridRemoteCidrOverlap } from './hybrid-remote-cidr-overlap.ts';
import { hybridRemoteUnroutable } from './hybrid-remote-unroutable.ts';
import { ipv6SubnetAutoassignDisabled } from './ipv6-subnet-autoassign-disabled.ts';
import { ipv6SubnetNoIpv6Cidr } from './ipv6-subnet-no-ipv6-cidr.ts';
import { naclBlocksNodeControlPlane } from './nacl-blocks-node-control-plane.ts';
import { nodeImdsReachableFromPods } from './node-imds-reachable-from-pods.ts';
import { nodePublicIp } from './node-public-ip.ts';
import { nodegroupPublicSubnet } from './nodegroup-public-subnet.ts';
import { nodegroupSshOpen } from './nodegroup-ssh-open.ts';
import { sgClusterSelfIngressMissing } from './sg-cluster-self-ingress-missing.ts';
import { sgControlPlaneToNodeBlocked } from './sg-control-plane-to-node-blocked.ts';
import { sgNodeClusterTag } from './sg-node-cluster-tag.ts';
import { sgNodeToControlPlaneBlocked } from './sg-node-to-control-plane-blocked.ts';
import { sgOpenIngress } from './sg-open-ingress.ts';
import { sgPublicCidrBroad } from './sg-public-cidr-broad.ts';
import { subnetClusterTagConflict } from './subnet-cluster-tag-conflict.ts';
import { subnetClusterTagMissing } from './subnet-cluster-tag-missing.ts';
import { subnetElbTagMissing } from './subnet-elb-tag-missing.ts';
import { subnetInternalElbTagMissing } from './subnet-internal-elb-tag-missing.ts';
import { subnetIpExhaustion } from './subnet-ip-exhaustion.ts';
import { subnetIsolatedMissingEndpoints } from './subnet-isolated-missing-endpoints.ts';
import { subnetPublicIpAutoassignDisabled } from './subnet-public-ip-autoassign-disabled.ts';
import { subnetRoleTagMismatch } from './subnet-role-tag-mismatch.ts';
import { subnetSingleAz } from './subnet-single-az.ts';
import { vpcEndpointAzGap } from './vpc-endpoint-az-gap.ts';
import { vpcFlowLogsDisabled } from './vpc-flow-logs-disabled.ts';

export const RULES: readonly RuleDefinition[] = [
  endpointPublicOpen,
  endpointPublicCidrBroad,
  endpointPrivateDisabled,
  endpointNodesCannotReach,
  endpointPrivateDnsDisabled,
  subnetSingleAz,
  subnetClusterTagMissing,
  subnetClusterTagConflict,
  subnetElbTagMissing,
  subnetInternalElbTagMissing,
  subnetRoleTagMismatch,
  subnetPublicIpAutoassignDisabled,
  subnetIpExhaustion,
  subnetIsolatedMissingEndpoints,
  fargatePublicSubnet,
  nodegroupPublicSubnet,
  nodePublicIp,
  vpcEndpointAzGap,
  vpcFlowLogsDisabled,
  naclBlocksNodeControlPlane,
  sgClusterSelfIngressMissing,
  sgNodeToControlPlaneBlocked,
  sgControlPlaneToNodeBlocked,
  sgOpenIngress,
  sgPublicCidrBroad,
  sgNodeClusterTag,
  nodegroupSshOpen,
  nodeImdsReachableFromPods,
  cniNetworkPolicyDisabled,
  cniCustomNetworkingNoSecondaryCidr,
  cniExternalSnatWithoutNat,
  cniPodSgUnsupportedInstance,
  ipv6SubnetNoIpv6Cidr,
  ipv6SubnetAutoassignDisabled,
  hybridRemoteCidrOverlap,
  hybridRemoteUnroutable,
  hybridClusterSgBlocksRemote,
];

/** Looks a rule up by id. */
export function findRule(id: string): RuleDefinition | undefined {
  return RULES.find((rule) => rule.id === id);
}
