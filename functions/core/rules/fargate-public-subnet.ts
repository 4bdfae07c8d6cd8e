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
    'Fargate profiles are immutable: create a replacement with private subnets only (aws eks create-fargate-profile --cluster-name <cluster> --fargate-profile-name <name>-v2 --pod-execution-role-arn <role> --subnets subnet-private-a subnet-private-b --selectors namespace=<ns>) and delete the old one (aws eks delete-fargate-profile).',
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
        },
      ];
    });
  },
};
