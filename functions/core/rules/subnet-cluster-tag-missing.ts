import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import { clusterTagKey, knownSubnets, RELATED_SUBNET_PARTS, subnetEvidence } from './subnet-helpers.ts';

/**
 * The `kubernetes.io/cluster/<cluster>` tag tells the in-tree cloud provider and
 * older AWS Load Balancer Controller versions which subnets belong to the cluster.
 */
export const subnetClusterTagMissing: RuleDefinition = {
  id: 'subnet-cluster-tag-missing',
  severity: 'LOW',
  title: 'Subnet lacks the kubernetes.io/cluster/<cluster> tag',
  description:
    'A cluster, node or Fargate subnet has no tag kubernetes.io/cluster/<cluster> with value shared or owned.',
  remediation:
    'Tag the subnet: aws ec2 create-tags --resources <subnet-id> --tags Key=kubernetes.io/cluster/<cluster>,Value=shared',
  references: [DOCS.subnetTagging, DOCS.vpcRequirements],
  resourceType: 'subnet',
  requires: RELATED_SUBNET_PARTS,
  evaluate(ctx) {
    const tagKey = clusterTagKey(ctx.clusterName);
    return knownSubnets(ctx, ctx.relatedSubnetIds)
      .filter((subnet) => subnet.Tags[tagKey] !== 'shared' && subnet.Tags[tagKey] !== 'owned')
      .map((subnet) => ({
        resourceId: subnet.SubnetId,
        evidence: { ...subnetEvidence(ctx, subnet), tagKey, tagValue: subnet.Tags[tagKey] ?? null },
      }));
  },
};
