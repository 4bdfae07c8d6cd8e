import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import { subnetsOfClass } from './subnet-helpers.ts';

/** Fargate pods get no public IP and are supported only in private subnets. */
export const fargatePublicSubnet: RuleDefinition = {
  id: 'fargate-public-subnet',
  severity: 'HIGH',
  title: 'Fargate profile uses a public subnet',
  description:
    'A Fargate profile lists a subnet of class public (default route to an internet gateway); Fargate pods run only in private subnets.',
  remediation:
    'Fargate profiles are immutable: create a replacement with private subnets only (aws eks create-fargate-profile --region {{region}} --cluster-name {{clusterName}} --fargate-profile-name {{resourceId}}-private --pod-execution-role-arn <pod-execution-role-arn> --subnets {{privateSubnetIds}} --selectors namespace=<namespace>), then aws eks delete-fargate-profile --region {{region}} --cluster-name {{clusterName}} --fargate-profile-name {{resourceId}} (CloudFormation: AWS::EKS::FargateProfile Subnets; Terraform: aws_eks_fargate_profile subnet_ids).',
  risk: 'Fargate pods are not scheduled in the public subnet: they stay Pending.',
  references: [DOCS.fargate, DOCS.vpcRequirements],
  resourceType: 'fargate-profile',
  requires: ['cluster', 'fargateProfiles', 'subnets', 'routeTables'],
  evaluate(ctx) {
    return ctx.inventory.fargateProfiles.flatMap((profile) => {
      const publicSubnetIds = subnetsOfClass(ctx, profile.subnets ?? [], ['public']).map(
        ({ subnet }) => subnet.SubnetId,
      );
      if (publicSubnetIds.length === 0) return [];
      return [
        {
          resourceId: profile.fargateProfileName,
          evidence: {
            fargateProfileName: profile.fargateProfileName,
            subnets: profile.subnets,
            publicSubnetIds,
          },
          remediationValues: {
            privateSubnetIds:
              (profile.subnets ?? []).filter((id) => !publicSubnetIds.includes(id)).join(' ') ||
              '<private-subnet-ids>',
          },
        },
      ];
    });
  },
};
