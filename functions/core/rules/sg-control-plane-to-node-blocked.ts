import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import { lookupGroups, subnetCidrs, tcpPortReachable } from './security-group-helpers.ts';

/**
 * The API server reaches each kubelet on TCP 10250 (logs, exec, port-forward, metrics)
 * from control-plane ENIs placed in the cluster subnets with the cluster SGs. If no
 * node SG lets that in, `kubectl logs/exec` and webhooks served by pods fail. In an IPv6
 * cluster the ENIs may use their subnets' IPv6 blocks, so a rule covering those counts too.
 */
export const sgControlPlaneToNodeBlocked: RuleDefinition = {
  id: 'sg-control-plane-to-node-blocked',
  severity: 'HIGH',
  title: 'Node security groups do not let the control plane reach kubelets on TCP 10250',
  description:
    'Node security groups are known, yet no node security group allows TCP 10250 inbound from a cluster security group (group reference), and the CIDRs its TCP 10250 rules allow do not cover every cluster subnet (its IPv4 block, or in an IPv6 cluster its IPv6 blocks).',
  risk: 'The API server cannot reach the kubelets: kubectl logs, exec and port-forward fail, and so do metrics and webhooks served from pods.',
  remediation:
    'Allow the control plane in on the kubelet port, on each node security group: for sg in {{nodeSecurityGroupList}}; do aws ec2 authorize-security-group-ingress --region {{region}} --group-id "$sg" --ip-permissions \'IpProtocol=tcp,FromPort=10250,ToPort=10250,UserIdGroupPairs=[{GroupId={{clusterSecurityGroupId}}}]\'; done. CloudFormation: an AWS::EC2::SecurityGroupIngress on the node security group with SourceSecurityGroupId the cluster security group, IpProtocol tcp, FromPort/ToPort 10250; Terraform: aws_vpc_security_group_ingress_rule with referenced_security_group_id = the cluster security group, from_port/to_port = 10250.',
  references: [DOCS.securityGroups],
  resourceType: 'cluster',
  requires: ['cluster', 'nodegroups', 'instances', 'subnets', 'securityGroups'],
  evaluate(ctx) {
    const nodeGroups = lookupGroups(ctx, ctx.nodeSecurityGroupIds);
    if (nodeGroups.found.length === 0) return [];
    const clusterGroups = lookupGroups(ctx, ctx.clusterSecurityGroupIds);
    const clusterSubnets = subnetCidrs(ctx, ctx.clusterSubnetIds, ctx.isIpv6);
    const reach = tcpPortReachable(nodeGroups.found, 10250, ctx.clusterSecurityGroupIds, clusterSubnets);
    if (reach.byGroupReference || reach.byCidr) return [];
    const sourceGroup = ctx.eksClusterSecurityGroupId ?? ctx.clusterSecurityGroupIds[0];
    return [
      {
        resourceId: ctx.clusterArn,
        evidence: {
          clusterSecurityGroups: ctx.clusterSecurityGroupIds,
          missingClusterSecurityGroups: clusterGroups.missing,
          nodeSecurityGroups: ctx.nodeSecurityGroupIds,
          missingNodeSecurityGroups: nodeGroups.missing,
          nodeSecurityGroupSource: ctx.nodeSecurityGroupSource,
          clusterSubnets,
          cidrsAllowing10250: reach.allowingCidrs,
          ...(ctx.isIpv6 ? { ipv6CidrsAllowing10250: reach.allowingIpv6Cidrs } : {}),
        },
        remediationValues: {
          ...(sourceGroup ? { clusterSecurityGroupId: sourceGroup } : {}),
          nodeSecurityGroupList: nodeGroups.found.map((group) => group.GroupId).join(' '),
        },
      },
    ];
  },
};
