import { isPublicCidr, isWorldCidr, parseCidr } from '../cidr.ts';
import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';
import { ipv4Sources, ipv6Sources, lookupGroups, protocolName } from './security-group-helpers.ts';
import { type IngressSource, ipPermissionsJson, worldExposures } from './security-group-world.ts';

/**
 * A cluster or node security group admits a public block so large (a /8 of someone
 * else's addresses, half a cloud provider) that it is an allow-list in name only. The
 * whole internet, alone or as a set of rules adding up to it, is `sg-open-ingress`'s:
 * revoking that set fixes both, so it is reported once.
 */
export const sgPublicCidrBroad: RuleDefinition = {
  id: 'sg-public-cidr-broad',
  severity: 'MEDIUM',
  title: 'Cluster or node security group allows inbound traffic from a broad public CIDR',
  description:
    'A cluster or node security group has an inbound rule from a public CIDR (outside the private, shared, loopback and link-local ranges) with a prefix shorter than /16 for IPv4 (minPublicCidrPrefix) or /32 for IPv6 (minPublicIpv6Prefix), and that CIDR is not the whole internet nor part of a set of rules adding up to it for the same protocol and port (that is sg-open-ingress).',
  risk: 'Millions of addresses outside the organisation can reach the control-plane ENIs or the nodes on these ports.',
  remediation:
    "Narrow the source to the networks that need access (or a security-group reference): aws ec2 revoke-security-group-ingress --region {{region}} --group-id {{resourceId}} --ip-permissions '{{revokeIpPermissions}}' then aws ec2 authorize-security-group-ingress --region {{region}} --group-id {{resourceId}} --ip-permissions '{{authorizeIpPermissions}}'. In CloudFormation change CidrIp/CidrIpv6 of the AWS::EC2::SecurityGroup SecurityGroupIngress entries (or AWS::EC2::SecurityGroupIngress resources); in Terraform cidr_ipv4/cidr_ipv6 of aws_vpc_security_group_ingress_rule (or cidr_blocks/ipv6_cidr_blocks of the aws_security_group ingress blocks).",
  references: [DOCS.securityGroups, 'Prowler ec2_securitygroup_allow_wide_open_public_ipv4'],
  resourceType: 'security-group',
  requires: ['cluster', 'nodegroups', 'instances', 'securityGroups'],
  evaluate(ctx, config) {
    const ids = [...new Set([...ctx.clusterSecurityGroupIds, ...ctx.nodeSecurityGroupIds])];
    return lookupGroups(ctx, ids).found.flatMap((group) => {
      const world = worldExposures(group);
      const broad: IngressSource[] = [];
      for (const permission of group.IpPermissions) {
        for (const text of [...ipv4Sources(permission), ...ipv6Sources(permission)]) {
          const cidr = parseCidr(text);
          if (cidr === undefined || isWorldCidr(text) || !isPublicCidr(cidr)) continue;
          const minimum = cidr.version === 4 ? config.minPublicCidrPrefix : config.minPublicIpv6Prefix;
          if (cidr.prefix >= minimum || world.partOfWorldSet(permission, text)) continue;
          broad.push({ permission, cidr: text });
        }
      }
      if (broad.length === 0) return [];
      return [
        {
          resourceId: group.GroupId,
          evidence: {
            groupName: group.GroupName,
            minPublicCidrPrefix: config.minPublicCidrPrefix,
            minPublicIpv6Prefix: config.minPublicIpv6Prefix,
            broadSources: broad.map(({ permission, cidr }) => ({
              protocol: protocolName(permission),
              ...(protocolName(permission) === 'all'
                ? {}
                : { fromPort: permission.FromPort, toPort: permission.ToPort }),
              cidr,
            })),
          },
          remediationValues: {
            revokeIpPermissions: ipPermissionsJson(broad),
            // The narrower networks are the one thing the scanner cannot know.
            authorizeIpPermissions: ipPermissionsJson(broad, {
              ipv4: '<narrowerCidr>',
              ipv6: '<narrowerIpv6Cidr>',
            }),
          },
        },
      ];
    });
  },
};
