import { isWorldCidr } from '../cidr.ts';
import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';

/**
 * The API server endpoint is reachable from the whole internet. Anyone can attempt to
 * authenticate against it; restricting source CIDRs is the first line of defence.
 */
export const endpointPublicOpen: RuleDefinition = {
  id: 'endpoint-public-open',
  severity: 'HIGH',
  title: 'Cluster API endpoint is public to the whole internet',
  description:
    'endpointPublicAccess is true and publicAccessCidrs contains 0.0.0.0/0 or ::/0 (the AWS default when no list is given).',
  remediation:
    'Restrict the public endpoint to known networks, or turn it off and use private access: aws eks update-cluster-config --name <cluster> --resources-vpc-config endpointPublicAccess=true,publicAccessCidrs="203.0.113.0/24",endpointPrivateAccess=true',
  references: [DOCS.endpointAccess, 'Security Hub EKS.1', 'Prowler eks_cluster_not_publicly_accessible'],
  resourceType: 'cluster',
  requires: ['cluster'],
  evaluate(ctx) {
    if (!ctx.endpointPublicAccess) return [];
    const world = ctx.publicAccessCidrs.filter(isWorldCidr);
    if (world.length === 0) return [];
    return [
      {
        resourceId: ctx.clusterArn,
        evidence: {
          endpointPublicAccess: true,
          publicAccessCidrs: ctx.publicAccessCidrs,
          worldCidrs: world,
          publicAccessCidrsDefaulted: !ctx.cluster.resourcesVpcConfig.publicAccessCidrs?.length,
        },
      },
    ];
  },
};
