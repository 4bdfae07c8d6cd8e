/**
 * Terraform AWS provider resource types → planned inventory. Values come resolved (see
 * `terraform-refs.ts`): a field still unknown after apply is a deploy-time value, which the
 * field reader turns into a "not judged" reason. Defaults are the provider's where it
 * differs from the API's (an `aws_security_group` without `egress` blocks has no egress
 * rule: Terraform removes EC2's default one).
 */
import type { Ec2IpPermission } from '../../core/snapshot.ts';
import type { FieldReader } from './cfn-fields.ts';
import { isDeployTime } from './deploy-time.ts';
import type { PlannedInventory, PlannedLaunch } from './planned-inventory.ts';
import { addNatGateway, addVpcFlowLog, mapVpcEndpoint, usableIps } from './shared-mappers.ts';
import { list, TF_EKS_MAPPERS } from './terraform-eks-resources.ts';
import type { TfResource } from './terraform-refs.ts';

export interface TfMapContext {
  inventory: PlannedInventory;
  resource: TfResource;
  id: string;
  values: Record<string, unknown>;
  read: FieldReader;
  location: { address: string };
  eipAddress(allocationId: string): string | undefined;
  launchTemplates: Map<string, PlannedLaunch>;
  vpcOfDefault(defaultId: string): string | undefined;
}

export type Mapper = (m: TfMapContext) => void;

/** Attributes AWS assigns that no rule reads. */
const IGNORED_UNKNOWN = new Set(['id', 'arn', 'security_group_rule_id', 'tags_all', 'owner_id']);

/** An inline `ingress`/`egress` block or an `aws_security_group_rule` as EC2 permissions. */
function permissionsOf(rule: Record<string, unknown>, groupId: string): Ec2IpPermission[] {
  const protocol = String(rule.protocol ?? rule.ip_protocol ?? '-1').toLowerCase();
  const ipProtocol = protocol === 'all' ? '-1' : protocol;
  const base: Ec2IpPermission = { IpProtocol: ipProtocol };
  if (ipProtocol !== '-1') {
    if (rule.from_port !== undefined) base.FromPort = Number(rule.from_port);
    if (rule.to_port !== undefined) base.ToPort = Number(rule.to_port);
  }
  const cidrs = [
    ...(Array.isArray(rule.cidr_blocks) ? rule.cidr_blocks : []),
    ...(rule.cidr_ipv4 ? [rule.cidr_ipv4] : []),
  ];
  const cidrs6 = [
    ...(Array.isArray(rule.ipv6_cidr_blocks) ? rule.ipv6_cidr_blocks : []),
    ...(rule.cidr_ipv6 ? [rule.cidr_ipv6] : []),
  ];
  const groups = [
    ...(Array.isArray(rule.security_groups) ? rule.security_groups : []),
    ...(rule.source_security_group_id ? [rule.source_security_group_id] : []),
    ...(rule.referenced_security_group_id ? [rule.referenced_security_group_id] : []),
    ...(rule.self === true ? [groupId] : []),
  ];
  const prefixLists = [
    ...(Array.isArray(rule.prefix_list_ids) ? rule.prefix_list_ids : []),
    ...(rule.prefix_list_id ? [rule.prefix_list_id] : []),
  ];
  return [
    {
      ...base,
      ...(cidrs.length ? { IpRanges: cidrs.map((c) => ({ CidrIp: String(c) })) } : {}),
      ...(cidrs6.length ? { Ipv6Ranges: cidrs6.map((c) => ({ CidrIpv6: String(c) })) } : {}),
      ...(groups.length ? { UserIdGroupPairs: groups.map((g) => ({ GroupId: String(g) })) } : {}),
      ...(prefixLists.length ? { PrefixListIds: prefixLists.map((p) => ({ PrefixListId: String(p) })) } : {}),
    },
  ];
}

const vpc: Mapper = ({ inventory, id, read, values, location }) => {
  const cidr = read.string('cidr_block', { vpcId: id }, 'vpc');
  if (values.assign_generated_ipv6_cidr_block === true) inventory.ipv6Vpcs.add(id);
  const v6 =
    typeof values.ipv6_cidr_block === 'string' && values.ipv6_cidr_block ? [values.ipv6_cidr_block] : [];
  inventory.vpcs.set(id, {
    VpcId: id,
    ...(cidr ? { CidrBlock: cidr } : {}),
    CidrBlocks: cidr ? [cidr] : [],
    Ipv6CidrBlocks: v6,
    EnableDnsSupport: read.boolean('enable_dns_support', { vpcId: id }, 'vpc') ?? true,
    EnableDnsHostnames: read.boolean('enable_dns_hostnames', { vpcId: id }, 'vpc') ?? false,
  });
  inventory.locate(id, location);
};

const vpcCidr: Mapper = ({ inventory, read }) => {
  const vpcId = read.string('vpc_id', { anywhere: true }, 'vpc');
  const cidr = vpcId ? read.string('cidr_block', { vpcId }, 'vpc') : undefined;
  const target = vpcId ? inventory.vpcs.get(vpcId) : undefined;
  if (target && cidr) target.CidrBlocks.push(cidr);
};

const subnet: Mapper = ({ inventory, id, read, values, location }) => {
  const vpcId = values.vpc_id;
  if (isDeployTime(vpcId))
    inventory.subnetsOutsideFiles.set(id, `${location.address}.vpc_id is ${vpcId.description}`);
  const anchor = { subnetId: id };
  const cidr = read.string('cidr_block', anchor, 'subnets');
  // A block known only after apply leaves the subnets unknown: the IPv6 rules need its value.
  const v6 = read.string('ipv6_cidr_block', anchor, 'subnets');
  const free = usableIps(cidr);
  const az = read.string('availability_zone', anchor, 'subnets');
  inventory.subnets.push({
    SubnetId: id,
    VpcId: typeof vpcId === 'string' ? vpcId : '',
    ...(cidr ? { CidrBlock: cidr } : {}),
    ...(az ? { AvailabilityZone: az } : {}),
    ...(typeof values.availability_zone_id === 'string'
      ? { AvailabilityZoneId: values.availability_zone_id }
      : {}),
    ...(free !== undefined ? { AvailableIpAddressCount: free } : {}),
    MapPublicIpOnLaunch: read.boolean('map_public_ip_on_launch', anchor, 'subnets') ?? false,
    AssignIpv6AddressOnCreation: read.boolean('assign_ipv6_address_on_creation', anchor, 'subnets') ?? false,
    Ipv6CidrBlockAssociationSet: typeof v6 === 'string' && v6 !== '' ? [{ Ipv6CidrBlock: v6 }] : [],
    Tags: read.tags(anchor, 'subnets', 'tags'),
  });
  inventory.locate(id, location);
};

const ROUTE_TARGETS: Record<string, string> = {
  gateway_id: 'GatewayId',
  nat_gateway_id: 'NatGatewayId',
  transit_gateway_id: 'TransitGatewayId',
  vpc_peering_connection_id: 'VpcPeeringConnectionId',
  egress_only_gateway_id: 'EgressOnlyInternetGatewayId',
  network_interface_id: 'NetworkInterfaceId',
  local_gateway_id: 'LocalGatewayId',
  carrier_gateway_id: 'CarrierGatewayId',
  core_network_arn: 'CoreNetworkArn',
  vpc_endpoint_id: 'VpcEndpointId',
};

function addRoute(m: TfMapContext, routeTableId: string, route: Record<string, unknown>): void {
  const built: Record<string, string> = {};
  const destination = route.destination_cidr_block ?? route.cidr_block;
  const destination6 = route.destination_ipv6_cidr_block ?? route.ipv6_cidr_block;
  for (const [value, key] of [
    [destination, 'DestinationCidrBlock'],
    [destination6, 'DestinationIpv6CidrBlock'],
  ] as const) {
    if (isDeployTime(value))
      m.inventory.unknown(
        { routeTableId },
        'routeTables',
        `${m.location.address} route destination is ${value.description}`,
      );
    else if (typeof value === 'string' && value !== '') built[key] = value;
  }
  for (const [field, key] of Object.entries(ROUTE_TARGETS)) {
    const value = route[field];
    if (value === undefined || value === null || value === '') continue;
    if (isDeployTime(value)) {
      if (field === 'gateway_id')
        m.inventory.unknown(
          { routeTableId },
          'routeTables',
          `${m.location.address}.${field} is ${value.description}`,
        );
      else built[key] = `${key.replace(/Id$|Arn$/, '')}(deploy-time)`;
    } else built[key] = String(value);
  }
  if (built.DestinationCidrBlock || built.DestinationIpv6CidrBlock) m.inventory.addRoute(routeTableId, built);
}

const routeTable =
  (main: boolean): Mapper =>
  (m) => {
    const { inventory, id, read, values, location } = m;
    const vpcId = main
      ? m.vpcOfDefault(String(values.default_route_table_id ?? ''))
      : read.string('vpc_id', { anywhere: true }, 'routeTables');
    if (!vpcId) return;
    inventory.routeTables.set(id, {
      RouteTableId: id,
      VpcId: vpcId,
      Routes: [],
      Associations: main ? [{ Main: true }] : [],
    });
    if (main) inventory.replacedDefaults.add(vpcId);
    for (const route of list(values.route)) addRoute(m, id, route);
    inventory.locate(id, location);
  };

const route: Mapper = (m) => {
  const routeTableId = m.read.string('route_table_id', { anywhere: true }, 'routeTables');
  if (routeTableId) addRoute(m, routeTableId, m.values);
};

const routeAssociation: Mapper = ({ inventory, read }) => {
  const routeTableId = read.string('route_table_id', { anywhere: true }, 'routeTables');
  const subnetId = read.string(
    'subnet_id',
    routeTableId ? { routeTableId } : { anywhere: true },
    'routeTables',
  );
  if (routeTableId && subnetId) inventory.associate(subnetId, { routeTableId });
};

const internetGateway: Mapper = ({ inventory, id, read, values }) => {
  if (values.vpc_id === undefined || values.vpc_id === null) return;
  const vpcId = read.string('vpc_id', { anywhere: true }, 'routeTables');
  if (vpcId) inventory.attachGateway(vpcId, id);
};

const gatewayAttachment: Mapper = ({ inventory, read }) => {
  const vpcId = read.string('vpc_id', { anywhere: true }, 'routeTables');
  const gatewayId = read.string('internet_gateway_id', { anywhere: true }, 'routeTables');
  if (vpcId && gatewayId) inventory.attachGateway(vpcId, gatewayId);
};

const natGateway: Mapper = ({ inventory, id, read, values, location, eipAddress }) => {
  const subnetId = read.string('subnet_id', { anywhere: true }, 'natGateways');
  const vpcId = inventory.subnets.find((s) => s.SubnetId === subnetId)?.VpcId;
  if (!vpcId) return;
  const connectivity = String(values.connectivity_type ?? 'public');
  const allocation = read.string('allocation_id', { vpcId }, 'natGateways');
  const address = allocation ? eipAddress(allocation) : undefined;
  addNatGateway({ inventory, id, read, location }, { vpcId, subnetId, connectivity, address });
};

const securityGroup: Mapper = ({ inventory, id, read, values, location }) => {
  const vpcId = read.string('vpc_id', { anywhere: true }, 'securityGroups');
  if (!vpcId) return;
  inventory.securityGroups.set(id, {
    GroupId: id,
    GroupName: String(values.name ?? location.address),
    VpcId: vpcId,
    IpPermissions: [],
    IpPermissionsEgress: [],
    Tags: read.tags({ vpcId }, 'securityGroups', 'tags'),
  });
  inventory.locate(id, location);
  for (const rule of list(read.value('ingress', { groupId: id }, 'securityGroups')))
    for (const p of permissionsOf(rule, id)) inventory.addRule(id, false, p);
  for (const rule of list(read.value('egress', { groupId: id }, 'securityGroups')))
    for (const p of permissionsOf(rule, id)) inventory.addRule(id, true, p);
};

const securityGroupRule =
  (direction?: 'ingress' | 'egress'): Mapper =>
  ({ inventory, read, values }) => {
    const groupId = read.string('security_group_id', { anywhere: true }, 'securityGroups');
    if (!groupId) return;
    const unknown = Object.entries(values).find(([k, v]) => isDeployTime(v) && !IGNORED_UNKNOWN.has(k));
    if (unknown) {
      read.value(unknown[0], { groupId }, 'securityGroups');
      return;
    }
    const egress = (direction ?? String(values.type)) === 'egress';
    for (const p of permissionsOf(values, groupId)) inventory.addRule(groupId, egress, p);
  };

const vpcEndpoint: Mapper = (m) =>
  mapVpcEndpoint(m, {
    vpcId: 'vpc_id',
    serviceName: 'service_name',
    type: 'vpc_endpoint_type',
    privateDns: 'private_dns_enabled',
    routeTableIds: 'route_table_ids',
    subnetIds: 'subnet_ids',
  });

const endpointAssociation: Mapper = ({ inventory, read }) => {
  const endpointId = read.string('vpc_endpoint_id', { anywhere: true }, 'vpcEndpoints');
  const endpoint = inventory.endpoints.find((e) => e.VpcEndpointId === endpointId);
  if (!endpoint) return;
  const table = read.string('route_table_id', { vpcId: endpoint.VpcId }, 'vpcEndpoints');
  const subnetId = read.string('subnet_id', { vpcId: endpoint.VpcId }, 'vpcEndpoints');
  if (table) endpoint.RouteTableIds = [...(endpoint.RouteTableIds ?? []), table];
  if (subnetId) endpoint.SubnetIds = [...(endpoint.SubnetIds ?? []), subnetId];
};

function aclEntry(rule: Record<string, unknown>, egress: boolean) {
  const protocol = String(rule.protocol ?? '-1').toLowerCase();
  const numeric =
    protocol === 'tcp'
      ? '6'
      : protocol === 'udp'
        ? '17'
        : protocol === 'icmp'
          ? '1'
          : protocol === 'all'
            ? '-1'
            : protocol;
  return {
    RuleNumber: Number(rule.rule_no ?? rule.rule_number),
    Protocol: numeric,
    RuleAction:
      String(rule.action ?? rule.rule_action).toLowerCase() === 'allow'
        ? ('allow' as const)
        : ('deny' as const),
    Egress: egress,
    ...(rule.cidr_block ? { CidrBlock: String(rule.cidr_block) } : {}),
    ...(rule.ipv6_cidr_block ? { Ipv6CidrBlock: String(rule.ipv6_cidr_block) } : {}),
    ...(numeric !== '-1' && (rule.from_port !== undefined || rule.to_port !== undefined)
      ? { PortRange: { From: Number(rule.from_port), To: Number(rule.to_port) } }
      : {}),
  };
}

const networkAcl =
  (isDefault: boolean): Mapper =>
  ({ inventory, id, read, values, location, vpcOfDefault }) => {
    const vpcId = isDefault
      ? vpcOfDefault(String(values.default_network_acl_id ?? ''))
      : read.string('vpc_id', { anywhere: true }, 'networkAcls');
    if (!vpcId) return;
    inventory.networkAcls.set(id, {
      NetworkAclId: id,
      VpcId: vpcId,
      IsDefault: isDefault,
      Entries: [],
      Associations: [],
    });
    const anchor = { aclId: id };
    for (const rule of list(read.value('ingress', anchor, 'networkAcls')))
      inventory.addAclEntry(id, aclEntry(rule, false));
    for (const rule of list(read.value('egress', anchor, 'networkAcls')))
      inventory.addAclEntry(id, aclEntry(rule, true));
    // A default ACL's subnet_ids lists the subnets it governs implicitly, which it does anyway.
    if (!isDefault)
      for (const subnetId of read.strings('subnet_ids', anchor, 'networkAcls') ?? [])
        inventory.associate(subnetId, { aclId: id });
    inventory.locate(id, location);
  };

const networkAclRule: Mapper = ({ inventory, read, values }) => {
  const aclId = read.string('network_acl_id', { anywhere: true }, 'networkAcls');
  if (!aclId) return;
  const unknown = Object.entries(values).find(([k, v]) => isDeployTime(v) && !IGNORED_UNKNOWN.has(k));
  if (unknown) return void read.value(unknown[0], { aclId }, 'networkAcls');
  inventory.addAclEntry(aclId, aclEntry(values, values.egress === true));
};

const networkAclAssociation: Mapper = ({ inventory, read }) => {
  const aclId = read.string('network_acl_id', { anywhere: true }, 'networkAcls');
  const subnetId = read.string('subnet_id', aclId ? { aclId } : { anywhere: true }, 'networkAcls');
  if (aclId && subnetId) inventory.associate(subnetId, { aclId });
};

const flowLog: Mapper = ({ inventory, id, read, values }) => {
  if (values.vpc_id === undefined || values.vpc_id === null) return;
  const vpcId = read.string('vpc_id', { anywhere: true }, 'flowLogs');
  if (!vpcId) return;
  addVpcFlowLog(inventory, id, vpcId, read.string('traffic_type', { vpcId }, 'flowLogs'));
};

const nothing: Mapper = () => {};

export const TF_MAPPERS: Record<string, { phase: number; map: Mapper }> = {
  ...TF_EKS_MAPPERS,
  aws_vpc: { phase: 0, map: vpc },
  aws_eip: { phase: 0, map: nothing },
  aws_egress_only_internet_gateway: { phase: 0, map: nothing },
  aws_ec2_transit_gateway: { phase: 0, map: nothing },
  aws_ec2_transit_gateway_vpc_attachment: { phase: 0, map: nothing },
  aws_vpc_ipv4_cidr_block_association: { phase: 1, map: vpcCidr },
  aws_subnet: { phase: 1, map: subnet },
  aws_route_table: { phase: 1, map: routeTable(false) },
  aws_default_route_table: { phase: 1, map: routeTable(true) },
  aws_security_group: { phase: 1, map: securityGroup },
  aws_network_acl: { phase: 1, map: networkAcl(false) },
  aws_default_network_acl: { phase: 1, map: networkAcl(true) },
  aws_internet_gateway: { phase: 1, map: internetGateway },
  aws_internet_gateway_attachment: { phase: 1, map: gatewayAttachment },
  aws_route: { phase: 2, map: route },
  aws_route_table_association: { phase: 2, map: routeAssociation },
  aws_nat_gateway: { phase: 2, map: natGateway },
  aws_security_group_rule: { phase: 2, map: securityGroupRule() },
  aws_vpc_security_group_ingress_rule: { phase: 2, map: securityGroupRule('ingress') },
  aws_vpc_security_group_egress_rule: { phase: 2, map: securityGroupRule('egress') },
  aws_vpc_endpoint: { phase: 2, map: vpcEndpoint },
  aws_vpc_endpoint_route_table_association: { phase: 3, map: endpointAssociation },
  aws_vpc_endpoint_subnet_association: { phase: 3, map: endpointAssociation },
  aws_network_acl_rule: { phase: 2, map: networkAclRule },
  aws_network_acl_association: { phase: 2, map: networkAclAssociation },
  aws_flow_log: { phase: 2, map: flowLog },
};
