import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import { lookupGroups, subnetCidrs, tcpPortReachable } from './security-group-helpers.ts';

/**
 * Nodes register with and call the Kubernetes API on TCP 443 of the control-plane ENIs,
 * which carry the cluster SGs. If none of those lets 443 in from the nodes, nodes never
 * join and kubelets cannot report. In an IPv6 cluster nodes may come from their subnets'
 * IPv6 blocks, so a rule covering those counts too.
 */
export const sgNodeToControlPlaneBlocked: RuleDefinition = {
  id: 'sg-node-to-control-plane-blocked',
  severity: 'HIGH',
  title: 'Cluster security groups do not let nodes reach the API server on TCP 443',
  description:
    'Node security groups are known, yet no cluster security group allows TCP 443 inbound from a node security group (group reference), and the CIDRs its TCP 443 rules allow do not cover every node subnet (its IPv4 block, or in an IPv6 cluster its IPv6 blocks).',
  risk: 'Nodes cannot reach the API server: new nodes never join and existing kubelets stop reporting, so pods are not scheduled or kept running.',
  remediation:
    "Allow the nodes in on 443: aws ec2 authorize-security-group-ingress --region {{region}} --group-id {{clusterSecurityGroupId}} --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{{nodeGroupPairs}}]'. CloudFormation: an AWS::EC2::SecurityGroupIngress with GroupId the cluster security group, SourceSecurityGroupId the node security group, IpProtocol tcp, FromPort/ToPort 443; Terraform: aws_vpc_security_group_ingress_rule with referenced_security_group_id = the node security group, from_port/to_port = 443.",
  references: [DOCS.securityGroups],
  resourceType: 'cluster',
  requires: ['cluster', 'nodegroups', 'instances', 'subnets', 'securityGroups'],
  evaluate(ctx) {
    const nodeGroups = lookupGroups(ctx, ctx.nodeSecurityGroupIds);
    if (nodeGroups.found.length === 0) return [];
    const clusterGroups = lookupGroups(ctx, ctx.clusterSecurityGroupIds);
    const nodeSubnets = subnetCidrs(ctx, ctx.nodeSubnetIds, ctx.isIpv6);
    const reach = tcpPortReachable(clusterGroups.found, 443, ctx.nodeSecurityGroupIds, nodeSubnets);
    if (reach.byGroupReference || reach.byCidr) return [];
    const targetGroup = ctx.eksClusterSecurityGroupId ?? ctx.clusterSecurityGroupIds[0];
    return [
      {
        resourceId: ctx.clusterArn,
        evidence: {
          clusterSecurityGroups: ctx.clusterSecurityGroupIds,
          missingClusterSecurityGroups: clusterGroups.missing,
          nodeSecurityGroups: ctx.nodeSecurityGroupIds,
          missingNodeSecurityGroups: nodeGroups.missing,
          nodeSecurityGroupSource: ctx.nodeSecurityGroupSource,
          nodeSubnets,
          cidrsAllowing443: reach.allowingCidrs,
          ...(ctx.isIpv6 ? { ipv6CidrsAllowing443: reach.allowingIpv6Cidrs } : {}),
        },
        remediationValues: {
          ...(targetGroup ? { clusterSecurityGroupId: targetGroup } : {}),
          nodeGroupPairs: nodeGroups.found.map((group) => `{GroupId=${group.GroupId}}`).join(','),
        },
      },
    ];
  },
};
