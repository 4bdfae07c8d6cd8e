import { cidrContains, isWorldCidr, parseCidr } from '../cidr.ts';
import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';

/**
 * The public endpoint is restricted, but to blocks so large (or so far outside the
 * organisation's known egress ranges) that the restriction means little. World CIDRs
 * are left to `endpoint-public-open`, so one misconfiguration is reported once.
 */
export const endpointPublicCidrBroad: RuleDefinition = {
  id: 'endpoint-public-cidr-broad',
  severity: 'MEDIUM',
  title: 'Cluster API endpoint allows overly broad public CIDRs',
  description:
    'endpointPublicAccess is true and a non-world publicAccessCidrs entry is an IPv4 block shorter than the configured minimum prefix (/16 by default), or lies outside the configured allow-list (allowedPublicCidrs) when one is set.',
  remediation:
    'List only the egress ranges of your offices, VPN and CI runners, or turn the public endpoint off: aws eks update-cluster-config --name <cluster> --resources-vpc-config endpointPublicAccess=true,publicAccessCidrs="203.0.113.0/24,198.51.100.0/24" (Terraform: vpc_config.public_access_cidrs).',
  references: [
    DOCS.endpointAccess,
    'Security Hub EKS.1',
    'Prowler eks_control_plane_endpoint_access_restricted',
  ],
  resourceType: 'cluster',
  requires: ['cluster'],
  evaluate(ctx, config) {
    if (!ctx.endpointPublicAccess) return [];
    const allowed = config.allowedPublicCidrs.map((text) => ({ text, cidr: parseCidr(text) }));
    const offending: { cidr: string; reasons: string[] }[] = [];
    for (const text of ctx.publicAccessCidrs) {
      if (isWorldCidr(text)) continue;
      const cidr = parseCidr(text);
      // EKS rejects malformed CIDRs, so one here cannot be judged; it is not guessed at.
      if (cidr === undefined) continue;
      const reasons: string[] = [];
      // A prefix floor expressed in IPv4 bits says nothing about IPv6 blocks.
      if (cidr.version === 4 && cidr.prefix < config.minPublicCidrPrefix) {
        reasons.push(`prefix /${cidr.prefix} is shorter than the minimum /${config.minPublicCidrPrefix}`);
      }
      if (allowed.length > 0 && !allowed.some((a) => a.cidr !== undefined && cidrContains(a.cidr, cidr))) {
        reasons.push('not inside any allowedPublicCidrs block');
      }
      if (reasons.length > 0) offending.push({ cidr: text, reasons });
    }
    if (offending.length === 0) return [];
    return [
      {
        resourceId: ctx.clusterArn,
        evidence: {
          endpointPublicAccess: true,
          publicAccessCidrs: ctx.publicAccessCidrs,
          minPublicCidrPrefix: config.minPublicCidrPrefix,
          allowedPublicCidrs: config.allowedPublicCidrs,
          offendingCidrs: offending,
        },
      },
    ];
  },
};
