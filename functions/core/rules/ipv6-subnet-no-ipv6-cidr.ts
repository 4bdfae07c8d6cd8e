import { type Cidr, cidrsOverlap, formatIpv6, parseCidr } from '../cidr.ts';
import type { ClusterContext } from '../cluster-context.ts';
import type { RuleDefinition, RuleHit } from '../model.ts';
import type { Ec2Subnet } from '../snapshot.ts';
import { DOCS } from './references.ts';
import { knownSubnets, RELATED_SUBNET_PARTS, subnetRoles } from './subnet-helpers.ts';

const ENABLE_AUTO_ASSIGN =
  ' Then let new interfaces take an address from it: aws ec2 modify-subnet-attribute --region {{region}} --subnet-id {{resourceId}} --assign-ipv6-address-on-creation.';
const IAC =
  ' CloudFormation: AWS::EC2::SubnetCidrBlock (SubnetId, Ipv6CidrBlock) and AWS::EC2::Subnet AssignIpv6AddressOnCreation: true; Terraform: aws_subnet ipv6_cidr_block and assign_ipv6_address_on_creation = true.';
const ASSOCIATE =
  "Give the subnet an IPv6 block, a /64 of the VPC's IPv6 block: aws ec2 associate-subnet-cidr-block --region {{region}} --subnet-id {{resourceId}} --ipv6-cidr-block {{ipv6SubnetCidr}}.";
const ASSOCIATE_VPC_FIRST =
  'The VPC has no IPv6 block: add one first, aws ec2 associate-vpc-cidr-block --region {{region}} --vpc-id {{vpcId}} --amazon-provided-ipv6-cidr-block, then give the subnet a /64 of it: aws ec2 associate-subnet-cidr-block --region {{region}} --subnet-id {{resourceId}} --ipv6-cidr-block {{ipv6SubnetCidr}}.';

/** How many /64 candidates of the VPC block are tried when proposing a free one (a /56 has 256). */
const MAX_CANDIDATES = 4096;

/**
 * Pods and nodes of an IPv6 cluster take their IPv6 addresses from their subnet's IPv6
 * block; a related subnet without one cannot host them (and load balancers, control-plane
 * ENIs placed there get no IPv6 address). Its auto-assign setting is moot until the block
 * exists, so `ipv6-subnet-autoassign-disabled` stays silent for it and this remediation
 * covers both steps (one finding per fix).
 */
export const ipv6SubnetNoIpv6Cidr: RuleDefinition = {
  id: 'ipv6-subnet-no-ipv6-cidr',
  severity: 'HIGH',
  title: 'Subnet of an IPv6 cluster has no IPv6 CIDR block',
  description:
    'The cluster uses the ipv6 IP family (kubernetesNetworkConfig.ipFamily), and a related subnet (cluster, node or Fargate) has no associated IPv6 CIDR block.',
  risk: 'Nodes, pods and control-plane network interfaces placed in the subnet get no IPv6 address: nodes cannot be deployed there and pods fail to start.',
  remediation: ASSOCIATE + ENABLE_AUTO_ASSIGN + IAC,
  references: [DOCS.ipv6, DOCS.vpcRequirements],
  resourceType: 'subnet',
  requires: RELATED_SUBNET_PARTS,
  evaluate(ctx) {
    if (!ctx.isIpv6) return [];
    const lacking = knownSubnets(ctx, ctx.relatedSubnetIds).filter(
      (subnet) => ipv6Blocks(subnet).length === 0,
    );
    const proposals = freeIpv6Subnets(ctx, lacking.length);
    const vpcRecord = ctx.vpc?.inventory.vpc;
    return lacking.map((subnet, index): RuleHit => {
      const proposal = proposals[index];
      const vpcHasNoIpv6 = vpcRecord !== undefined && (vpcRecord.Ipv6CidrBlocks ?? []).length === 0;
      const isNodeSubnet = ctx.nodeSubnetIds.includes(subnet.SubnetId);
      return {
        resourceId: subnet.SubnetId,
        evidence: {
          subnetId: subnet.SubnetId,
          cidrBlock: subnet.CidrBlock,
          availabilityZone: subnet.AvailabilityZone,
          roles: subnetRoles(ctx, subnet.SubnetId),
          ipFamily: 'ipv6',
          vpcIpv6CidrBlocks: vpcRecord?.Ipv6CidrBlocks ?? [],
        },
        remediation:
          (vpcHasNoIpv6 ? ASSOCIATE_VPC_FIRST : ASSOCIATE) + (isNodeSubnet ? ENABLE_AUTO_ASSIGN : '') + IAC,
        remediationValues: {
          ...(vpcRecord ? { vpcId: vpcRecord.VpcId } : {}),
          ...(proposal ? { ipv6SubnetCidr: proposal } : {}),
        },
      };
    });
  },
};

function ipv6Blocks(subnet: Ec2Subnet): string[] {
  return (subnet.Ipv6CidrBlockAssociationSet ?? []).flatMap((a) =>
    a.Ipv6CidrBlock ? [a.Ipv6CidrBlock] : [],
  );
}

/**
 * Up to `count` /64 blocks of the VPC's first IPv6 block that no subnet of the VPC uses,
 * so that each finding proposes a different, ready-to-use block. Empty when the VPC has
 * no IPv6 block or none is free among the first candidates.
 */
function freeIpv6Subnets(ctx: ClusterContext, count: number): string[] {
  const vpcBlock = (ctx.vpc?.inventory.vpc?.Ipv6CidrBlocks ?? [])
    .map((text) => parseCidr(text))
    .find((cidr): cidr is Cidr => cidr !== undefined && cidr.version === 6 && cidr.prefix <= 64);
  if (vpcBlock === undefined || count === 0) return [];
  const used = (ctx.vpc?.inventory.subnets ?? [])
    .flatMap(ipv6Blocks)
    .flatMap((text) => parseCidr(text) ?? []);
  const available = 1n << BigInt(64 - vpcBlock.prefix);
  const limit = available < BigInt(MAX_CANDIDATES) ? available : BigInt(MAX_CANDIDATES);
  const result: string[] = [];
  for (let i = 0n; i < limit && result.length < count; i++) {
    const candidate: Cidr = { version: 6, network: vpcBlock.network + (i << 64n), prefix: 64 };
    if (!used.some((block) => cidrsOverlap(block, candidate)))
      result.push(`${formatIpv6(candidate.network)}/64`);
  }
  return result;
}
