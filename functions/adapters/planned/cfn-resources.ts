/**
 * CloudFormation resource types → planned inventory. Each mapper reads the resolved
 * properties of one resource (intrinsics already evaluated) with CloudFormation's
 * defaults where a property is absent, as the resource type reference documents them.
 */
import type { SourceLocation } from '../../core/snapshot.ts';
import { EKS_MAPPERS } from './cfn-eks-resources.ts';
import { type FieldReader, permissionOf, record } from './cfn-fields.ts';
import { isDeployTime } from './deploy-time.ts';
import type { PlannedInventory, PlannedLaunch } from './planned-inventory.ts';
import { addNatGateway, addVpcFlowLog, mapVpcEndpoint, usableIps } from './shared-mappers.ts';

export interface MapContext {
  inventory: PlannedInventory;
  logicalId: string;
  /** The planned id (or name) of this resource. */
  id: string;
  props: Record<string, unknown>;
  location: SourceLocation;
  read: FieldReader;
  /** Stand-in public address of an EIP, by allocation id. */
  eipAddress(allocationId: string): string | undefined;
  /** A launch template by id or name. */
  launchTemplate(idOrName: string): PlannedLaunch | undefined;
  rememberLaunchTemplate(id: string, name: string | undefined, launch: PlannedLaunch): void;
  partition: string;
}

export type Mapper = (m: MapContext) => void;

const vpc: Mapper = ({ inventory, id, read, location }) => {
  const cidr = read.string('CidrBlock', { vpcId: id }, 'vpc');
  inventory.vpcs.set(id, {
    VpcId: id,
    ...(cidr ? { CidrBlock: cidr } : {}),
    CidrBlocks: cidr ? [cidr] : [],
    Ipv6CidrBlocks: [],
    EnableDnsSupport: read.boolean('EnableDnsSupport', { vpcId: id }, 'vpc') ?? true,
    EnableDnsHostnames: read.boolean('EnableDnsHostnames', { vpcId: id }, 'vpc') ?? false,
  });
  inventory.locate(id, location);
};

const vpcCidrBlock: Mapper = ({ inventory, read, props }) => {
  const vpcId = read.string('VpcId', { anywhere: true }, 'vpc');
  const target = vpcId ? inventory.vpcs.get(vpcId) : undefined;
  if (!target || !vpcId) return;
  if (props.AmazonProvidedIpv6CidrBlock === true || props.AmazonProvidedIpv6CidrBlock === 'true')
    inventory.ipv6Vpcs.add(vpcId);
  const v4 = read.string('CidrBlock', { vpcId }, 'vpc');
  if (v4) target.CidrBlocks.push(v4);
  const v6 = read.string('Ipv6CidrBlock', { vpcId }, 'vpc');
  if (v6) target.Ipv6CidrBlocks = [...(target.Ipv6CidrBlocks ?? []), v6];
};

const subnet: Mapper = ({ inventory, id, read, props, location }) => {
  const vpcId = props.VpcId;
  if (isDeployTime(vpcId))
    inventory.subnetsOutsideFiles.set(id, `subnet ${id}'s VpcId is ${vpcId.description}`);
  const anchor = { subnetId: id };
  const cidr = read.string('CidrBlock', anchor, 'subnets');
  // A slice of an Amazon-provided block declared here resolves against its stand-in; any
  // other deploy-time block leaves the subnets unknown (the IPv6 rules need its value).
  const v6 = read.string('Ipv6CidrBlock', anchor, 'subnets');
  const ipv6 = v6 === undefined ? [] : [{ Ipv6CidrBlock: v6 }];
  const free = usableIps(cidr);
  inventory.subnets.push({
    SubnetId: id,
    VpcId: typeof vpcId === 'string' ? vpcId : '',
    ...(cidr ? { CidrBlock: cidr } : {}),
    ...(read.string('AvailabilityZone', anchor, 'subnets') !== undefined
      ? { AvailabilityZone: String(props.AvailabilityZone) }
      : {}),
    ...(typeof props.AvailabilityZoneId === 'string' ? { AvailabilityZoneId: props.AvailabilityZoneId } : {}),
    ...(free !== undefined ? { AvailableIpAddressCount: free } : {}),
    MapPublicIpOnLaunch: read.boolean('MapPublicIpOnLaunch', anchor, 'subnets') ?? false,
    AssignIpv6AddressOnCreation: read.boolean('AssignIpv6AddressOnCreation', anchor, 'subnets') ?? false,
    Ipv6CidrBlockAssociationSet: ipv6,
    Tags: read.tags(anchor, 'subnets'),
  });
  inventory.locate(id, location);
};

const subnetCidrBlock: Mapper = ({ inventory, read }) => {
  const subnetId = read.string('SubnetId', { anywhere: true }, 'subnets');
  const target = inventory.subnets.find((s) => s.SubnetId === subnetId);
  if (!target) return;
  const v6 = read.string('Ipv6CidrBlock', { subnetId: target.SubnetId }, 'subnets');
  if (v6)
    target.Ipv6CidrBlockAssociationSet = [
      ...(target.Ipv6CidrBlockAssociationSet ?? []),
      { Ipv6CidrBlock: v6 },
    ];
};

const routeTable: Mapper = ({ inventory, id, read, location }) => {
  const vpcId = read.string('VpcId', { anywhere: true }, 'routeTables');
  if (vpcId) inventory.routeTables.set(id, { RouteTableId: id, VpcId: vpcId, Routes: [], Associations: [] });
  inventory.locate(id, location);
};

const ROUTE_TARGETS = [
  'GatewayId',
  'NatGatewayId',
  'TransitGatewayId',
  'VpcPeeringConnectionId',
  'EgressOnlyInternetGatewayId',
  'InstanceId',
  'NetworkInterfaceId',
  'LocalGatewayId',
  'CarrierGatewayId',
  'CoreNetworkArn',
] as const;

const route: Mapper = ({ inventory, read, props }) => {
  const routeTableId = read.string('RouteTableId', { anywhere: true }, 'routeTables');
  if (!routeTableId) return;
  const anchor = { routeTableId };
  const built: Record<string, string> = {};
  for (const key of ['DestinationCidrBlock', 'DestinationIpv6CidrBlock', 'DestinationPrefixListId']) {
    const value = read.string(key, anchor, 'routeTables');
    if (value) built[key] = value;
  }
  for (const key of ROUTE_TARGETS) {
    const value = props[key];
    if (value === undefined) continue;
    // Only an internet gateway's id decides a class (igw- is public); any other target is
    // a default route to "something else" whatever its id will be.
    if (isDeployTime(value)) {
      if (key === 'GatewayId') read.string(key, anchor, 'routeTables');
      else built[key] = `${key.replace(/Id$|Arn$/, '')}(deploy-time)`;
    } else built[key] = String(value);
  }
  inventory.addRoute(routeTableId, built);
};

const routeTableAssociation: Mapper = ({ inventory, read }) => {
  const routeTableId = read.string('RouteTableId', { anywhere: true }, 'routeTables');
  const subnetId = read.string(
    'SubnetId',
    routeTableId ? { routeTableId } : { anywhere: true },
    'routeTables',
  );
  if (routeTableId && subnetId) inventory.associate(subnetId, { routeTableId });
};

const gatewayAttachment: Mapper = ({ inventory, read }) => {
  const vpcId = read.string('VpcId', { anywhere: true }, 'routeTables');
  const gatewayId = read.string('InternetGatewayId', vpcId ? { vpcId } : { anywhere: true }, 'routeTables');
  if (vpcId && gatewayId) inventory.attachGateway(vpcId, gatewayId);
};

const natGateway: Mapper = ({ inventory, id, read, props, location, eipAddress }) => {
  const subnetId = read.string('SubnetId', { anywhere: true }, 'natGateways');
  const vpcId = inventory.subnets.find((s) => s.SubnetId === subnetId)?.VpcId;
  if (!vpcId) return;
  const connectivity = String(props.ConnectivityType ?? 'public');
  const allocation = read.string('AllocationId', { vpcId }, 'natGateways');
  const address = allocation ? eipAddress(allocation) : undefined;
  if (connectivity === 'public' && allocation && !address)
    inventory.unknown(
      { vpcId },
      'natGateways',
      `NAT gateway ${id}'s AllocationId ${allocation} is an Elastic IP not declared in the given files`,
    );
  addNatGateway({ inventory, id, read, location }, { vpcId, subnetId, connectivity, address });
};

function permissions(m: MapContext, key: string, groupId: string, egress: boolean) {
  const rules = m.props[key];
  if (rules === undefined) return undefined;
  const list = m.read.value(key, { groupId }, 'securityGroups');
  return Array.isArray(list) ? list.map((rule) => permissionOf(record(rule), egress)) : [];
}

const securityGroup: Mapper = (m) => {
  const { inventory, id, read, location } = m;
  const vpcId = read.string('VpcId', { anywhere: true }, 'securityGroups');
  if (!vpcId) return;
  inventory.securityGroups.set(id, {
    GroupId: id,
    GroupName: String(m.props.GroupName ?? m.logicalId),
    VpcId: vpcId,
    IpPermissions: [],
    // Without SecurityGroupEgress, CloudFormation leaves EC2's default: all traffic out.
    IpPermissionsEgress: [],
    Tags: read.tags({ vpcId }, 'securityGroups'),
  });
  inventory.locate(id, location);
  for (const p of permissions(m, 'SecurityGroupIngress', id, false) ?? []) inventory.addRule(id, false, p);
  const egress = permissions(m, 'SecurityGroupEgress', id, true) ?? [
    { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
  ];
  for (const p of egress) inventory.addRule(id, true, p);
};

const securityGroupRule =
  (egress: boolean): Mapper =>
  ({ inventory, read, props }) => {
    const groupId = read.string('GroupId', { anywhere: true }, 'securityGroups');
    if (!groupId) return;
    const unknownField = Object.entries(props).find(([, v]) => isDeployTime(v));
    if (unknownField) {
      read.value(unknownField[0], { groupId }, 'securityGroups');
      return;
    }
    inventory.addRule(groupId, egress, permissionOf(props, egress));
  };

const vpcEndpoint: Mapper = (m) =>
  mapVpcEndpoint(m, {
    vpcId: 'VpcId',
    serviceName: 'ServiceName',
    type: 'VpcEndpointType',
    privateDns: 'PrivateDnsEnabled',
    routeTableIds: 'RouteTableIds',
    subnetIds: 'SubnetIds',
  });

const networkAcl: Mapper = ({ inventory, id, read, location }) => {
  const vpcId = read.string('VpcId', { anywhere: true }, 'networkAcls');
  if (vpcId)
    inventory.networkAcls.set(id, {
      NetworkAclId: id,
      VpcId: vpcId,
      IsDefault: false,
      Entries: [],
      Associations: [],
    });
  inventory.locate(id, location);
};

const networkAclEntry: Mapper = ({ inventory, read, props }) => {
  const aclId = read.string('NetworkAclId', { anywhere: true }, 'networkAcls');
  if (!aclId) return;
  const anchor = { aclId };
  const range = record(read.value('PortRange', anchor, 'networkAcls'));
  const cidr = read.string('CidrBlock', anchor, 'networkAcls');
  const cidr6 = read.string('Ipv6CidrBlock', anchor, 'networkAcls');
  const action = read.string('RuleAction', anchor, 'networkAcls');
  const ruleNumber = read.number('RuleNumber', anchor, 'networkAcls');
  if (ruleNumber === undefined || !action) return;
  inventory.addAclEntry(aclId, {
    RuleNumber: ruleNumber,
    Protocol: String(props.Protocol ?? '-1'),
    RuleAction: action.toLowerCase() === 'allow' ? 'allow' : 'deny',
    Egress: read.boolean('Egress', anchor, 'networkAcls') ?? false,
    ...(cidr ? { CidrBlock: cidr } : {}),
    ...(cidr6 ? { Ipv6CidrBlock: cidr6 } : {}),
    ...(range.From !== undefined || range.To !== undefined
      ? { PortRange: { From: Number(range.From), To: Number(range.To) } }
      : {}),
  });
};

const networkAclAssociation: Mapper = ({ inventory, read }) => {
  const aclId = read.string('NetworkAclId', { anywhere: true }, 'networkAcls');
  const subnetId = read.string('SubnetId', aclId ? { aclId } : { anywhere: true }, 'networkAcls');
  if (aclId && subnetId) inventory.associate(subnetId, { aclId });
};

const flowLog: Mapper = ({ inventory, id, read, props }) => {
  if (String(props.ResourceType ?? '') !== 'VPC') return;
  const resourceId = read.string('ResourceId', { anywhere: true }, 'flowLogs');
  if (!resourceId) return;
  addVpcFlowLog(inventory, id, resourceId, read.string('TrafficType', { vpcId: resourceId }, 'flowLogs'));
};

const nothing: Mapper = () => {};

/** Mappers by resource type, in the order they must run (containers before what goes in them). */
export const MAPPERS: Record<string, { phase: 0 | 1 | 2; map: Mapper }> = {
  ...EKS_MAPPERS,
  'AWS::EC2::VPC': { phase: 0, map: vpc },
  'AWS::EC2::InternetGateway': { phase: 0, map: nothing },
  'AWS::EC2::EgressOnlyInternetGateway': { phase: 0, map: nothing },
  'AWS::EC2::EIP': { phase: 0, map: nothing },
  'AWS::EC2::TransitGateway': { phase: 0, map: nothing },
  'AWS::EC2::TransitGatewayAttachment': { phase: 0, map: nothing },
  'AWS::EC2::TransitGatewayVpcAttachment': { phase: 0, map: nothing },
  'AWS::EC2::VPNGateway': { phase: 0, map: nothing },
  'AWS::EC2::VPCPeeringConnection': { phase: 0, map: nothing },
  'AWS::EC2::VPCCidrBlock': { phase: 1, map: vpcCidrBlock },
  'AWS::EC2::Subnet': { phase: 1, map: subnet },
  'AWS::EC2::SubnetCidrBlock': { phase: 2, map: subnetCidrBlock },
  'AWS::EC2::RouteTable': { phase: 1, map: routeTable },
  'AWS::EC2::SecurityGroup': { phase: 1, map: securityGroup },
  'AWS::EC2::NetworkAcl': { phase: 1, map: networkAcl },
  'AWS::EC2::Route': { phase: 2, map: route },
  'AWS::EC2::SubnetRouteTableAssociation': { phase: 2, map: routeTableAssociation },
  'AWS::EC2::VPCGatewayAttachment': { phase: 2, map: gatewayAttachment },
  'AWS::EC2::NatGateway': { phase: 2, map: natGateway },
  'AWS::EC2::SecurityGroupIngress': { phase: 2, map: securityGroupRule(false) },
  'AWS::EC2::SecurityGroupEgress': { phase: 2, map: securityGroupRule(true) },
  'AWS::EC2::VPCEndpoint': { phase: 2, map: vpcEndpoint },
  'AWS::EC2::NetworkAclEntry': { phase: 2, map: networkAclEntry },
  'AWS::EC2::SubnetNetworkAclAssociation': { phase: 2, map: networkAclAssociation },
  'AWS::EC2::FlowLog': { phase: 2, map: flowLog },
  'AWS::CloudFormation::Stack': { phase: 0, map: nothing },
};
