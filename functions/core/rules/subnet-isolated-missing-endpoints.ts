import type { RuleDefinition } from '../model.ts';
import type { Ec2VpcEndpoint } from '../snapshot.ts';
import { DOCS } from './references.ts';
import { subnetEvidence, subnetsOfClass, uniqueIds, WORKLOAD_SUBNET_PARTS } from './subnet-helpers.ts';

function isAvailable(state: string | undefined): boolean {
  return state?.toLowerCase() === 'available';
}

/**
 * Whether `endpoint` makes service traffic work from a subnet whose effective route
 * table is `routeTableId`: an interface endpoint must be available with private DNS
 * (so the regional service name resolves to it); a gateway endpoint must be attached
 * to that route table (its prefix-list route lives there).
 */
function serves(endpoint: Ec2VpcEndpoint, routeTableId: string | undefined): boolean {
  const type = endpoint.VpcEndpointType?.toLowerCase();
  if (type === 'interface') return isAvailable(endpoint.State) && endpoint.PrivateDnsEnabled === true;
  if (type === 'gateway') {
    const stateOk = endpoint.State === undefined || isAvailable(endpoint.State);
    return stateOk && routeTableId !== undefined && (endpoint.RouteTableIds ?? []).includes(routeTableId);
  }
  return false;
}

const INTERFACE_COMMAND =
  'aws ec2 create-vpc-endpoint --region {{region}} --vpc-id {{vpcId}} --vpc-endpoint-type Interface --service-name com.amazonaws.{{region}}.SERVICE --subnet-ids {{resourceId}} --security-group-ids <endpoint-sg> --private-dns-enabled';
const GATEWAY_COMMAND =
  'aws ec2 create-vpc-endpoint --region {{region}} --vpc-id {{vpcId}} --vpc-endpoint-type Gateway --service-name com.amazonaws.{{region}}.s3 --route-table-ids {{routeTableId}}';
const IAC = '(CloudFormation: AWS::EC2::VPCEndpoint; Terraform: aws_vpc_endpoint)';

/** One ready command per missing service: S3 as a gateway endpoint, the rest as interface endpoints. */
function missingEndpointCommands(missing: readonly string[]): string {
  const commands = missing.map((service) =>
    service === 's3' ? GATEWAY_COMMAND : INTERFACE_COMMAND.replace('SERVICE', service),
  );
  return `Create the missing endpoints: ${commands.join('; ')} ${IAC}.`;
}

/**
 * Nodes and Fargate pods in a subnet without a route out reach AWS APIs only through
 * VPC endpoints: without them nodes cannot register (EC2, STS), pull images (ECR API,
 * ECR DKR, and S3 for the image layers) or join the cluster.
 */
export const subnetIsolatedMissingEndpoints: RuleDefinition = {
  id: 'subnet-isolated-missing-endpoints',
  severity: 'HIGH',
  title: 'Isolated node subnet lacks required VPC endpoints',
  description:
    "A node or Fargate subnet has no default route, and the VPC lacks a usable endpoint for one of ec2, ecr.api, ecr.dkr, s3, sts (config requiredVpcEndpoints). Interface endpoints count only when available with private DNS enabled; gateway endpoints only when attached to the subnet's effective route table.",
  remediation:
    'Create each missing endpoint: aws ec2 create-vpc-endpoint --region {{region}} --vpc-id {{vpcId}} --vpc-endpoint-type Interface --service-name com.amazonaws.{{region}}.<service> --subnet-ids {{resourceId}} --security-group-ids <endpoint-sg> --private-dns-enabled, and for S3 a gateway endpoint: aws ec2 create-vpc-endpoint --region {{region}} --vpc-id {{vpcId}} --vpc-endpoint-type Gateway --service-name com.amazonaws.{{region}}.s3 --route-table-ids {{routeTableId}} (CloudFormation: AWS::EC2::VPCEndpoint; Terraform: aws_vpc_endpoint).',
  risk: 'Nodes without internet egress cannot pull images, get credentials or join the cluster.',
  references: [
    DOCS.privateClusters,
    DOCS.vpcRequirements,
    'Security Hub EC2.10',
    'Security Hub EC2.55',
    'Security Hub EC2.56',
    'Prowler vpc_endpoint_for_ec2_enabled',
  ],
  resourceType: 'subnet',
  requires: [...WORKLOAD_SUBNET_PARTS, 'routeTables', 'vpcEndpoints'],
  evaluate(ctx, config) {
    const vpc = ctx.vpc;
    if (!vpc) return [];
    const endpoints = vpc.inventory.vpcEndpoints.filter((e) => e.VpcId === vpc.inventory.vpcId);
    const candidates = uniqueIds([...ctx.nodeSubnetIds, ...ctx.fargateSubnetIds]);
    return subnetsOfClass(ctx, candidates, ['isolated']).flatMap(({ subnet }) => {
      const routing = vpc.routing(subnet.SubnetId);
      const routeTableId = routing.routeTable?.RouteTableId;
      const missing = config.requiredVpcEndpoints.filter((service) => {
        const suffix = `.${ctx.region}.${service}`;
        return !endpoints.some((e) => e.ServiceName.endsWith(suffix) && serves(e, routeTableId));
      });
      if (missing.length === 0) return [];
      return [
        {
          resourceId: subnet.SubnetId,
          evidence: {
            ...subnetEvidence(ctx, subnet),
            missing,
            vpcId: vpc.inventory.vpcId,
            routeTableId: routeTableId ?? null,
            viaMainRouteTable: routing.viaMainTable,
            vpcEndpointIds: endpoints.map((e) => e.VpcEndpointId),
          },
          remediation: missingEndpointCommands(missing),
        },
      ];
    });
  },
};
