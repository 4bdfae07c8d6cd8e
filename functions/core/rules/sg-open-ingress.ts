import type { RuleDefinition, Severity } from '../model.ts';
import type { Ec2IpPermission } from '../snapshot.ts';
import { DOCS } from './references.ts';
import {
  lookupGroups,
  type PortRange,
  portRange,
  protocolName,
  worldSources,
} from './security-group-helpers.ts';

/** Remote administration, etcd, API server and kubelet ports: open to the world, they invite takeover. */
export const SENSITIVE_PORTS: readonly PortRange[] = [
  { from: 22, to: 22 },
  { from: 3389, to: 3389 },
  { from: 2379, to: 2380 },
  { from: 6443, to: 6443 },
  { from: 10250, to: 10250 },
  { from: 10255, to: 10255 },
];

/** All traffic, or a port range overlapping a sensitive port (ICMP and other port-less protocols never do). */
function isHighRisk(permission: Ec2IpPermission): boolean {
  if (protocolName(permission) === 'all') return true;
  const range = portRange(permission);
  if (!range) return false;
  return SENSITIVE_PORTS.some((sensitive) => range.from <= sensitive.to && sensitive.from <= range.to);
}

/**
 * The cluster and node security groups guard the control-plane ENIs and every node; an
 * inbound rule from 0.0.0.0/0 or ::/0 exposes them to the whole internet.
 */
export const sgOpenIngress: RuleDefinition = {
  id: 'sg-open-ingress',
  severity: 'HIGH',
  severities: ['HIGH', 'MEDIUM'],
  title: 'Cluster or node security group allows inbound traffic from the whole internet',
  description:
    'A cluster or node security group has an inbound rule whose source is 0.0.0.0/0 or ::/0. HIGH when the rule allows all traffic or covers port 22, 3389, 2379-2380, 6443, 10250 or 10255; MEDIUM otherwise.',
  remediation:
    'Replace the world source with the networks that need access, or a security-group reference: aws ec2 revoke-security-group-ingress --group-id <sg> --ip-permissions IpProtocol=<protocol>,FromPort=<from>,ToPort=<to>,IpRanges=[{CidrIp=0.0.0.0/0}] (use Ipv6Ranges=[{CidrIpv6=::/0}] for IPv6), then authorize the narrower source.',
  references: [
    DOCS.securityGroups,
    'Security Hub EC2.18',
    'Security Hub EC2.19',
    'Prowler ec2_securitygroup_allow_ingress_from_internet_to_all_ports',
    'Prowler ec2_securitygroup_allow_ingress_from_internet_to_any_port',
    'Prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22',
  ],
  resourceType: 'security-group',
  requires: ['cluster', 'nodegroups', 'instances', 'securityGroups'],
  evaluate(ctx) {
    const ids = [...new Set([...ctx.clusterSecurityGroupIds, ...ctx.nodeSecurityGroupIds])];
    return lookupGroups(ctx, ids).found.flatMap((group) => {
      const open = group.IpPermissions.filter((p) => worldSources(p).length > 0);
      if (open.length === 0) return [];
      const severity: Severity = open.some(isHighRisk) ? 'HIGH' : 'MEDIUM';
      const openPermissions = open.flatMap((p) =>
        worldSources(p).map((cidr) => ({
          protocol: p.IpProtocol,
          fromPort: p.FromPort,
          toPort: p.ToPort,
          cidr,
        })),
      );
      return [
        { resourceId: group.GroupId, severity, evidence: { groupName: group.GroupName, openPermissions } },
      ];
    });
  },
};
