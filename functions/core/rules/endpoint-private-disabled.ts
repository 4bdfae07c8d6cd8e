import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';

/**
 * Without the private endpoint, nodes reach the API server through its public
 * address: node ↔ control-plane traffic leaves the VPC and depends on NAT or an
 * internet gateway, and the public endpoint cannot be switched off.
 */
export const endpointPrivateDisabled: RuleDefinition = {
  id: 'endpoint-private-disabled',
  severity: 'MEDIUM',
  title: 'Cluster API private endpoint is disabled',
  description:
    'endpointPrivateAccess is false (the AWS default), so node to control-plane traffic leaves the VPC through the public endpoint.',
  remediation:
    'Enable the private endpoint: aws eks update-cluster-config --region {{region}} --name {{clusterName}} --resources-vpc-config endpointPrivateAccess=true (console: cluster > Networking > Manage endpoint access; CloudFormation: AWS::EKS::Cluster ResourcesVpcConfig.EndpointPrivateAccess: true; Terraform: aws_eks_cluster vpc_config.endpoint_private_access = true).',
  risk: 'Node to control-plane traffic leaves the VPC and depends on internet egress and the public allow-list.',
  references: [DOCS.endpointAccess, 'Prowler eks_cluster_private_nodes_enabled'],
  resourceType: 'cluster',
  requires: ['cluster'],
  evaluate(ctx) {
    if (ctx.endpointPrivateAccess) return [];
    return [
      {
        resourceId: ctx.clusterArn,
        evidence: {
          endpointPrivateAccess: false,
          endpointPublicAccess: ctx.endpointPublicAccess,
          endpointPrivateAccessDefaulted: ctx.cluster.resourcesVpcConfig.endpointPrivateAccess === undefined,
        },
      },
    ];
  },
};
