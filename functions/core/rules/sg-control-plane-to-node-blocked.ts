import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import { lookupGroups, subnetCidrs, tcpPortReachable } from './security-group-helpers.ts';

/**
 * The API server reaches each kubelet on TCP 10250 (logs, exec, port-forward, metrics)
 * from control-plane ENIs placed in the cluster subnets with the cluster SGs. If no
 * node SG lets that in, `kubectl logs/exec` and webhooks served by pods fail.
 */
export const sgControlPlaneToNodeBlocked: RuleDefinition = {
  id: 'sg-control-plane-to-node-blocked',
  severity: 'HIGH',
  title: 'Node security groups do not let the control plane reach kubelets on TCP 10250',
  description:
    'Node security groups are known, yet no node security group allows TCP 10250 inbound from a cluster security group (group reference), and the IPv4 CIDRs its TCP 10250 rules allow do not cover every cluster subnet.',
  remediation:
    'Allow the control plane in on the kubelet port: aws ec2 authorize-security-group-ingress --group-id <node-sg> --protocol tcp --port 10250 --source-group <cluster-sg> (in IaC, an AWS::EC2::SecurityGroupIngress on the node SG with SourceSecurityGroupId = the cluster SG).',
  references: [DOCS.securityGroups],
  resourceType: 'cluster',
  requires: ['cluster', 'nodegroups', 'instances', 'subnets', 'securityGroups'],
  evaluate(ctx) {
    const nodeGroups = lookupGroups(ctx, ctx.nodeSecurityGroupIds);
    if (nodeGroups.found.length === 0) return [];
    const clusterGroups = lookupGroups(ctx, ctx.clusterSecurityGroupIds);
    const clusterSubnets = subnetCidrs(ctx, ctx.clusterSubnetIds);
    const reach = tcpPortReachable(
      nodeGroups.found,
      10250,
      ctx.clusterSecurityGroupIds,
      clusterSubnets.map((s) => s.cidr),
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
          clusterSubnets,
          cidrsAllowing10250: reach.allowingCidrs,
        },
      },
    ];
  },
};
