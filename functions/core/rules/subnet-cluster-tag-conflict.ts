import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import { CLUSTER_TAG_PREFIX, knownSubnets, RELATED_SUBNET_PARTS, subnetEvidence } from './subnet-helpers.ts';

/**
 * `owned` means the subnet belongs to one cluster exclusively; a subnet this cluster
 * uses but another cluster owns will be skipped or cleaned up by that cluster's tooling.
 */
export const subnetClusterTagConflict: RuleDefinition = {
  id: 'subnet-cluster-tag-conflict',
  severity: 'MEDIUM',
  title: 'Subnet used by this cluster is owned by another cluster',
  description:
    'A cluster, node or Fargate subnet carries kubernetes.io/cluster/<other>=owned for a cluster name other than this one.',
  remediation:
    'Mark the subnet as shared by every cluster that uses it: aws ec2 create-tags --resources <subnet-id> --tags Key=kubernetes.io/cluster/<other>,Value=shared (or move this cluster off the subnet).',
  references: [DOCS.subnetTagging, DOCS.vpcRequirements],
  resourceType: 'subnet',
  requires: RELATED_SUBNET_PARTS,
  evaluate(ctx) {
    return knownSubnets(ctx, ctx.relatedSubnetIds).flatMap((subnet) => {
      const conflicts = Object.entries(subnet.Tags)
        .filter(([key, value]) => key.startsWith(CLUSTER_TAG_PREFIX) && value === 'owned')
        .map(([key, value]) => ({ tagKey: key, clusterName: key.slice(CLUSTER_TAG_PREFIX.length), value }))
        .filter((tag) => tag.clusterName !== ctx.clusterName);
      if (conflicts.length === 0) return [];
      return [{ resourceId: subnet.SubnetId, evidence: { ...subnetEvidence(ctx, subnet), conflicts } }];
    });
  },
};
