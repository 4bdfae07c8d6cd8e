import type { RuleDefinition } from '../model.ts';
import { routeTarget } from '../vpc-index.ts';
import { DOCS } from './references.ts';

/**
 * With external SNAT the vpc-cni stops translating pod addresses to the node's primary
 * IP and expects a NAT device on the path. From a public subnet, pod traffic leaves with
 * private source addresses and the internet gateway drops it; from an isolated subnet
 * there is no egress at all.
 */
export const cniExternalSnatWithoutNat: RuleDefinition = {
  id: 'cni-external-snat-without-nat',
  severity: 'HIGH',
  severities: ['HIGH', 'MEDIUM'],
  title: 'vpc-cni external SNAT is on but a node subnet has no NAT path',
  description:
    'The vpc-cni env AWS_VPC_K8S_CNI_EXTERNALSNAT is "true" and a node subnet is public (HIGH: pod traffic with private source addresses is dropped at the internet gateway) or isolated (MEDIUM: no egress path at all).',
  remediation:
    'Run nodes in private subnets whose default route targets a NAT gateway (aws ec2 create-route --route-table-id <rtb> --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <nat>), or turn external SNAT off: aws eks update-addon --cluster-name <cluster> --addon-name vpc-cni --configuration-values \'{"env":{"AWS_VPC_K8S_CNI_EXTERNALSNAT":"false"}}\'.',
  references: [DOCS.externalSnat],
  resourceType: 'subnet',
  requires: ['cluster', 'vpcCni', 'nodegroups', 'instances', 'subnets', 'routeTables'],
  evaluate(ctx) {
    const cni = ctx.vpcCni;
    if (!cni) throw new Error('vpc-cni settings are unknown');
    if (cni.env.AWS_VPC_K8S_CNI_EXTERNALSNAT !== 'true') return [];
    return ctx.nodeSubnetIds.flatMap((subnetId) => {
      const subnetClass = ctx.subnetClass(subnetId);
      // Unknown class (subnet or route table not in the inventory): no claim either way.
      if (subnetClass !== 'public' && subnetClass !== 'isolated') return [];
      const routing = ctx.vpc?.routing(subnetId);
      return [
        {
          resourceId: subnetId,
          severity: subnetClass === 'public' ? 'HIGH' : 'MEDIUM',
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
