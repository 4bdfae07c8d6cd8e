import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';

/**
 * The private endpoint is published through a Route 53 private hosted zone, which
 * only resolves in a VPC with both DNS support and DNS hostnames enabled. Otherwise
 * nodes resolve the endpoint name to its public address (or not at all).
 */
export const endpointPrivateDnsDisabled: RuleDefinition = {
  id: 'endpoint-private-dns-disabled',
  severity: 'HIGH',
  title: 'Private endpoint name cannot resolve: VPC DNS support or hostnames disabled',
  description:
    'endpointPrivateAccess is true but the cluster VPC has enableDnsHostnames or enableDnsSupport set to false, so the private endpoint name does not resolve inside the VPC.',
  remediation:
    'Enable both VPC DNS attributes: aws ec2 modify-vpc-attribute --region {{region}} --vpc-id {{vpcId}} --enable-dns-support "{\\"Value\\":true}" then aws ec2 modify-vpc-attribute --region {{region}} --vpc-id {{vpcId}} --enable-dns-hostnames "{\\"Value\\":true}" (CloudFormation: AWS::EC2::VPC EnableDnsSupport / EnableDnsHostnames: true; Terraform: aws_vpc enable_dns_support / enable_dns_hostnames = true).',
  risk: 'The private endpoint name does not resolve inside the VPC: nodes cannot find the API server.',
  references: [DOCS.endpointAccess, DOCS.vpcDns],
  resourceType: 'cluster',
  requires: ['cluster', 'vpc'],
  evaluate(ctx) {
    if (!ctx.endpointPrivateAccess) return [];
    const vpc = ctx.vpc?.inventory.vpc;
    if (!vpc) return [];
    // Only an explicit false fires: an attribute the collector could not read is unknown.
    if (vpc.EnableDnsHostnames !== false && vpc.EnableDnsSupport !== false) return [];
    return [
      {
        resourceId: ctx.clusterArn,
        evidence: {
          endpointPrivateAccess: true,
          vpcId: vpc.VpcId,
          enableDnsSupport: vpc.EnableDnsSupport ?? null,
          enableDnsHostnames: vpc.EnableDnsHostnames ?? null,
        },
      },
    ];
  },
};
