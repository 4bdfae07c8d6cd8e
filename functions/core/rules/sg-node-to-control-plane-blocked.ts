import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import { lookupGroups, subnetCidrs, tcpPortReachable } from './security-group-helpers.ts';

/**
 * Nodes register with and call the Kubernetes API on TCP 443 of the control-plane ENIs,
 * which carry the cluster SGs. If none of those lets 443 in from the nodes, nodes never
 * join and kubelets cannot report.
 */
export const sgNodeToControlPlaneBlocked: RuleDefinition = {
  id: 'sg-node-to-control-plane-blocked',
  severity: 'HIGH',
  title: 'Cluster security groups do not let nodes reach the API server on TCP 443',
  description:
    'Node security groups are known, yet no cluster security group allows TCP 443 inbound from a node security group (group reference), and the IPv4 CIDRs its TCP 443 rules allow do not cover every node subnet.',
  remediation:
    'Allow the nodes in on 443: aws ec2 authorize-security-group-ingress --group-id <cluster-sg> --protocol tcp --port 443 --source-group <node-sg> (or, in IaC, an AWS::EC2::SecurityGroupIngress with SourceSecurityGroupId set to the node security group).',
  references: [DOCS.securityGroups],
  resourceType: 'cluster',
  requires: ['cluster', 'nodegroups', 'instances', 'subnets', 'securityGroups'],
  evaluate(ctx) {
    const nodeGroups = lookupGroups(ctx, ctx.nodeSecurityGroupIds);
    if (nodeGroups.found.length === 0) return [];
    const clusterGroups = lookupGroups(ctx, ctx.clusterSecurityGroupIds);
    const nodeSubnets = subnetCidrs(ctx, ctx.nodeSubnetIds);
    const reach = tcpPortReachable(
      clusterGroups.found,
      443,
      ctx.nodeSecurityGroupIds,
      nodeSubnets.map((s) => s.cidr),
    );
    if (reach.byGroupReference || reach.byCidr) return [];
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
        },
      },
    ];
  },
};
