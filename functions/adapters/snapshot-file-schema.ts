/**
 * The zod schema of a snapshot document (after `snapshot-file-normalize.ts` brought a
 * hand-written file to the collector's shape). Classic zod is fine here: only the CLI
 * reads snapshot files, no Lambda bundle does.
 *
 * Beyond types, the values the rules compute with are checked, so a typo is refused
 * with the path of the bad field instead of quietly changing a verdict: every CIDR
 * block and address parses (IPv4 fields hold IPv4, IPv6 fields IPv6), network ACL
 * entries are well-formed (rule number 1–32768, allow/deny, a CIDR, ports 0–65535 with
 * From ≤ To), and enumerated AWS values are among the ones AWS prints.
 */
import * as z from 'zod';
import { parseCidr } from '../core/cidr.ts';
import { INVENTORY_PARTS, SNAPSHOT_SCHEMA_VERSION } from '../core/snapshot.ts';

type Family = 4 | 6 | undefined;

function quoted(text: string): string {
  const json = JSON.stringify(text);
  return json.length > 60 ? `${json.slice(0, 57)}…"` : json;
}

/** Why `text` is not a CIDR block of `family` (any family when undefined), or undefined when it is. */
function cidrProblem(text: string, family: Family): string | undefined {
  // A bare address is not a block: AWS always prints the prefix length.
  const cidr = text.includes('/') && text === text.trim() ? parseCidr(text) : undefined;
  if (cidr === undefined) return 'not a CIDR block';
  if (family !== undefined && cidr.version !== family) return `not an IPv${family} CIDR block`;
  return undefined;
}

/** A CIDR block (`10.0.0.0/16`, `2600:1f13::/56`) of the given family. */
function cidr(family?: Family) {
  return z.string().superRefine((text, ctx) => {
    const problem = cidrProblem(text, family);
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (${quoted(text)})` });
  });
}

/** An IPv4 address without prefix (NAT gateway and instance public IPs). */
const ipv4Address = z.string().superRefine((text, ctx) => {
  const parsed = text.includes('/') || text !== text.trim() ? undefined : parseCidr(text);
  if (parsed?.version !== 4)
    ctx.addIssue({ code: 'custom', message: `not an IPv4 address (${quoted(text)})` });
});

const tagMap = z.record(z.string(), z.string());
const strings = z.array(z.string());
const optionalString = z.string().optional();
const part = z.enum(INVENTORY_PARTS);

const collectionError = z.object({
  region: z.string(),
  operation: z.string(),
  message: z.string(),
  clusterName: optionalString,
  vpcId: optionalString,
  part: part.optional(),
});

const cidrList = (family?: Family) => z.array(cidr(family));

const cluster = z.object({
  name: z.string().min(1),
  arn: z.string().min(1),
  status: optionalString,
  version: optionalString,
  tags: tagMap.optional(),
  resourcesVpcConfig: z.object({
    subnetIds: strings,
    securityGroupIds: strings.optional(),
    clusterSecurityGroupId: optionalString,
    vpcId: optionalString,
    endpointPublicAccess: z.boolean().optional(),
    endpointPrivateAccess: z.boolean().optional(),
    publicAccessCidrs: cidrList().optional(),
  }),
  kubernetesNetworkConfig: z
    .object({
      // EKS prints lower case; any other value would silently read as an IPv4 cluster.
      ipFamily: z
        .string()
        .refine((family) => ['ipv4', 'ipv6'].includes(family.toLowerCase()), 'expected "ipv4" or "ipv6"')
        .optional(),
      serviceIpv4Cidr: cidr(4).optional(),
      serviceIpv6Cidr: cidr(6).optional(),
    })
    .optional(),
  computeConfig: z
    .object({ enabled: z.boolean().optional(), nodePools: strings.optional(), nodeRoleArn: optionalString })
    .optional(),
  remoteNetworkConfig: z
    .object({
      remoteNodeNetworks: z.array(z.object({ cidrs: cidrList().optional() })).optional(),
      remotePodNetworks: z.array(z.object({ cidrs: cidrList().optional() })).optional(),
    })
    .optional(),
});

const clusterInventory = z.object({
  region: z.string().min(1),
  vpcId: optionalString,
  cluster,
  nodegroups: z.array(
    z.object({
      nodegroupName: z.string().min(1),
      status: optionalString,
      subnets: strings,
      instanceTypes: strings.optional(),
      remoteAccess: z
        .object({ ec2SshKey: optionalString, sourceSecurityGroups: strings.optional() })
        .optional(),
      resources: z.object({ remoteAccessSecurityGroup: optionalString }).optional(),
      tags: tagMap.optional(),
    }),
  ),
  fargateProfiles: z.array(
    z.object({ fargateProfileName: z.string().min(1), status: optionalString, subnets: strings }),
  ),
  vpcCni: z.discriminatedUnion('state', [
    z.object({
      state: z.literal('installed'),
      addonVersion: optionalString,
      configurationValues: optionalString,
    }),
    z.object({ state: z.literal('absent') }),
    z.object({ state: z.literal('unknown'), error: z.string() }),
  ]),
  incomplete: z.array(part),
});

const route = z.object({
  DestinationCidrBlock: cidr(4).optional(),
  DestinationIpv6CidrBlock: cidr(6).optional(),
  DestinationPrefixListId: optionalString,
  GatewayId: optionalString,
  NatGatewayId: optionalString,
  TransitGatewayId: optionalString,
  VpcPeeringConnectionId: optionalString,
  EgressOnlyInternetGatewayId: optionalString,
  InstanceId: optionalString,
  NetworkInterfaceId: optionalString,
  LocalGatewayId: optionalString,
  CarrierGatewayId: optionalString,
  CoreNetworkArn: optionalString,
  State: optionalString,
});

/** Security-group ports: -1 stands for "all" (and ICMP type/code share the fields). */
const sgPort = z.number().int().min(-1).max(65535);

const ipPermission = z.object({
  IpProtocol: z.string(),
  FromPort: sgPort.optional(),
  ToPort: sgPort.optional(),
  IpRanges: z.array(z.object({ CidrIp: cidr(4).optional() })).optional(),
  Ipv6Ranges: z.array(z.object({ CidrIpv6: cidr(6).optional() })).optional(),
  UserIdGroupPairs: z.array(z.object({ GroupId: optionalString })).optional(),
  PrefixListIds: z.array(z.object({ PrefixListId: optionalString })).optional(),
});

const port = z
  .number()
  .int('a port is an integer')
  .min(0, 'a port is 0–65535')
  .max(65535, 'a port is 0–65535');

/** Protocols whose entries AWS requires a port range for (TCP, UDP). */
const PORTED_PROTOCOLS = new Set(['6', '17']);

/**
 * Entries people add are numbered 1–32766; AWS prints the default `*` deny entries as
 * 32767 (IPv4) and, in a VPC with IPv6, 32768 (`::/0`).
 */
const RULE_NUMBER = 'a rule number is an integer from 1 to 32766 (32767 and 32768: the default * entries)';

const networkAclEntry = z
  .object({
    RuleNumber: z.number().int(RULE_NUMBER).min(1, RULE_NUMBER).max(32768, RULE_NUMBER),
    Protocol: z
      .string()
      .refine(
        (protocol) => /^(-1|\d{1,3})$/.test(protocol) && Number(protocol) <= 255,
        'expected "-1" (all) or an IP protocol number 0–255 such as "6" (TCP)',
      ),
    RuleAction: z.enum(['allow', 'deny']),
    Egress: z.boolean(),
    CidrBlock: cidr(4).optional(),
    Ipv6CidrBlock: cidr(6).optional(),
    PortRange: z
      .object({ From: port, To: port })
      .refine((range) => range.From <= range.To, 'From is above To')
      .optional(),
  })
  .refine((entry) => entry.CidrBlock !== undefined || entry.Ipv6CidrBlock !== undefined, {
    message: 'an entry needs CidrBlock or Ipv6CidrBlock',
  })
  .refine((entry) => !PORTED_PROTOCOLS.has(entry.Protocol) || entry.PortRange !== undefined, {
    message: 'a TCP or UDP entry needs PortRange {From, To}',
  });

const vpcInventory = z.object({
  region: z.string().min(1),
  vpcId: z.string().min(1),
  vpc: z
    .object({
      VpcId: z.string(),
      CidrBlock: cidr(4).optional(),
      CidrBlocks: cidrList(4),
      Ipv6CidrBlocks: cidrList(6).optional(),
      EnableDnsSupport: z.boolean().optional(),
      EnableDnsHostnames: z.boolean().optional(),
    })
    .optional(),
  subnets: z.array(
    z.object({
      SubnetId: z.string(),
      VpcId: z.string(),
      CidrBlock: cidr(4).optional(),
      AvailabilityZone: optionalString,
      AvailabilityZoneId: optionalString,
      AvailableIpAddressCount: z.number().int().min(0).optional(),
      MapPublicIpOnLaunch: z.boolean().optional(),
      AssignIpv6AddressOnCreation: z.boolean().optional(),
      Ipv6CidrBlockAssociationSet: z.array(z.object({ Ipv6CidrBlock: cidr(6).optional() })).optional(),
      Tags: tagMap,
    }),
  ),
  routeTables: z.array(
    z.object({
      RouteTableId: z.string(),
      VpcId: z.string(),
      Routes: z.array(route),
      Associations: z.array(
        z.object({ Main: z.boolean().optional(), SubnetId: optionalString, GatewayId: optionalString }),
      ),
    }),
  ),
  securityGroups: z.array(
    z.object({
      GroupId: z.string(),
      GroupName: optionalString,
      VpcId: optionalString,
      IpPermissions: z.array(ipPermission),
      // Absent stays absent: egress unknown, not "no egress allowed".
      IpPermissionsEgress: z.array(ipPermission).optional(),
      Tags: tagMap,
    }),
  ),
  vpcEndpoints: z.array(
    z.object({
      VpcEndpointId: z.string(),
      VpcId: z.string(),
      ServiceName: z.string(),
      VpcEndpointType: optionalString,
      State: optionalString,
      PrivateDnsEnabled: z.boolean().optional(),
      RouteTableIds: strings.optional(),
      SubnetIds: strings.optional(),
    }),
  ),
  natGateways: z.array(
    z.object({
      NatGatewayId: z.string(),
      VpcId: z.string(),
      SubnetId: optionalString,
      State: optionalString,
      ConnectivityType: optionalString,
      PublicIps: z.array(ipv4Address),
    }),
  ),
  instances: z.array(
    z.object({
      InstanceId: z.string(),
      VpcId: optionalString,
      SubnetId: optionalString,
      InstanceType: optionalString,
      State: optionalString,
      SecurityGroupIds: strings,
      PublicIpAddress: ipv4Address.optional(),
      MetadataOptions: z
        .object({
          HttpEndpoint: z.enum(['enabled', 'disabled']).optional(),
          HttpTokens: z.enum(['optional', 'required']).optional(),
          HttpPutResponseHopLimit: z.number().int().min(1).max(64).optional(),
        })
        .optional(),
      Tags: tagMap,
    }),
  ),
  networkAcls: z.array(
    z.object({
      NetworkAclId: z.string().min(1),
      VpcId: z.string(),
      IsDefault: z.boolean().optional(),
      Entries: z.array(networkAclEntry),
      Associations: z.array(z.object({ SubnetId: optionalString })),
    }),
  ),
  flowLogs: z.array(
    z.object({
      FlowLogId: z.string().min(1),
      ResourceId: z.string().min(1),
      FlowLogStatus: optionalString,
      TrafficType: z.enum(['ACCEPT', 'REJECT', 'ALL']).optional(),
      DeliverLogsStatus: optionalString,
    }),
  ),
  incomplete: z.array(part),
});

/** Zod schema of a {@link Snapshot} document (version {@link SNAPSHOT_SCHEMA_VERSION}). */
export const snapshotSchema = z.object({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  scannedAt: z.iso.datetime({ offset: true }),
  accountId: z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
  regions: strings,
  clusters: z.array(clusterInventory),
  vpcs: z.array(vpcInventory),
  errors: z.array(collectionError),
});

/** `['vpcs', 0, 'networkAcls', 1, 'CidrBlock']` → `vpcs[0].networkAcls[1].CidrBlock`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((key, index) => {
      if (typeof key === 'number') return `[${key}]`;
      const name = String(key);
      if (/^[A-Za-z_$][\w$]*$/.test(name)) return index === 0 ? name : `.${name}`;
      return `[${JSON.stringify(name)}]`;
    })
    .join('');
}

/** One line for the first problem of a failed parse: `path: what is wrong`. */
export function describeSnapshotIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  // zod prefixes type errors with "Invalid input: "; the field path already says that.
  return `${formatIssuePath(issue.path)}: ${issue.message.replace(/^Invalid input: /, '')}`;
}
