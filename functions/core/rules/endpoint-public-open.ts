import { minimalWorldSet } from '../cidr.ts';
import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';

/**
 * The API server endpoint is reachable from the whole internet: from `0.0.0.0/0` or `::/0`
 * (the AWS default when public access is on and no list is given), or from CIDRs that
 * together add up to the whole address space (`0.0.0.0/1` + `128.0.0.0/1`). Anyone can
 * attempt to authenticate against it; restricting source CIDRs is the first line of defence.
 */
export const endpointPublicOpen: RuleDefinition = {
  id: 'endpoint-public-open',
  severity: 'HIGH',
  title: 'Cluster API endpoint is public to the whole internet',
  description:
    'endpointPublicAccess is true and publicAccessCidrs contains 0.0.0.0/0 or ::/0 (the AWS default when no list is given), or CIDRs whose union is the whole IPv4 or IPv6 space.',
  risk: 'Anyone on the internet can reach the Kubernetes API server and probe it with stolen or leaked credentials, or exploit an API server vulnerability.',
  remediation:
    'Limit the public endpoint to your egress ranges, or turn it off and use private access: aws eks update-cluster-config --region {{region}} --name {{clusterName}} --resources-vpc-config endpointPublicAccess=true,publicAccessCidrs="{{restrictedPublicAccessCidrs}}",endpointPrivateAccess=true (or endpointPublicAccess=false,endpointPrivateAccess=true). CloudFormation: AWS::EKS::Cluster ResourcesVpcConfig.PublicAccessCidrs / EndpointPublicAccess; Terraform: aws_eks_cluster vpc_config.public_access_cidrs / endpoint_public_access.',
  references: [DOCS.endpointAccess, 'Security Hub EKS.1', 'Prowler eks_cluster_not_publicly_accessible'],
  resourceType: 'cluster',
  requires: ['cluster'],
  evaluate(ctx, config) {
    if (!ctx.endpointPublicAccess) return [];
    const world = minimalWorldSet(ctx.publicAccessCidrs);
    if (world.length === 0) return [];
    // The list without the world set, plus the configured allow-list (or a placeholder for it).
    const kept = ctx.publicAccessCidrs.filter((text) => !world.includes(text));
    const allowed = config.allowedPublicCidrs.length > 0 ? config.allowedPublicCidrs : ['<allowedCidrs>'];
    return [
      {
        resourceId: ctx.clusterArn,
        evidence: {
          endpointPublicAccess: true,
          publicAccessCidrs: ctx.publicAccessCidrs,
          worldCidrs: world,
          publicAccessCidrsDefaulted: !ctx.cluster.resourcesVpcConfig.publicAccessCidrs?.length,
        },
        remediationValues: { restrictedPublicAccessCidrs: [...new Set([...kept, ...allowed])].join(',') },
      },
    ];
  },
};
