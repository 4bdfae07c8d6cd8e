import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import {
  hasEnabledRoleTag,
  INTERNAL_ELB_ROLE_TAG,
  RELATED_SUBNET_PARTS,
  subnetEvidence,
  subnetsOfClass,
} from './subnet-helpers.ts';

/**
 * Without `kubernetes.io/role/internal-elb`, the AWS Load Balancer Controller does not
 * pick the private subnet for internal load balancers.
 */
export const subnetInternalElbTagMissing: RuleDefinition = {
  id: 'subnet-internal-elb-tag-missing',
  severity: 'LOW',
  title: 'Private subnet lacks the kubernetes.io/role/internal-elb tag',
  description:
    'A cluster, node or Fargate subnet of class private-egress or isolated has no tag kubernetes.io/role/internal-elb with value 1 or empty.',
  remediation:
    'Tag the subnet: aws ec2 create-tags --resources <subnet-id> --tags Key=kubernetes.io/role/internal-elb,Value=1',
  references: [DOCS.subnetTagging, DOCS.loadBalancerController],
  resourceType: 'subnet',
  requires: [...RELATED_SUBNET_PARTS, 'routeTables'],
  evaluate(ctx) {
    return subnetsOfClass(ctx, ctx.relatedSubnetIds, ['private-egress', 'isolated'])
      .filter(({ subnet }) => !hasEnabledRoleTag(subnet, INTERNAL_ELB_ROLE_TAG))
      .map(({ subnet }) => ({
        resourceId: subnet.SubnetId,
        evidence: {
          ...subnetEvidence(ctx, subnet),
          tagKey: INTERNAL_ELB_ROLE_TAG,
          tagValue: subnet.Tags[INTERNAL_ELB_ROLE_TAG] ?? null,
        },
      }));
  },
};
