import { notJudged, type RuleDefinition } from '../model.ts';
import type { Ec2IpPermission } from '../snapshot.ts';
import { DOCS } from './references.ts';
import { allowsTcpPort, cidrsCoverAll, ipv4Sources, lookupGroups } from './security-group-helpers.ts';

const INGRESS_FIX =
  "aws ec2 authorize-security-group-ingress --region {{region}} --group-id {{clusterSecurityGroupId}} --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{{ingressIpRanges}}]'";
const EGRESS_FIX =
  "aws ec2 authorize-security-group-egress --region {{region}} --group-id {{clusterSecurityGroupId}} --ip-permissions 'IpProtocol=tcp,FromPort=10250,ToPort=10250,IpRanges=[{{egressIpRanges}}]'";
const IAC =
  ' CloudFormation: AWS::EC2::SecurityGroupIngress / AWS::EC2::SecurityGroupEgress on the cluster security group (IpProtocol tcp, FromPort/ToPort 443 in and 10250 out, CidrIp the remote node CIDR); Terraform: aws_vpc_security_group_ingress_rule / aws_vpc_security_group_egress_rule with cidr_ipv4 the remote node CIDR.';

/** The remediation template for the directions that are missing. */
function remediationFor(ingress: boolean, egress: boolean): string {
  const steps = [
    ...(ingress ? [`let the hybrid nodes in on 443: ${INGRESS_FIX}`] : []),
    ...(egress ? [`let the control plane reach the hybrid nodes' kubelets on 10250: ${EGRESS_FIX}`] : []),
  ];
  return `On the cluster security group, ${steps.join('; and ')}.${IAC}`;
}

interface Direction {
  /** Remote node CIDRs no rule covers. */
  missing: string[];
  /** Why the answer is unknown, when a rule or a group's rules cannot be seen. */
  unknown?: string;
}

/** Which remote node CIDRs no TCP `port` rule (of the given direction) covers, across all the permissions. */
function judge(permissions: readonly Ec2IpPermission[], port: number, remote: readonly string[]): Direction {
  const allowing = permissions.filter((p) => allowsTcpPort(p, port));
  const cidrs = allowing.flatMap(ipv4Sources);
  const missing = remote.filter((cidr) => !cidrsCoverAll(cidrs, [cidr]));
  const prefixLists = allowing.flatMap((p) => (p.PrefixListIds ?? []).flatMap((l) => l.PrefixListId ?? []));
  return missing.length > 0 && prefixLists.length > 0
    ? {
        missing,
        unknown: `a rule allows prefix list ${prefixLists.join(', ')}, whose CIDRs are not collected`,
      }
    : { missing };
}

/**
 * Hybrid nodes call the API server on TCP 443 of the control-plane ENIs, and the control
 * plane calls their kubelets on TCP 10250; both cross the cluster security groups, which
 * must allow the remote node CIDRs in on 443 and out on 10250 (the EKS hybrid-nodes
 * networking page). 443 from the remote pod CIDRs is needed only when the CNI does not NAT
 * pod traffic, which the scanner cannot see, so it is not judged.
 */
export const hybridClusterSgBlocksRemote: RuleDefinition = {
  id: 'hybrid-cluster-sg-blocks-remote',
  severity: 'HIGH',
  title: 'Cluster security groups block traffic between the control plane and hybrid nodes',
  description:
    'The cluster has hybrid nodes, and no cluster security group allows TCP 443 inbound from a CIDR covering each remote node CIDR, or none allows TCP 10250 outbound to a CIDR covering each remote node CIDR.',
  risk: 'Hybrid nodes cannot register with or call the API server, or the control plane cannot reach their kubelets (logs, exec, port-forward).',
  remediation: remediationFor(true, true),
  references: [DOCS.hybridNodesNetworking, DOCS.securityGroups],
  resourceType: 'cluster',
  requires: ['cluster', 'securityGroups'],
  evaluate(ctx) {
    if (!ctx.isHybrid) return [];
    const groups = lookupGroups(ctx, ctx.clusterSecurityGroupIds);
    const remote = ctx.remoteNodeCidrs;
    const ingress = judge(
      groups.found.flatMap((g) => g.IpPermissions),
      443,
      remote,
    );
    const egress = judge(
      groups.found.flatMap((g) => g.IpPermissionsEgress ?? []),
      10250,
      remote,
    );
    // Outbound rules are absent from snapshots written before they were collected.
    const egressUnseen = groups.found
      .filter((g) => g.IpPermissionsEgress === undefined)
      .map((g) => g.GroupId);
    if (egress.missing.length > 0 && egressUnseen.length > 0 && egress.unknown === undefined) {
      egress.unknown = `the outbound rules of ${egressUnseen.join(', ')} were not collected`;
    }
    const ingressBlocked = ingress.missing.length > 0 && ingress.unknown === undefined;
    const egressBlocked = egress.missing.length > 0 && egress.unknown === undefined;
    if (!ingressBlocked && !egressBlocked) {
      const unknown = [
        ...(ingress.missing.length > 0 && ingress.unknown ? [`inbound 443: ${ingress.unknown}`] : []),
        ...(egress.missing.length > 0 && egress.unknown ? [`outbound 10250: ${egress.unknown}`] : []),
      ];
      return unknown.length > 0
        ? notJudged(
            `cannot tell whether the cluster security groups pass hybrid-node traffic (${unknown.join('; ')})`,
          )
        : [];
    }
    const missing = [
      ...(ingressBlocked
        ? [{ direction: 'ingress', protocol: 'tcp', port: 443, cidrs: ingress.missing }]
        : []),
      ...(egressBlocked
        ? [{ direction: 'egress', protocol: 'tcp', port: 10250, cidrs: egress.missing }]
        : []),
    ];
    const undetermined = [
      ...(ingress.missing.length > 0 && ingress.unknown
        ? [{ direction: 'ingress', reason: ingress.unknown }]
        : []),
      ...(egress.missing.length > 0 && egress.unknown
        ? [{ direction: 'egress', reason: egress.unknown }]
        : []),
    ];
    const targetGroup = ctx.eksClusterSecurityGroupId ?? ctx.clusterSecurityGroupIds[0];
    const ipRanges = (cidrs: readonly string[]) => cidrs.map((cidr) => `{CidrIp=${cidr}}`).join(',');
    return [
      {
        resourceId: ctx.clusterArn,
        evidence: {
          clusterSecurityGroups: ctx.clusterSecurityGroupIds,
          missingClusterSecurityGroups: groups.missing,
          remoteNodeCidrs: remote,
          missing,
          ...(undetermined.length > 0 ? { undetermined } : {}),
        },
        remediation: remediationFor(ingressBlocked, egressBlocked),
        remediationValues: {
          ...(targetGroup ? { clusterSecurityGroupId: targetGroup } : {}),
          ingressIpRanges: ipRanges(ingress.missing),
          egressIpRanges: ipRanges(egress.missing),
        },
      },
    ];
  },
};
