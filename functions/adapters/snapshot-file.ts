/**
 * Snapshot files: the collector's output saved as JSON so a scan can be replayed
 * offline (`scan --snapshot-in`) or shared. Reading validates the whole document with
 * zod, so a truncated or hand-edited file fails with the path of the bad field instead
 * of crashing a rule later.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import * as z from 'zod';
import { describeZodError } from '../core/config.ts';
import { INVENTORY_PARTS, SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '../core/snapshot.ts';
import { normalizeSnapshotDocument } from './snapshot-file-normalize.ts';

/** Default upper bound for a snapshot file: far above any real account, low enough to fail fast. */
export const DEFAULT_MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

export class SnapshotFileError extends Error {
  override name = 'SnapshotFileError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const tagMap = z.record(z.string(), z.string());
const strings = z.array(z.string());
const part = z.enum(INVENTORY_PARTS);

const collectionError = z.object({
  region: z.string(),
  operation: z.string(),
  message: z.string(),
  clusterName: z.string().optional(),
  vpcId: z.string().optional(),
  part: part.optional(),
});

const cluster = z.object({
  name: z.string().min(1),
  arn: z.string().min(1),
  status: z.string().optional(),
  version: z.string().optional(),
  tags: tagMap.optional(),
  resourcesVpcConfig: z.object({
    subnetIds: strings,
    securityGroupIds: strings.optional(),
    clusterSecurityGroupId: z.string().optional(),
    vpcId: z.string().optional(),
    endpointPublicAccess: z.boolean().optional(),
    endpointPrivateAccess: z.boolean().optional(),
    publicAccessCidrs: strings.optional(),
  }),
});

const clusterInventory = z.object({
  region: z.string().min(1),
  vpcId: z.string().optional(),
  cluster,
  nodegroups: z.array(
    z.object({
      nodegroupName: z.string().min(1),
      status: z.string().optional(),
      subnets: strings,
      instanceTypes: strings.optional(),
      remoteAccess: z
        .object({ ec2SshKey: z.string().optional(), sourceSecurityGroups: strings.optional() })
        .optional(),
      resources: z.object({ remoteAccessSecurityGroup: z.string().optional() }).optional(),
      tags: tagMap.optional(),
    }),
  ),
  fargateProfiles: z.array(
    z.object({ fargateProfileName: z.string().min(1), status: z.string().optional(), subnets: strings }),
  ),
  vpcCni: z.discriminatedUnion('state', [
    z.object({
      state: z.literal('installed'),
      addonVersion: z.string().optional(),
      configurationValues: z.string().optional(),
    }),
    z.object({ state: z.literal('absent') }),
    z.object({ state: z.literal('unknown'), error: z.string() }),
  ]),
  incomplete: z.array(part),
});

const optionalString = z.string().optional();
const route = z.object({
  DestinationCidrBlock: optionalString,
  DestinationIpv6CidrBlock: optionalString,
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

const ipPermission = z.object({
  IpProtocol: z.string(),
  FromPort: z.number().optional(),
  ToPort: z.number().optional(),
  IpRanges: z.array(z.object({ CidrIp: optionalString })).optional(),
  Ipv6Ranges: z.array(z.object({ CidrIpv6: optionalString })).optional(),
  UserIdGroupPairs: z.array(z.object({ GroupId: optionalString })).optional(),
  PrefixListIds: z.array(z.object({ PrefixListId: optionalString })).optional(),
});

const vpcInventory = z.object({
  region: z.string().min(1),
  vpcId: z.string().min(1),
  vpc: z
    .object({
      VpcId: z.string(),
      CidrBlock: optionalString,
      CidrBlocks: strings,
      Ipv6CidrBlocks: strings.optional(),
      EnableDnsSupport: z.boolean().optional(),
      EnableDnsHostnames: z.boolean().optional(),
    })
    .optional(),
  subnets: z.array(
    z.object({
      SubnetId: z.string(),
      VpcId: z.string(),
      CidrBlock: optionalString,
      AvailabilityZone: optionalString,
      AvailabilityZoneId: optionalString,
      AvailableIpAddressCount: z.number().int().min(0).optional(),
      MapPublicIpOnLaunch: z.boolean().optional(),
      Ipv6CidrBlockAssociationSet: z.array(z.object({ Ipv6CidrBlock: optionalString })).optional(),
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
      PublicIps: strings,
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
      Tags: tagMap,
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

/**
 * A cluster whose VPC the file does not describe cannot be judged on subnets, routes or
 * security groups. Unless the file already records why (a collection error naming the
 * cluster or the VPC), that gap is added as an error so the scan reports itself
 * incomplete instead of looking clean.
 */
function reportUndescribedVpcs(snapshot: Snapshot): Snapshot {
  const described = new Set(snapshot.vpcs.map((v) => `${v.region}/${v.vpcId}`));
  const added: Snapshot['errors'] = [];
  for (const inventory of snapshot.clusters) {
    const vpcId = inventory.vpcId ?? inventory.cluster.resourcesVpcConfig.vpcId;
    if (vpcId !== undefined && described.has(`${inventory.region}/${vpcId}`)) continue;
    const explained = snapshot.errors.some(
      (e) =>
        e.region === inventory.region &&
        (e.clusterName === inventory.cluster.name || (vpcId !== undefined && e.vpcId === vpcId)),
    );
    if (explained) continue;
    added.push({
      region: inventory.region,
      operation: 'DescribeVpcs',
      message:
        vpcId === undefined
          ? `cluster ${inventory.cluster.name} names no VPC (set vpcId); VPC-dependent rules were skipped`
          : `VPC ${vpcId} of cluster ${inventory.cluster.name} is not in the snapshot's vpcs; VPC-dependent rules were skipped`,
      clusterName: inventory.cluster.name,
      ...(vpcId !== undefined ? { vpcId } : {}),
      part: 'vpc',
    });
  }
  return added.length === 0 ? snapshot : { ...snapshot, errors: [...snapshot.errors, ...added] };
}

/**
 * Validates an already-parsed snapshot document. Hand-written documents in the AWS API
 * shapes are accepted (see `snapshot-file-normalize.ts`).
 * @param source name used in the error message (usually the file path)
 * @param options.scannedAt used when the document has no `scannedAt` (e.g. the file's mtime)
 * @throws SnapshotFileError naming the first bad field
 */
export function parseSnapshot(
  document: unknown,
  source: string,
  options: { scannedAt?: string } = {},
): Snapshot {
  const normalized = normalizeSnapshotDocument(document);
  if (
    options.scannedAt !== undefined &&
    normalized !== null &&
    typeof normalized === 'object' &&
    !Array.isArray(normalized) &&
    (normalized as Record<string, unknown>).scannedAt === undefined
  ) {
    (normalized as Record<string, unknown>).scannedAt = options.scannedAt;
  }
  const result = snapshotSchema.safeParse(normalized);
  if (!result.success) {
    // zod prefixes type errors with "Invalid input: "; the field path already says that.
    const detail = describeZodError(result.error).replace(': Invalid input: ', ': ');
    throw new SnapshotFileError(`${source}: not a valid snapshot: ${detail}`, {
      cause: result.error,
    });
  }
  return reportUndescribedVpcs(result.data as Snapshot);
}

/**
 * Reads and validates a snapshot file.
 * @throws SnapshotFileError (one line: what is wrong and with which file)
 */
export async function readSnapshotFile(path: string, options: { maxBytes?: number } = {}): Promise<Snapshot> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SNAPSHOT_BYTES;
  let size: number;
  let modifiedAt: string;
  try {
    const info = await stat(path);
    if (!info.isFile())
      throw new SnapshotFileError(`${path}: not a file; pass the path of a snapshot JSON file`);
    size = info.size;
    modifiedAt = info.mtime.toISOString();
  } catch (error) {
    if (error instanceof SnapshotFileError) throw error;
    throw new SnapshotFileError(`cannot read snapshot file ${path}: ${systemMessage(error)}`, {
      cause: error,
    });
  }
  // Checked before reading: a huge file is refused without loading it into memory.
  if (size > maxBytes) {
    throw new SnapshotFileError(
      `${path}: snapshot file is ${formatBytes(size)}, above the ${formatBytes(maxBytes)} limit; scan fewer regions or clusters`,
    );
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SnapshotFileError(`cannot read snapshot file ${path}: ${systemMessage(error)}`, {
      cause: error,
    });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new SnapshotFileError(`${path}: not valid JSON (${systemMessage(error)})`, { cause: error });
  }
  // A hand-written file without `scannedAt` was, at the latest, observed when it was saved.
  return parseSnapshot(document, path, { scannedAt: modifiedAt });
}

/** Writes a snapshot as pretty-printed JSON (the format {@link readSnapshotFile} reads). */
export async function writeSnapshotFile(path: string, snapshot: Snapshot): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(snapshot, null, 2)}\n`, 'utf8');
  } catch (error) {
    throw new SnapshotFileError(`cannot write snapshot file ${path}: ${systemMessage(error)}`, {
      cause: error,
    });
  }
}

function systemMessage(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    if (error.code === 'ENOENT') return 'no such file';
    if (error.code === 'EACCES') return 'permission denied';
    if (error.code === 'EISDIR') return 'is a directory';
  }
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
