import { compareKubernetesVersions } from '../cluster-context.ts';
import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import {
  clusterTagKey,
  knownSubnets,
  otherClusterTags,
  RELATED_SUBNET_PARTS,
  subnetEvidence,
} from './subnet-helpers.ts';

/** Since Kubernetes 1.19 the cluster tag is optional for load balancer subnet discovery. */
const TAG_OPTIONAL_SINCE = '1.19';

/**
 * The `kubernetes.io/cluster/<cluster>` tag is required only by clusters older than 1.19,
 * and by load balancer auto-discovery on a subnet tagged for other clusters: the
 * controller then skips the subnet for every cluster not named in a tag.
 */
export const subnetClusterTagMissing: RuleDefinition = {
  id: 'subnet-cluster-tag-missing',
  severity: 'LOW',
  title: 'Subnet lacks the kubernetes.io/cluster/<cluster> tag where it is needed',
  description:
    'A cluster, node or Fargate subnet has no kubernetes.io/cluster/<cluster> tag (any value) and either the cluster runs Kubernetes below 1.19, or the subnet is tagged for other clusters (with a value other than owned), so load balancer auto-discovery skips it for this cluster.',
  risk: 'Load balancers for this cluster are not placed in the subnet (or, before 1.19, subnets are not discovered at all).',
  remediation:
    'Tag the subnet for this cluster: aws ec2 create-tags --region {{region}} --resources {{resourceId}} --tags Key=kubernetes.io/cluster/{{clusterName}},Value=shared (CloudFormation: AWS::EC2::Subnet Tags; Terraform: aws_subnet tags or aws_ec2_tag).',
  references: [DOCS.subnetTagging, DOCS.vpcRequirements],
  resourceType: 'subnet',
  requires: RELATED_SUBNET_PARTS,
  evaluate(ctx) {
    const tagKey = clusterTagKey(ctx.clusterName);
    const version = ctx.cluster.version;
    const olderThan119 = version !== undefined && compareKubernetesVersions(version, TAG_OPTIONAL_SINCE) < 0;
    return knownSubnets(ctx, ctx.relatedSubnetIds).flatMap((subnet) => {
      if (Object.hasOwn(subnet.Tags, tagKey)) return [];
      const others = otherClusterTags(subnet, ctx.clusterName);
      // Another cluster's `owned` tag is subnet-cluster-tag-conflict (one finding per fix).
      if (others.some((tag) => tag.value === 'owned')) return [];
      if (!olderThan119 && others.length === 0) return [];
      const reason = olderThan119
        ? `Kubernetes ${version} (below 1.19) needs the tag to discover the subnet`
        : 'the subnet is tagged only for other clusters, so load balancer discovery skips it for this one';
      return [
        {
          resourceId: subnet.SubnetId,
          evidence: {
            ...subnetEvidence(ctx, subnet),
            tagKey,
            kubernetesVersion: version ?? null,
            otherClusterTags: others.map((tag) => `${tag.tagKey}=${tag.value}`),
            reason,
          },
        },
      ];
    });
  },
};
