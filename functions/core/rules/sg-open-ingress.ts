import type { RuleDefinition, Severity } from '../model.ts';
import { DOCS } from './references.ts';
import { lookupGroups, type PortRange } from './security-group-helpers.ts';
import { ipPermissionsJson, type WorldExposure, worldExposures } from './security-group-world.ts';

/** Remote administration, etcd, API server and kubelet ports: open to the world, they invite takeover. */
export const SENSITIVE_PORTS: readonly PortRange[] = [
  { from: 22, to: 22 },
  { from: 3389, to: 3389 },
  { from: 2379, to: 2380 },
  { from: 6443, to: 6443 },
  { from: 10250, to: 10250 },
  { from: 10255, to: 10255 },
];

/** Protocols whose exposure is judged by port (for ICMP the port fields are type and code). */
const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

/** All traffic, or a port segment overlapping a sensitive port (ICMP and other port-less protocols never do). */
function isHighRisk(exposure: WorldExposure): boolean {
  if (exposure.protocol === 'all') return true;
  if (
    !PORT_PROTOCOLS.has(exposure.protocol) ||
    exposure.fromPort === undefined ||
    exposure.toPort === undefined
  ) {
    return false;
  }
  const { fromPort, toPort } = exposure;
  return SENSITIVE_PORTS.some((sensitive) => fromPort <= sensitive.to && sensitive.from <= toPort);
}

/**
 * The cluster and node security groups guard the control-plane ENIs and every node; an
 * inbound rule from 0.0.0.0/0 or ::/0 — or rules whose sources together add up to the
 * whole address space for the same protocol and port — exposes them to the whole internet.
 */
export const sgOpenIngress: RuleDefinition = {
  id: 'sg-open-ingress',
  severity: 'HIGH',
  severities: ['HIGH', 'MEDIUM'],
  title: 'Cluster or node security group allows inbound traffic from the whole internet',
  description:
    'A cluster or node security group admits the whole internet: an inbound rule from 0.0.0.0/0 or ::/0, or inbound rules for the same protocol and port whose CIDRs together cover the whole IPv4 or IPv6 space (e.g. 0.0.0.0/1 + 128.0.0.0/1; a protocol -1 rule counts for every protocol and port). HIGH when it covers all traffic or port 22, 3389, 2379-2380, 6443, 10250 or 10255; MEDIUM otherwise.',
  risk: 'Anyone on the internet can reach the control-plane ENIs or the nodes on these ports: SSH, the kubelet or etcd open to the world invite takeover.',
  remediation:
    "Remove the rules that add up to the world and allow only the networks that need access (or a security-group reference): aws ec2 revoke-security-group-ingress --region {{region}} --group-id {{resourceId}} --ip-permissions '{{revokeIpPermissions}}' then aws ec2 authorize-security-group-ingress --region {{region}} --group-id {{resourceId}} --ip-permissions '{{authorizeIpPermissions}}'. In CloudFormation change CidrIp/CidrIpv6 of the AWS::EC2::SecurityGroup SecurityGroupIngress entries (or AWS::EC2::SecurityGroupIngress resources); in Terraform cidr_ipv4/cidr_ipv6 of aws_vpc_security_group_ingress_rule (or cidr_blocks/ipv6_cidr_blocks of the aws_security_group ingress blocks).",
  references: [
    DOCS.securityGroups,
    'Security Hub EC2.18',
    'Security Hub EC2.19',
    'Security Hub EC2.53',
    'Security Hub EC2.54',
    'Prowler ec2_securitygroup_allow_ingress_from_internet_to_all_ports',
    'Prowler ec2_securitygroup_allow_ingress_from_internet_to_any_port',
    'Prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22',
  ],
  resourceType: 'security-group',
  requires: ['cluster', 'nodegroups', 'instances', 'securityGroups'],
  evaluate(ctx) {
    const ids = [...new Set([...ctx.clusterSecurityGroupIds, ...ctx.nodeSecurityGroupIds])];
    return lookupGroups(ctx, ids).found.flatMap((group) => {
      const { exposures } = worldExposures(group);
      if (exposures.length === 0) return [];
      const severity: Severity = exposures.some(isHighRisk) ? 'HIGH' : 'MEDIUM';
      const sources = exposures.flatMap((exposure) => exposure.sources);
      return [
        {
          resourceId: group.GroupId,
          severity,
          evidence: {
            groupName: group.GroupName,
            exposures: exposures.map(({ protocol, fromPort, toPort, cidrs }) => ({
              protocol,
              ...(fromPort !== undefined ? { fromPort, toPort } : {}),
              cidrs,
            })),
          },
          remediationValues: {
            revokeIpPermissions: ipPermissionsJson(sources),
            // What to allow instead is the one thing the scanner cannot know.
            authorizeIpPermissions: ipPermissionsJson(sources, {
              ipv4: '<allowedCidr>',
              ipv6: '<allowedIpv6Cidr>',
            }),
          },
        },
      ];
    });
  },
};
