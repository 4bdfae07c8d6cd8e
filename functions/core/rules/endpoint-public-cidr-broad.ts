import { cidrContains, parseCidr, worldSet } from '../cidr.ts';
import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';

/**
 * The public endpoint is restricted, but to blocks so large (or so far outside the
 * organisation's known egress ranges) that the restriction means little. A list that adds
 * up to the whole internet is left to `endpoint-public-open`, so one misconfiguration is
 * reported once.
 */
export const endpointPublicCidrBroad: RuleDefinition = {
  id: 'endpoint-public-cidr-broad',
  severity: 'MEDIUM',
  title: 'Cluster API endpoint allows overly broad public CIDRs',
  description:
    'endpointPublicAccess is true, publicAccessCidrs does not add up to the whole internet, and an entry is an IPv4 block shorter than the configured minimum prefix (/16 by default), or lies outside the configured allow-list (allowedPublicCidrs) when one is set.',
  risk: 'Far more of the internet than your own networks can reach the Kubernetes API server and try credentials against it.',
  remediation:
    'List only the egress ranges of your offices, VPN and CI runners, or turn the public endpoint off: aws eks update-cluster-config --region {{region}} --name {{clusterName}} --resources-vpc-config endpointPublicAccess=true,publicAccessCidrs="{{narrowedPublicAccessCidrs}}" (or endpointPublicAccess=false,endpointPrivateAccess=true). CloudFormation: AWS::EKS::Cluster ResourcesVpcConfig.PublicAccessCidrs; Terraform: aws_eks_cluster vpc_config.public_access_cidrs.',
  references: [DOCS.endpointAccess],
  resourceType: 'cluster',
  requires: ['cluster'],
  evaluate(ctx, config) {
    if (!ctx.endpointPublicAccess) return [];
    if (worldSet(ctx.publicAccessCidrs).length > 0) return [];
    const allowed = config.allowedPublicCidrs.map((text) => ({ text, cidr: parseCidr(text) }));
    const offending: { cidr: string; reasons: string[] }[] = [];
    for (const text of ctx.publicAccessCidrs) {
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
    // The list without the offending blocks, plus the allow-list (or a placeholder for what to allow).
    const kept = ctx.publicAccessCidrs.filter((text) => !offending.some((o) => o.cidr === text));
    const replacement =
      config.allowedPublicCidrs.length > 0 ? config.allowedPublicCidrs : ['<narrowerCidrs>'];
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
        remediationValues: { narrowedPublicAccessCidrs: [...new Set([...kept, ...replacement])].join(',') },
      },
    ];
  },
};
