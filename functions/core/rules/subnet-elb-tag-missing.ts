import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import {
  ELB_ROLE_TAG,
  hasEnabledRoleTag,
  RELATED_SUBNET_PARTS,
  roleTagMismatches,
  subnetEvidence,
  subnetsOfClass,
} from './subnet-helpers.ts';

/**
 * Without `kubernetes.io/role/elb`, the AWS Load Balancer Controller does not pick the
 * public subnet for internet-facing load balancers (auto-discovery falls back to
 * guessing, or fails).
 */
export const subnetElbTagMissing: RuleDefinition = {
  id: 'subnet-elb-tag-missing',
  severity: 'MEDIUM',
  title: 'Public subnet lacks the kubernetes.io/role/elb tag',
  description:
    'A cluster, node or Fargate subnet of class public has no tag kubernetes.io/role/elb with value 1 or empty (unless subnet-role-tag-mismatch reports the subnet).',
  risk: 'Internet-facing load balancers are not placed in the subnet, or discovery picks the wrong subnets.',
  remediation:
    'Tag the subnet: aws ec2 create-tags --region {{region}} --resources {{resourceId}} --tags Key=kubernetes.io/role/elb,Value=1 (CloudFormation: AWS::EC2::Subnet Tags; Terraform: aws_subnet tags, or public_subnet_tags in the vpc module).',
  references: [DOCS.subnetTagging, DOCS.loadBalancerController],
  resourceType: 'subnet',
  requires: [...RELATED_SUBNET_PARTS, 'routeTables'],
  evaluate(ctx) {
    return subnetsOfClass(ctx, ctx.relatedSubnetIds, ['public'])
      .filter(({ subnet }) => !hasEnabledRoleTag(subnet, ELB_ROLE_TAG))
      .filter(({ subnet, subnetClass }) => roleTagMismatches(subnet, subnetClass).length === 0)
      .map(({ subnet }) => ({
        resourceId: subnet.SubnetId,
        evidence: {
          ...subnetEvidence(ctx, subnet),
          tagKey: ELB_ROLE_TAG,
          tagValue: subnet.Tags[ELB_ROLE_TAG] ?? null,
        },
      }));
  },
};
