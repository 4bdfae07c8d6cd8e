import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import {
  hasEnabledRoleTag,
  INTERNAL_ELB_ROLE_TAG,
  RELATED_SUBNET_PARTS,
  roleTagMismatches,
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
    'A cluster, node or Fargate subnet of class private-egress or isolated has no tag kubernetes.io/role/internal-elb with value 1 or empty (unless subnet-role-tag-mismatch reports the subnet).',
  risk: 'Internal load balancers are not placed in the subnet, or discovery picks the wrong subnets.',
  remediation:
    'Tag the subnet: aws ec2 create-tags --region {{region}} --resources {{resourceId}} --tags Key=kubernetes.io/role/internal-elb,Value=1 (CloudFormation: AWS::EC2::Subnet Tags; Terraform: aws_subnet tags, or private_subnet_tags in the vpc module).',
  references: [DOCS.subnetTagging, DOCS.loadBalancerController],
  resourceType: 'subnet',
  requires: [...RELATED_SUBNET_PARTS, 'routeTables'],
  evaluate(ctx) {
    return subnetsOfClass(ctx, ctx.relatedSubnetIds, ['private-egress', 'isolated'])
      .filter(({ subnet }) => !hasEnabledRoleTag(subnet, INTERNAL_ELB_ROLE_TAG))
      .filter(({ subnet, subnetClass }) => roleTagMismatches(subnet, subnetClass).length === 0)
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
