import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';

/**
 * When a managed node group gets an SSH key but no source security groups, EKS creates a
 * remote-access SG that opens port 22 to 0.0.0.0/0 on every node of the group.
 */
export const nodegroupSshOpen: RuleDefinition = {
  id: 'nodegroup-ssh-open',
  severity: 'HIGH',
  title: 'Managed node group opens SSH to the whole internet',
  description:
    'The managed node group has remoteAccess.ec2SshKey set and no remoteAccess.sourceSecurityGroups, so EKS opens port 22 on its nodes to 0.0.0.0/0.',
  remediation:
    'Remote access cannot be changed on an existing node group: create a replacement with aws eks create-nodegroup ... --remote-access ec2SshKey=<key>,sourceSecurityGroups=<bastion-sg> (or drop remoteAccess and use SSM Session Manager), move workloads, then delete the old group. In IaC set RemoteAccess.SourceSecurityGroups.',
  references: [
    DOCS.managedNodeGroups,
    'Security Hub EC2.13',
    'Security Hub EC2.53',
    'Prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22',
  ],
  resourceType: 'nodegroup',
  requires: ['cluster', 'nodegroups'],
  evaluate(ctx) {
    return ctx.inventory.nodegroups.flatMap((nodegroup) => {
      const remote = nodegroup.remoteAccess;
      if (!remote?.ec2SshKey) return [];
      if ((remote.sourceSecurityGroups ?? []).length > 0) return [];
      return [
        {
          resourceId: nodegroup.nodegroupName,
          evidence: {
            ec2SshKey: remote.ec2SshKey,
            sourceSecurityGroups: remote.sourceSecurityGroups ?? [],
            remoteAccessSecurityGroup: nodegroup.resources?.remoteAccessSecurityGroup,
          },
        },
      ];
    });
  },
};
