import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import {
  clusterTagKey,
  knownSubnets,
  otherClusterTags,
  RELATED_SUBNET_PARTS,
  subnetEvidence,
} from './subnet-helpers.ts';

/**
 * `owned` means the subnet belongs to one cluster exclusively; a subnet this cluster
 * uses but another cluster owns is skipped by load balancer discovery for this cluster,
 * and may be cleaned up with the other cluster.
 */
export const subnetClusterTagConflict: RuleDefinition = {
  id: 'subnet-cluster-tag-conflict',
  severity: 'MEDIUM',
  title: 'Subnet used by this cluster is owned by another cluster',
  description:
    'A cluster, node or Fargate subnet has no kubernetes.io/cluster/<cluster> tag for this cluster and carries kubernetes.io/cluster/<other>=owned for another cluster.',
  risk: "Load balancers skip the subnet for this cluster, and the other cluster's tooling may delete it along with that cluster.",
  remediation:
    'Mark the subnet as shared by both clusters: aws ec2 create-tags --region {{region}} --resources {{resourceId}} --tags Key=kubernetes.io/cluster/{{otherCluster}},Value=shared Key=kubernetes.io/cluster/{{clusterName}},Value=shared (CloudFormation: AWS::EC2::Subnet Tags; Terraform: aws_subnet tags), or move this cluster off the subnet.',
  references: [DOCS.subnetTagging, DOCS.vpcRequirements],
  resourceType: 'subnet',
  requires: RELATED_SUBNET_PARTS,
  evaluate(ctx) {
    const ownTag = clusterTagKey(ctx.clusterName);
    return knownSubnets(ctx, ctx.relatedSubnetIds).flatMap((subnet) => {
      if (Object.hasOwn(subnet.Tags, ownTag)) return [];
      const owners = otherClusterTags(subnet, ctx.clusterName).filter((tag) => tag.value === 'owned');
      if (owners.length === 0) return [];
      return [
        {
          resourceId: subnet.SubnetId,
          evidence: { ...subnetEvidence(ctx, subnet), conflicts: owners },
          remediationValues: { otherCluster: owners[0]?.clusterName ?? '' },
        },
      ];
    });
  },
};
