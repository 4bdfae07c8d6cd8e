/**
 * NAT gateway addresses of planned infrastructure. AWS allocates an Elastic IP's address at
 * deployment; planned EIPs carry stand-ins (see `standInEip`), so a restricted public
 * endpoint list that names an EIP through `Ref` is judged by identity. A list with literal
 * CIDRs might still contain the address AWS will allocate: then whether those nodes reach
 * the endpoint is not known, and `endpoint-nodes-cannot-reach` is not judged for the cluster.
 */
import { cidrTextContains, isWorldCidr } from '../../core/cidr.ts';
import type { ClusterInventory, InventoryPart, VpcInventory } from '../../core/snapshot.ts';

export function plannedNatUnknowns(
  clusters: readonly ClusterInventory[],
  vpcs: ReadonlyMap<string, VpcInventory>,
  isStandIn: (cidr: string) => boolean,
): { clusterName: string; part: InventoryPart; reason: string }[] {
  const out: { clusterName: string; part: InventoryPart; reason: string }[] = [];
  for (const inventory of clusters) {
    const config = inventory.cluster.resourcesVpcConfig;
    const publicOn = config.endpointPublicAccess ?? true;
    const privateOn = config.endpointPrivateAccess ?? false;
    const cidrs = config.publicAccessCidrs ?? [];
    if (!publicOn || privateOn || cidrs.length === 0 || cidrs.some(isWorldCidr)) continue;
    const literal = cidrs.filter((cidr) => !isStandIn(cidr));
    if (literal.length === 0) continue;
    const vpc = inventory.vpcId ? vpcs.get(inventory.vpcId) : undefined;
    const uncovered = (vpc?.natGateways ?? []).filter((nat) =>
      nat.PublicIps.some((ip) => isStandIn(ip) && !cidrs.some((cidr) => cidrTextContains(cidr, ip))),
    );
    if (uncovered.length === 0) continue;
    out.push({
      clusterName: inventory.cluster.name,
      part: 'natGateways',
      reason: `the public IPs of NAT gateway(s) ${uncovered.map((n) => n.NatGatewayId).join(', ')} are allocated at deployment; whether publicAccessCidrs ${literal.join(', ')} will contain them is not known (reference the EIP in the list to judge it)`,
    });
  }
  return out;
}
