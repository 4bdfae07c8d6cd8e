import { notJudged, type RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';

/**
 * Custom networking places pod ENIs in subnets named by ENIConfig resources; its purpose
 * is to give pods addresses from a secondary VPC CIDR (often 100.64.0.0/10). With only
 * the primary CIDR, pods compete with nodes for the same addresses, and the setting
 * mostly costs one ENI per node for nothing.
 */
export const cniCustomNetworkingNoSecondaryCidr: RuleDefinition = {
  id: 'cni-custom-networking-no-secondary-cidr',
  severity: 'LOW',
  title: 'vpc-cni custom networking is on but the VPC has no secondary IPv4 CIDR',
  description:
    'The vpc-cni env AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG is "true" while the cluster VPC has only one associated IPv4 CIDR block, so pod subnets cannot come from a separate address range.',
  risk: 'Pods and nodes draw on the same address range, so custom networking costs an ENI per node without freeing addresses.',
  remediation:
    'Associate a secondary CIDR and create pod subnets in it: aws ec2 associate-vpc-cidr-block --region {{region}} --vpc-id {{vpcId}} --cidr-block 100.64.0.0/16 (CloudFormation: AWS::EC2::VPCCidrBlock; Terraform: aws_vpc_ipv4_cidr_block_association), then one subnet and one ENIConfig per availability zone pointing at them; or turn custom networking off: aws eks update-addon --region {{region}} --cluster-name {{clusterName}} --addon-name vpc-cni --configuration-values \'{"env":{"AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG":"false"}}\'.',
  references: [DOCS.customNetworking],
  resourceType: 'cluster',
  requires: ['cluster', 'vpcCni', 'vpc'],
  evaluate(ctx) {
    const cni = ctx.vpcCni;
    if (!cni) return notJudged(ctx.vpcCniUnknownReason ?? 'vpc-cni settings unknown');
    if (cni.env.AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG !== 'true') return [];
    const vpc = ctx.vpc?.inventory.vpc;
    // Never pass a cluster on a VPC we could not read: throwing skips the rule instead.
    if (!vpc) throw new Error(`VPC ${ctx.inventory.vpcId ?? '(unknown)'} was not described`);
    if (vpc.CidrBlocks.length > 1) return [];
    return [
      {
        resourceId: ctx.clusterArn,
        evidence: {
          AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true',
          vpcId: vpc.VpcId,
          vpcCidrBlocks: vpc.CidrBlocks,
        },
      },
    ];
  },
};
