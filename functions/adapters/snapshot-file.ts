/**
 * Snapshot files: the collector's output saved as JSON so a scan can be replayed
 * offline (`scan --snapshot-in`) or shared. Reading validates the whole document with
 * zod, so a truncated or hand-edited file fails with the path of the bad field instead
 * of crashing a rule later.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import type { Snapshot } from '../core/snapshot.ts';
import { normalizeSnapshotDocument } from './snapshot-file-normalize.ts';
import { describeSnapshotIssue, snapshotSchema } from './snapshot-file-schema.ts';

export { snapshotSchema } from './snapshot-file-schema.ts';

/** Default upper bound for a snapshot file: far above any real account, low enough to fail fast. */
export const DEFAULT_MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

export class SnapshotFileError extends Error {
  override name = 'SnapshotFileError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * `aws ec2 describe-*` output pasted without a VPC filter lists other VPCs' items too: a
 * VPC entry keeps only what belongs to it (items naming another `VpcId`; flow logs of
 * another resource — a subnet's or a network interface's flow log is not the VPC's). Done
 * after validation, so an error path still points at the item as the file numbers it.
 */
function keepOwnVpcItems(snapshot: Snapshot): Snapshot {
  return {
    ...snapshot,
    vpcs: snapshot.vpcs.map((inventory) => {
      const own = <T extends { VpcId?: string }>(items: T[]): T[] =>
        items.filter((item) => item.VpcId === undefined || item.VpcId === inventory.vpcId);
      return {
        ...inventory,
        subnets: own(inventory.subnets),
        routeTables: own(inventory.routeTables),
        securityGroups: own(inventory.securityGroups),
        vpcEndpoints: own(inventory.vpcEndpoints),
        natGateways: own(inventory.natGateways),
        instances: own(inventory.instances),
        networkAcls: own(inventory.networkAcls),
        flowLogs: inventory.flowLogs.filter((log) => log.ResourceId === inventory.vpcId),
      };
    }),
  };
}

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
    throw new SnapshotFileError(`${source}: not a valid snapshot: ${describeSnapshotIssue(result.error)}`, {
      cause: result.error,
    });
  }
  return reportUndescribedVpcs(keepOwnVpcItems(result.data as Snapshot));
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
