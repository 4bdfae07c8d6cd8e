import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import { protocolName, referencesAnyGroup } from './security-group-helpers.ts';

/**
 * EKS creates the cluster security group with an inbound rule allowing all traffic from
 * itself; the control-plane ENIs and managed nodes (which use this SG by default) talk
 * to each other through it. Removing that rule, or deleting the SG, cuts them apart.
 */
export const sgClusterSelfIngressMissing: RuleDefinition = {
  id: 'sg-cluster-self-ingress-missing',
  severity: 'HIGH',
  title: 'EKS cluster security group does not allow all traffic from itself',
  description:
    'The security group EKS created for the cluster (resourcesVpcConfig.clusterSecurityGroupId) has no inbound rule for all protocols (-1) whose source is the group itself, or the group no longer exists. Control plane and nodes sharing it cannot reach each other.',
  remediation:
    'Restore the default inbound rule: aws ec2 authorize-security-group-ingress --group-id <cluster-sg> --ip-permissions IpProtocol=-1,UserIdGroupPairs=[{GroupId=<cluster-sg>}]. If the group was deleted, recreate the cluster (EKS cannot re-create its cluster security group).',
  references: [DOCS.securityGroups],
  resourceType: 'security-group',
  requires: ['cluster', 'securityGroups'],
  evaluate(ctx) {
    const groupId = ctx.eksClusterSecurityGroupId;
    if (!groupId) return [];
    const group = ctx.vpc?.securityGroupsById.get(groupId);
    if (!group) return [{ resourceId: groupId, evidence: { securityGroupFound: false } }];
    const selfAll = group.IpPermissions.some(
      (permission) => protocolName(permission) === 'all' && referencesAnyGroup(permission, [groupId]),
    );
    if (selfAll) return [];
    return [
      {
        resourceId: groupId,
        evidence: {
          securityGroupFound: true,
          ingress: group.IpPermissions.map((p) => ({
            protocol: p.IpProtocol,
            fromPort: p.FromPort,
            toPort: p.ToPort,
            sourceGroups: (p.UserIdGroupPairs ?? []).map((pair) => pair.GroupId),
          })),
        },
      },
    ];
  },
};
