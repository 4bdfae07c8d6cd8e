import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import { NODE_SUBNET_PARTS, subnetEvidence, subnetsOfClass } from './subnet-helpers.ts';

/**
 * A node in a public subnet reaches the internet (image registries, the public API
 * endpoint) only through its own public IP; when the subnet does not assign one, the
 * node has no egress at all and never joins the cluster.
 */
export const subnetPublicIpAutoassignDisabled: RuleDefinition = {
  id: 'subnet-public-ip-autoassign-disabled',
  severity: 'HIGH',
  title: 'Public node subnet does not auto-assign public IPv4 addresses',
  description:
    'A node subnet of class public has MapPublicIpOnLaunch false: nodes launched there get no public IP, have no route out, and cannot join the cluster.',
  remediation:
    'Turn on auto-assignment: aws ec2 modify-subnet-attribute --subnet-id <subnet-id> --map-public-ip-on-launch (or move the nodes to private subnets behind a NAT gateway).',
  references: [DOCS.vpcRequirements, DOCS.managedNodeGroups],
  resourceType: 'subnet',
  requires: [...NODE_SUBNET_PARTS, 'routeTables'],
  evaluate(ctx) {
    return subnetsOfClass(ctx, ctx.nodeSubnetIds, ['public'])
      .filter(({ subnet }) => subnet.MapPublicIpOnLaunch === false)
      .map(({ subnet }) => ({
        resourceId: subnet.SubnetId,
        evidence: { ...subnetEvidence(ctx, subnet), mapPublicIpOnLaunch: false },
      }));
  },
};
