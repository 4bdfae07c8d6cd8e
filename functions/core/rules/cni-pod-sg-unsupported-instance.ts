import { notJudged, type RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';

/** `t*` matches any family starting with t; other patterns match exactly. Case-insensitive. */
function familyMatches(family: string, pattern: string): boolean {
  const escaped = pattern
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`).test(family.toLowerCase());
}

/** The instance family: the part of the type before the first dot (`m5.large` → `m5`). */
export function instanceFamily(instanceType: string): string {
  return instanceType.split('.')[0] ?? instanceType;
}

/**
 * Security groups for pods need trunk ENIs, which only Nitro instances support (and not
 * the t family). Pods asking for a SecurityGroupPolicy on other nodes stay Pending.
 */
export const cniPodSgUnsupportedInstance: RuleDefinition = {
  id: 'cni-pod-sg-unsupported-instance',
  severity: 'MEDIUM',
  title: 'Security groups for pods are on but a node group uses an unsupported instance family',
  description:
    'The vpc-cni env ENABLE_POD_ENI is "true" and a managed node group has an instance type whose family does not support trunk ENIs (t families and pre-Nitro families; config podSecurityGroupUnsupportedFamilies).',
  risk: 'Pods that ask for a SecurityGroupPolicy on these nodes stay Pending.',
  remediation:
    'Create a node group of a Nitro-based, non-t instance type: aws eks create-nodegroup --region {{region}} --cluster-name {{clusterName}} --nodegroup-name {{resourceId}}-nitro --instance-types m5.large --subnets <subnet-ids> --node-role <node-role-arn>, move pods that use a SecurityGroupPolicy to it, then delete {{resourceId}} (CloudFormation: AWS::EKS::Nodegroup InstanceTypes; Terraform: aws_eks_node_group instance_types).',
  references: [DOCS.podSecurityGroups],
  resourceType: 'nodegroup',
  requires: ['cluster', 'vpcCni', 'nodegroups'],
  evaluate(ctx, config) {
    const cni = ctx.vpcCni;
    if (!cni) return notJudged(ctx.vpcCniUnknownReason ?? 'vpc-cni settings unknown');
    if (cni.env.ENABLE_POD_ENI !== 'true') return [];
    const patterns = config.podSecurityGroupUnsupportedFamilies;
    return ctx.inventory.nodegroups.flatMap((nodegroup) => {
      const unsupported = (nodegroup.instanceTypes ?? []).filter((type) =>
        patterns.some((pattern) => familyMatches(instanceFamily(type), pattern)),
      );
      if (unsupported.length === 0) return [];
      return [
        {
          resourceId: nodegroup.nodegroupName,
          evidence: {
            ENABLE_POD_ENI: 'true',
            instanceTypes: nodegroup.instanceTypes,
            unsupportedInstanceTypes: unsupported,
          },
        },
      ];
    });
  },
};
