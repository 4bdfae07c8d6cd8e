/**
 * Planned ids: what a resource will be called before AWS names it. Each id keeps the
 * prefix AWS uses for its kind (`subnet-`, `igw-`, `nat-`…) because the rules read
 * meaning from prefixes (a default route to `igw-…` makes a subnet public), followed by
 * the resource's logical id (CloudFormation) or address (Terraform), so that a finding's
 * resource id names the declaration to edit.
 */

/** The id prefix AWS gives each kind of resource. */
export const ID_PREFIX = {
  vpc: 'vpc',
  subnet: 'subnet',
  routeTable: 'rtb',
  internetGateway: 'igw',
  egressOnlyInternetGateway: 'eigw',
  natGateway: 'nat',
  eipAllocation: 'eipalloc',
  transitGateway: 'tgw',
  peering: 'pcx',
  vpnGateway: 'vgw',
  securityGroup: 'sg',
  vpcEndpoint: 'vpce',
  networkAcl: 'acl',
  flowLog: 'fl',
  launchTemplate: 'lt',
  instance: 'i',
  networkInterface: 'eni',
  carrierGateway: 'cagw',
  localGateway: 'lgw',
} as const;
export type IdKind = keyof typeof ID_PREFIX;

/** `subnet-PrivateSubnet01`, `sg-module.eks.aws_security_group.node[0]`. */
export function plannedId(kind: IdKind, name: string): string {
  return `${ID_PREFIX[kind]}-${name}`;
}

/** The main route table, default network ACL and default security group every new VPC gets. */
export function vpcDefaultIds(vpcId: string): {
  mainRouteTable: string;
  defaultAcl: string;
  defaultSg: string;
} {
  const name = vpcId.replace(/^vpc-/, '');
  return {
    mainRouteTable: `rtb-${name}.main`,
    defaultAcl: `acl-${name}.default`,
    defaultSg: `sg-${name}.default`,
  };
}

/** The security group EKS creates for a new cluster (`ClusterSecurityGroupId`). */
export function eksClusterSecurityGroupId(clusterLogicalName: string): string {
  return `sg-${clusterLogicalName}.eks-cluster-sg`;
}

/**
 * Stand-in public addresses for Elastic IPs AWS has not allocated yet, from TEST-NET-2
 * (RFC 5737: never assigned to anyone). Two planned EIPs never share one, and a CIDR
 * built from an EIP's `Ref` contains its own stand-in, so "is this NAT's address in the
 * list" is answered by identity; an address AWS allocates is never inside TEST-NET-2,
 * but a literal CIDR may still contain it, which `plannedNatReachability` treats as unknown.
 */
export const STAND_IN_EIP_RANGE = '198.51.100.0/24';
export function standInEip(index: number): string {
  if (index >= 254) return `198.51.100.254`;
  return `198.51.100.${index + 1}`;
}
export function isStandInEip(cidrOrIp: string): boolean {
  return cidrOrIp.startsWith('198.51.100.');
}

/**
 * `Fn::GetAZs` for a region: the zones as names `<region>a`, `<region>b`… The letters an
 * account sees vary, but `Fn::Select` indices name distinct zones, which is what the
 * rules compare (zones are compared by name when no zone id is known).
 */
export function availabilityZones(region: string): string[] {
  return ['a', 'b', 'c', 'd', 'e', 'f'].map((letter) => `${region}${letter}`);
}

/**
 * Stand-in /56 of an Amazon-provided VPC IPv6 block, from the documentation prefix
 * 2001:db8::/32 (RFC 3849): subnets sliced from it with `Fn::Cidr` get distinct, consistent
 * blocks, and no real block is ever inside it.
 */
export function standInIpv6Block(index: number): string {
  return `2001:db8:0:${(index * 256).toString(16)}::/56`;
}
