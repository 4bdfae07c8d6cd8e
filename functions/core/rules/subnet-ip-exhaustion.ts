import { parseCidr } from '../cidr.ts';
import type { RuleDefinition, RuleHit, Severity } from '../model.ts';
import { DOCS } from './references.ts';
import { knownSubnets, RELATED_SUBNET_PARTS, subnetEvidence } from './subnet-helpers.ts';

/** AWS reserves the first four and the last address of every subnet. */
const RESERVED_ADDRESSES = 5;

/**
 * With the VPC CNI every pod takes a VPC address, so subnets drain much faster than
 * node counts suggest; when a subnet runs dry, nodes and pods fail to start and EKS
 * cannot place control-plane network interfaces during upgrades.
 */
export const subnetIpExhaustion: RuleDefinition = {
  id: 'subnet-ip-exhaustion',
  severity: 'HIGH',
  severities: ['HIGH', 'MEDIUM'],
  title: 'Subnet is running out of IP addresses',
  description:
    'For a cluster, node or Fargate subnet, usable = 2^(32-prefix) - 5 and free = AvailableIpAddressCount. HIGH when free < 6 or free/usable < 5%; else MEDIUM when free < 16 or free/usable < 15% (thresholds configurable under ipExhaustion).',
  remediation:
    'Add address space: aws ec2 associate-vpc-cidr-block --region {{region}} --vpc-id {{vpcId}} --cidr-block 100.64.0.0/16 (CloudFormation: AWS::EC2::VPCCidrBlock; Terraform: aws_vpc_ipv4_cidr_block_association), create larger subnets in it (aws ec2 create-subnet --region {{region}} --vpc-id {{vpcId}} --availability-zone {{availabilityZone}} --cidr-block <new-cidr>) and move node groups off {{resourceId}}, or give pods addresses elsewhere with prefix delegation or custom networking.',
  risk: 'New nodes, pods and load balancers in the subnet fail to get an address.',
  references: [DOCS.vpcRequirements, DOCS.subnetSizing, DOCS.customNetworking],
  resourceType: 'subnet',
  requires: RELATED_SUBNET_PARTS,
  evaluate(ctx, config) {
    const limits = config.ipExhaustion;
    const hits: RuleHit[] = [];
    for (const subnet of knownSubnets(ctx, ctx.relatedSubnetIds)) {
      const free = subnet.AvailableIpAddressCount;
      const cidr = subnet.CidrBlock ? parseCidr(subnet.CidrBlock) : undefined;
      // IPv6-only subnets have no IPv4 block to run out of; an unknown count cannot be judged.
      if (free === undefined || cidr === undefined || cidr.version !== 4) continue;
      const usable = 2 ** (32 - cidr.prefix) - RESERVED_ADDRESSES;
      if (usable <= 0) continue;
      const percent = (free / usable) * 100;
      let severity: Severity | undefined;
      if (free < limits.highFreeBelow || percent < limits.highPercentBelow) severity = 'HIGH';
      else if (free < limits.mediumFreeBelow || percent < limits.mediumPercentBelow) severity = 'MEDIUM';
      if (severity === undefined) continue;
      hits.push({
        resourceId: subnet.SubnetId,
        severity,
        evidence: {
          ...subnetEvidence(ctx, subnet),
          cidr: subnet.CidrBlock,
          vpcId: subnet.VpcId,
          free,
          usable,
          percent: Math.round(percent * 100) / 100,
        },
      });
    }
    return hits;
  },
};
