import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import { subnetsOfClass } from './subnet-helpers.ts';

/**
 * Nodes in public subnets get public addresses and sit one security-group mistake
 * away from the internet; private subnets behind NAT are the recommended placement.
 */
export const nodegroupPublicSubnet: RuleDefinition = {
  id: 'nodegroup-public-subnet',
  severity: 'LOW',
  title: 'Managed node group uses a public subnet',
  description:
    'A managed node group lists a subnet of class public (default route to an internet gateway), so its nodes get public addresses.',
  remediation:
    'Node group subnets cannot be changed: create a replacement in private subnets (aws eks create-nodegroup --region {{region}} --cluster-name {{clusterName}} --nodegroup-name {{resourceId}}-private --subnets <private-subnet-ids> --node-role <node-role-arn>), move workloads, then aws eks delete-nodegroup --region {{region}} --cluster-name {{clusterName}} --nodegroup-name {{resourceId}} (CloudFormation: AWS::EKS::Nodegroup Subnets; Terraform: aws_eks_node_group subnet_ids).',
  risk: 'Nodes get public addresses and are one security-group mistake away from the internet.',
  references: [DOCS.managedNodeGroups, DOCS.vpcRequirements],
  resourceType: 'nodegroup',
  requires: ['cluster', 'nodegroups', 'subnets', 'routeTables'],
  evaluate(ctx) {
    return ctx.inventory.nodegroups.flatMap((nodegroup) => {
      const publicSubnetIds = subnetsOfClass(ctx, nodegroup.subnets ?? [], ['public']).map(
        ({ subnet }) => subnet.SubnetId,
      );
      if (publicSubnetIds.length === 0) return [];
      return [
        {
          resourceId: nodegroup.nodegroupName,
          evidence: { nodegroupName: nodegroup.nodegroupName, subnets: nodegroup.subnets, publicSubnetIds },
        },
      ];
    });
  },
};
