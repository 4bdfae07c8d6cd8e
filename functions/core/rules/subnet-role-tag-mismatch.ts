import type { RuleDefinition } from '../model.ts';
import type { Ec2Subnet } from '../snapshot.ts';
import type { VpcIndex } from '../vpc-index.ts';
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
    const vpc = ctx.vpc;
    if (!vpc) return [];
    return mismatchedSubnets(vpc).map(({ subnet, mismatches }) => {
      const wrongTag = mismatches[0]?.tagKey ?? ELB_ROLE_TAG;
      const rightTag = wrongTag === ELB_ROLE_TAG ? INTERNAL_ELB_ROLE_TAG : ELB_ROLE_TAG;
      const related = ctx.relatedSubnetIds.includes(subnet.SubnetId);
      return {
        resourceId: subnet.SubnetId,
        evidence: { ...subnetEvidence(ctx, subnet), mismatches },
        remediationValues: { wrongTag, rightTag },
        remediation: related
          ? `Delete the wrong role tag and add the one that matches the subnet's routing: ${DELETE} && ${ADD} ${IAC}.`
          : `Delete the wrong role tag: ${DELETE} ${IAC}.`,
      };
    });
  },
};

type Mismatched = { subnet: Ec2Subnet; mismatches: ReturnType<typeof roleTagMismatches> };
const mismatchMemo = new WeakMap<VpcIndex, Mismatched[]>();

/** The VPC's mis-tagged subnets, found once per VPC: every cluster of the VPC reports them. */
function mismatchedSubnets(vpc: VpcIndex): Mismatched[] {
  let found = mismatchMemo.get(vpc);
  if (!found) {
    found = vpc.inventory.subnets.flatMap((subnet) => {
      const subnetClass = vpc.routing(subnet.SubnetId).subnetClass;
      if (subnetClass === undefined) return [];
      const mismatches = roleTagMismatches(subnet, subnetClass);
      return mismatches.length > 0 ? [{ subnet, mismatches }] : [];
    });
    mismatchMemo.set(vpc, found);
  }
  return found;
}
