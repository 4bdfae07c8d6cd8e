import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import { knownSubnets, NODE_SUBNET_PARTS, subnetRoles } from './subnet-helpers.ts';

/**
 * The EKS guide: nodes of an IPv6 cluster must be in subnets that auto-assign IPv6
 * addresses, otherwise they cannot be deployed. Only an explicit `false` fires: a snapshot
 * without the attribute says nothing about it. A subnet with no IPv6 block at all is
 * `ipv6-subnet-no-ipv6-cidr`'s (the block comes first; its remediation turns this on too).
 */
export const ipv6SubnetAutoassignDisabled: RuleDefinition = {
  id: 'ipv6-subnet-autoassign-disabled',
  severity: 'HIGH',
  title: 'Node subnet of an IPv6 cluster does not auto-assign IPv6 addresses',
  description:
    'The cluster uses the ipv6 IP family, and a node subnet that has an IPv6 CIDR block has AssignIpv6AddressOnCreation false.',
  risk: 'Nodes launched in the subnet get no IPv6 address and cannot be deployed into the IPv6 cluster.',
  remediation:
    'Turn on IPv6 auto-assignment: aws ec2 modify-subnet-attribute --region {{region}} --subnet-id {{resourceId}} --assign-ipv6-address-on-creation. CloudFormation: AWS::EC2::Subnet AssignIpv6AddressOnCreation: true; Terraform: aws_subnet assign_ipv6_address_on_creation = true.',
  references: [DOCS.ipv6, DOCS.vpcRequirements],
  resourceType: 'subnet',
  requires: NODE_SUBNET_PARTS,
  evaluate(ctx) {
    if (!ctx.isIpv6) return [];
    return knownSubnets(ctx, ctx.nodeSubnetIds)
      .filter((subnet) => (subnet.Ipv6CidrBlockAssociationSet ?? []).some((a) => a.Ipv6CidrBlock))
      .filter((subnet) => subnet.AssignIpv6AddressOnCreation === false)
      .map((subnet) => ({
        resourceId: subnet.SubnetId,
        evidence: {
          subnetId: subnet.SubnetId,
          ipv6CidrBlocks: (subnet.Ipv6CidrBlockAssociationSet ?? []).flatMap((a) =>
            a.Ipv6CidrBlock ? [a.Ipv6CidrBlock] : [],
          ),
          availabilityZone: subnet.AvailabilityZone,
          roles: subnetRoles(ctx, subnet.SubnetId),
          assignIpv6AddressOnCreation: false,
        },
      }));
  },
};
