import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import { protocolName, referencesAnyGroup } from './security-group-helpers.ts';

/** When the group itself is gone there is no rule to restore: EKS cannot re-create its cluster security group. */
const SG_DELETED_REMEDIATION =
  'The cluster security group {{resourceId}} no longer exists and EKS cannot re-create it: create a replacement cluster in the same subnets (aws eks create-cluster --region {{region}} --name <newClusterName> ...; CloudFormation AWS::EKS::Cluster, Terraform aws_eks_cluster), move the workloads to it, then delete {{clusterName}} (aws eks delete-cluster --region {{region}} --name {{clusterName}}).';

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
  risk: 'The control plane and the nodes that share the cluster security group (managed node groups by default) can no longer talk to each other: nodes drop out and pods lose the API server.',
  remediation:
    "Restore the default inbound rule: aws ec2 authorize-security-group-ingress --region {{region}} --group-id {{resourceId}} --ip-permissions 'IpProtocol=-1,UserIdGroupPairs=[{GroupId={{resourceId}}}]'. CloudFormation: an AWS::EC2::SecurityGroupIngress with GroupId and SourceSecurityGroupId both the cluster's ClusterSecurityGroupId, IpProtocol -1; Terraform: aws_vpc_security_group_ingress_rule with security_group_id and referenced_security_group_id both aws_eks_cluster vpc_config[0].cluster_security_group_id, ip_protocol = \"-1\".",
  references: [DOCS.securityGroups],
  resourceType: 'security-group',
  requires: ['cluster', 'securityGroups'],
  evaluate(ctx) {
    const groupId = ctx.eksClusterSecurityGroupId;
    if (!groupId) return [];
    const group = ctx.vpc?.securityGroupsById.get(groupId);
    if (!group)
      return [
        { resourceId: groupId, evidence: { securityGroupFound: false }, remediation: SG_DELETED_REMEDIATION },
      ];
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
