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

/** Deeper than any real snapshot (about 10 levels); refused before validation walks it recursively. */
export const MAX_SNAPSHOT_DEPTH = 64;

/** Nesting depth of a parsed JSON value, measured without recursion (stops past `limit`). */
function nestingDepth(document: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[document, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (value === null || typeof value !== 'object') continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Object.values(value as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** JSON text → document, refusing garbage and absurd nesting with one line naming the source. */
function parseJsonDocument(text: string, source: string): unknown {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new SnapshotFileError(`${source}: not valid JSON (${systemMessage(error)})`, { cause: error });
  }
  if (nestingDepth(document, MAX_SNAPSHOT_DEPTH) > MAX_SNAPSHOT_DEPTH) {
    throw new SnapshotFileError(
      `${source}: not a valid snapshot: nested more than ${MAX_SNAPSHOT_DEPTH} levels deep`,
    );
  }
  return document;
}

/** Reads all of a stream (standard input), refusing more than `maxBytes` as soon as it is exceeded. */
async function readStream(stream: AsyncIterable<unknown>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > maxBytes) {
      throw new SnapshotFileError(
        `-: snapshot on standard input is above the ${formatBytes(maxBytes)} limit; scan fewer regions or clusters`,
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads and validates a snapshot file; `-` reads standard input (`options.stdin`).
 * @throws SnapshotFileError (one line: what is wrong and with which file)
 */
export async function readSnapshotFile(
  path: string,
  options: { maxBytes?: number; stdin?: AsyncIterable<unknown>; now?: () => Date } = {},
): Promise<Snapshot> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SNAPSHOT_BYTES;
  if (path === '-') {
    if (!options.stdin)
      throw new SnapshotFileError('-: standard input is not available to read a snapshot from');
    let text: string;
    try {
      text = await readStream(options.stdin, maxBytes);
    } catch (error) {
      if (error instanceof SnapshotFileError) throw error;
      throw new SnapshotFileError(`cannot read a snapshot from standard input: ${systemMessage(error)}`, {
        cause: error,
      });
    }
    // Piped output of a collection is as fresh as the moment it is read.
    const scannedAt = (options.now ?? (() => new Date()))().toISOString();
    return parseSnapshot(parseJsonDocument(text, 'standard input'), 'standard input', { scannedAt });
  }
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
  const document = parseJsonDocument(text, path);
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
