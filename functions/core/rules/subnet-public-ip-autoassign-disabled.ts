import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import { subnetEvidence, subnetsOfClass } from './subnet-helpers.ts';

/**
 * A managed node group node in a public subnet reaches the internet (image registries,
 * the public API endpoint) only through its own public IP; when the subnet does not
 * assign one, the node has no egress and never joins. Self-managed, Karpenter and Auto
 * Mode nodes are not judged: their launch settings can assign addresses themselves.
 */
export const subnetPublicIpAutoassignDisabled: RuleDefinition = {
  id: 'subnet-public-ip-autoassign-disabled',
  severity: 'HIGH',
  title: 'Public managed node group subnet does not auto-assign public IPv4 addresses',
  description:
    "A subnet of a managed node group is of class public and has MapPublicIpOnLaunch false: the group's nodes get no public IP, have no route out, and cannot join the cluster.",
  risk: 'Nodes of the managed node group never join the cluster.',
  remediation:
    'Turn on auto-assignment: aws ec2 modify-subnet-attribute --region {{region}} --subnet-id {{resourceId}} --map-public-ip-on-launch (CloudFormation: AWS::EC2::Subnet MapPublicIpOnLaunch: true; Terraform: aws_subnet map_public_ip_on_launch = true), or move the node group to private subnets behind a NAT gateway.',
  references: [DOCS.vpcRequirements, DOCS.managedNodeGroups],
  resourceType: 'subnet',
  requires: ['cluster', 'nodegroups', 'subnets', 'routeTables'],
  evaluate(ctx) {
    return subnetsOfClass(ctx, ctx.managedNodegroupSubnetIds, ['public'])
      .filter(({ subnet }) => subnet.MapPublicIpOnLaunch === false)
      .map(({ subnet }) => ({
        resourceId: subnet.SubnetId,
        evidence: {
          ...subnetEvidence(ctx, subnet),
          mapPublicIpOnLaunch: false,
          nodegroups: ctx.inventory.nodegroups
            .filter((ng) => ng.subnets.includes(subnet.SubnetId))
            .map((ng) => ng.nodegroupName),
        },
      }));
  },
};
