import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';

/**
 * When a managed node group gets an SSH key but no source security groups, EKS creates a
 * remote-access SG that opens port 22 to 0.0.0.0/0 on every node of the group. Remote
 * access cannot be changed on an existing group, so the fix is a replacement group.
 */
export const nodegroupSshOpen: RuleDefinition = {
  id: 'nodegroup-ssh-open',
  severity: 'HIGH',
  title: 'Managed node group opens SSH to the whole internet',
  description:
    'The managed node group has remoteAccess.ec2SshKey set and no remoteAccess.sourceSecurityGroups, so EKS opens port 22 on its nodes to 0.0.0.0/0.',
  risk: 'Every node of the group accepts SSH from anywhere: one leaked key, or an sshd flaw, gives a shell on a node and its IAM role.',
  remediation:
    'Remote access cannot be changed on an existing node group: create a replacement limited to a bastion security group (or without --remote-access, using SSM Session Manager): aws eks create-nodegroup --region {{region}} --cluster-name {{clusterName}} --nodegroup-name {{resourceId}}-restricted --subnets {{subnetList}} --instance-types {{instanceTypeList}} --node-role <nodeRoleArn> --remote-access ec2SshKey={{ec2SshKey}},sourceSecurityGroups=<bastionSecurityGroupId>, move the workloads, then aws eks delete-nodegroup --region {{region}} --cluster-name {{clusterName}} --nodegroup-name {{resourceId}}. Meanwhile close the port: aws ec2 revoke-security-group-ingress --region {{region}} --group-id {{remoteAccessSecurityGroup}} --protocol tcp --port 22 --cidr 0.0.0.0/0. CloudFormation: AWS::EKS::Nodegroup RemoteAccess.SourceSecurityGroups; Terraform: aws_eks_node_group remote_access.source_security_group_ids.',
  references: [
    DOCS.managedNodeGroups,
    'Security Hub EC2.53',
    'Security Hub EC2.54',
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
          remediationValues: {
            subnetList: nodegroup.subnets.join(' '),
            instanceTypeList: (nodegroup.instanceTypes ?? []).join(' '),
          },
        },
      ];
    });
  },
};
