import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import { ELB_ROLE_TAG, INTERNAL_ELB_ROLE_TAG, subnetEvidence } from './subnet-helpers.ts';

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
  remediation:
    'Remove the wrong role tag, e.g. aws ec2 delete-tags --resources <subnet-id> --tags Key=kubernetes.io/role/elb, then tag the subnet with the role matching its route table (kubernetes.io/role/internal-elb=1 for private subnets).',
  references: [DOCS.subnetTagging, DOCS.loadBalancerController],
  resourceType: 'subnet',
  requires: ['cluster', 'subnets', 'routeTables'],
  evaluate(ctx) {
    const subnets = ctx.vpc?.inventory.subnets ?? [];
    return subnets.flatMap((subnet) => {
      const subnetClass = ctx.subnetClass(subnet.SubnetId);
      if (subnetClass === undefined) return [];
      const mismatches: { tagKey: string; tagValue: string; reason: string }[] = [];
      if (Object.hasOwn(subnet.Tags, ELB_ROLE_TAG) && subnetClass !== 'public') {
        mismatches.push({
          tagKey: ELB_ROLE_TAG,
          tagValue: subnet.Tags[ELB_ROLE_TAG] ?? '',
          reason: `internet-facing role tag on a ${subnetClass} subnet`,
        });
      }
      if (Object.hasOwn(subnet.Tags, INTERNAL_ELB_ROLE_TAG) && subnetClass === 'public') {
        mismatches.push({
          tagKey: INTERNAL_ELB_ROLE_TAG,
          tagValue: subnet.Tags[INTERNAL_ELB_ROLE_TAG] ?? '',
          reason: 'internal role tag on a public subnet',
        });
      }
      if (mismatches.length === 0) return [];
      return [{ resourceId: subnet.SubnetId, evidence: { ...subnetEvidence(ctx, subnet), mismatches } }];
    });
  },
};
