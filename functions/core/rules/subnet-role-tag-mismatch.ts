import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import { ELB_ROLE_TAG, INTERNAL_ELB_ROLE_TAG, roleTagMismatches, subnetEvidence } from './subnet-helpers.ts';

const DELETE = 'aws ec2 delete-tags --region {{region}} --resources {{resourceId}} --tags Key={{wrongTag}}';
const ADD =
  'aws ec2 create-tags --region {{region}} --resources {{resourceId}} --tags Key={{rightTag}},Value=1';
const IAC =
  '(CloudFormation: AWS::EC2::Subnet Tags; Terraform: aws_subnet tags, or public_subnet_tags / private_subnet_tags in the vpc module)';

/**
 * A role tag on the wrong kind of subnet makes the load balancer controller place an
 * internet-facing load balancer where the internet cannot reach it, or an internal one
 * in a public subnet.
 */
export const subnetRoleTagMismatch: RuleDefinition = {
  id: 'subnet-role-tag-mismatch',
  severity: 'MEDIUM',
  title: 'Subnet load balancer role tag does not match its routing',
  description:
    'A subnet of the cluster VPC is tagged kubernetes.io/role/elb but is not public, or is tagged kubernetes.io/role/internal-elb but is public (any tag value counts as tagged).',
  risk: 'Internet-facing load balancers land where the internet cannot reach them, or internal ones land in a public subnet.',
  remediation: `Delete the wrong role tag: ${DELETE}; for a subnet the cluster uses, tag it with the role that matches its routing: ${ADD} ${IAC}.`,
  references: [DOCS.subnetTagging, DOCS.loadBalancerController],
  resourceType: 'subnet',
  requires: ['cluster', 'subnets', 'routeTables'],
  evaluate(ctx) {
    const subnets = ctx.vpc?.inventory.subnets ?? [];
    return subnets.flatMap((subnet) => {
      const subnetClass = ctx.subnetClass(subnet.SubnetId);
      if (subnetClass === undefined) return [];
      const mismatches = roleTagMismatches(subnet, subnetClass);
      const first = mismatches[0];
      if (first === undefined) return [];
      const wrongTag = first.tagKey;
      const rightTag = wrongTag === ELB_ROLE_TAG ? INTERNAL_ELB_ROLE_TAG : ELB_ROLE_TAG;
      const related = ctx.relatedSubnetIds.includes(subnet.SubnetId);
      return [
        {
          resourceId: subnet.SubnetId,
          evidence: { ...subnetEvidence(ctx, subnet), mismatches },
          remediationValues: { wrongTag, rightTag },
          remediation: related
            ? `Delete the wrong role tag and add the one that matches the subnet's routing: ${DELETE} && ${ADD} ${IAC}.`
            : `Delete the wrong role tag: ${DELETE} ${IAC}.`,
        },
      ];
    });
  },
};
