import { notJudged, type RuleDefinition } from '../model.ts';
import { routeTarget } from '../vpc-index.ts';
import { DOCS } from './references.ts';
import { NODE_SUBNET_PARTS } from './subnet-helpers.ts';

/**
 * With external SNAT the vpc-cni stops translating pod addresses to the node's primary
 * IP and expects a NAT device on the path. From a public subnet, pod traffic leaves with
 * private source addresses and the internet gateway drops it; from an isolated subnet
 * there is no egress at all.
 */
export const cniExternalSnatWithoutNat: RuleDefinition = {
  id: 'cni-external-snat-without-nat',
  severity: 'HIGH',
  title: 'vpc-cni external SNAT is on but a node subnet is public',
  description:
    'The vpc-cni env AWS_VPC_K8S_CNI_EXTERNALSNAT is "true", custom networking (AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG) is not "true", and a node subnet is public: pod traffic with private source addresses is dropped at the internet gateway. With custom networking, pods live in other subnets (the documented public-node / private-pod layout), so it is not flagged.',
  risk: 'Pods on nodes in the public subnet cannot reach the internet.',
  remediation:
    'Turn external SNAT off so the vpc-cni translates pod addresses to the node address: aws eks update-addon --region {{region}} --cluster-name {{clusterName}} --addon-name vpc-cni --configuration-values \'{"env":{"AWS_VPC_K8S_CNI_EXTERNALSNAT":"false"}}\' (CloudFormation: AWS::EKS::Addon ConfigurationValues; Terraform: aws_eks_addon configuration_values), or move the nodes of {{resourceId}} to private subnets whose default route targets a NAT gateway.',
  references: [DOCS.externalSnat],
  resourceType: 'subnet',
  requires: [...NODE_SUBNET_PARTS, 'vpcCni', 'routeTables'],
  evaluate(ctx) {
    const cni = ctx.vpcCni;
    if (!cni) return notJudged(ctx.vpcCniUnknownReason ?? 'vpc-cni settings unknown');
    if (cni.env.AWS_VPC_K8S_CNI_EXTERNALSNAT !== 'true') return [];
    // With custom networking pods take addresses in ENIConfig subnets, not the node subnet.
    if (cni.env.AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG === 'true') return [];
    return ctx.nodeSubnetIds.flatMap((subnetId) => {
      const subnetClass = ctx.subnetClass(subnetId);
      // Unknown class (subnet or route table not in the inventory): no claim either way.
      if (subnetClass !== 'public') return [];
      const routing = ctx.vpc?.routing(subnetId);
      return [
        {
          resourceId: subnetId,
          evidence: {
            AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true',
            subnetClass,
            routeTableId: routing?.routeTable?.RouteTableId,
            defaultRouteTargets: (routing?.defaultRoutes ?? []).map(routeTarget),
          },
        },
      ];
    });
  },
};
