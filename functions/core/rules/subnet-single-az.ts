import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';

/**
 * EKS places the control plane's network interfaces in the cluster subnets; with all
 * of them in one availability zone, losing that zone cuts the control plane off from
 * the VPC (and EKS refuses to create such a cluster in the first place).
 */
export const subnetSingleAz: RuleDefinition = {
  id: 'subnet-single-az',
  severity: 'HIGH',
  title: 'Cluster subnets span fewer than two availability zones',
  description:
    'The subnets in resourcesVpcConfig.subnetIds that exist in the VPC cover fewer than 2 distinct availability zones (deleted subnets count for none).',
  remediation:
    'Give the cluster subnets in at least two availability zones: aws eks update-cluster-config --region {{region}} --name {{clusterName}} --resources-vpc-config subnetIds={{clusterSubnetIds}},<subnet-in-another-az> (CloudFormation: AWS::EKS::Cluster ResourcesVpcConfig.SubnetIds; Terraform: aws_eks_cluster vpc_config.subnet_ids).',
  risk: 'One availability-zone outage takes the control-plane network interfaces down; EKS also refuses to create such a cluster.',
  references: [DOCS.vpcRequirements],
  resourceType: 'cluster',
  requires: ['cluster', 'subnets'],
  evaluate(ctx) {
    const subnets: { subnetId: string; availabilityZone: string | null }[] = [];
    const missingSubnetIds: string[] = [];
    const zones = new Set<string>();
    for (const subnetId of ctx.clusterSubnetIds) {
      const subnet = ctx.subnet(subnetId);
      if (!subnet) {
        missingSubnetIds.push(subnetId);
        continue;
      }
      const zone = subnet.AvailabilityZone ?? subnet.AvailabilityZoneId;
      if (zone) zones.add(zone);
      subnets.push({ subnetId, availabilityZone: zone ?? null });
    }
    if (zones.size >= 2) return [];
    return [
      {
        resourceId: ctx.clusterArn,
        evidence: { availabilityZones: [...zones], subnets, missingSubnetIds },
        remediationValues: { clusterSubnetIds: ctx.clusterSubnetIds.join(',') },
      },
    ];
  },
};
