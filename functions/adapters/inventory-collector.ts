/**
 * The AWS inventory collector: EKS + EC2 describe calls → one {@link Snapshot}.
 *
 * Per region: clusters (with node groups, Fargate profiles, vpc-cni add-on), then the
 * VPCs that hold them, batched across clusters. Failures become `errors` entries and
 * `incomplete` parts (so the engine skips the rules that would read them); only
 * unusable credentials, bad options or an unreadable account id abort the collection.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import * as z from 'zod/mini';
// zod/mini (see core/zod-english.ts): this module is in the scan-cluster bundle.
import '../core/zod-english.ts';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '../core/snapshot.ts';
import type { AwsClients } from './aws-clients.ts';
import {
  AwsCredentialsError,
  CollectionFailedError,
  CollectOptionsError,
  describeAwsError,
  isGlobalCredentialsError,
  isStsCredentialsError,
} from './errors.ts';
import { createLimiter } from './inventory/concurrency.ts';
import { type CollectContext, recordError } from './inventory/context.ts';
import { collectEksClusters } from './inventory/eks-collector.ts';
import { collectVpcs, resolveClusterVpcIds } from './inventory/vpc-collector.ts';

/** Concurrent AWS calls (or paginated sequences) across the whole collection. */
export const DEFAULT_CONCURRENCY = 8;

export interface CollectOptions {
  regions: string[];
  /**
   * Only these clusters (the scan-cluster Lambda); a name that does not exist is
   * skipped. Absent or empty: every cluster of each region (ListClusters).
   */
  clusterNames?: string[];
  /** Concurrent AWS calls; default 8. */
  concurrency?: number;
  /** The clock; `scannedAt` is read from it once, when the collection starts. */
  now: () => Date;
  /** Skips STS `GetCallerIdentity` when known. */
  accountId?: string;
  /** Told how far each region got (the CLI's progress display); must not throw. */
  onProgress?: (event: CollectProgress) => void;
}

/**
 * Progress of one region: its clusters are described (`clusters`), the VPCs holding
 * them are being collected (`vpcs`), the region is finished (`done`, with its counts).
 */
export type CollectProgress =
  | { region: string; stage: 'clusters'; clusters: number }
  | { region: string; stage: 'vpcs'; vpcs: number }
  | { region: string; stage: 'done'; clusters: number; vpcs: number };

const optionsSchema = z.object({
  regions: z
    .array(
      z.string().check(z.regex(/^[a-z]{2,4}(-[a-z]+)+-\d+$/, 'must be an AWS region name such as eu-west-1')),
    )
    .check(z.minLength(1, 'at least one region is required')),
  clusterNames: z.optional(z.array(z.string().check(z.minLength(1, 'cluster names must not be empty')))),
  concurrency: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(64))),
  accountId: z.optional(z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id'))),
});

function validate(options: CollectOptions): void {
  const result = optionsSchema.safeParse(options);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue?.path.join('.') || 'options';
    throw new CollectOptionsError(`invalid collect option ${key}: ${issue?.message ?? 'invalid value'}`, {
      cause: result.error,
    });
  }
  if (typeof options.now !== 'function')
    throw new CollectOptionsError('invalid collect option now: must be a function');
}

function credentialsError(error: unknown): AwsCredentialsError {
  return new AwsCredentialsError(`no AWS credentials: ${describeAwsError(error)}`, { cause: error });
}

async function readAccountId(clients: AwsClients, region: string): Promise<string> {
  try {
    const identity = await clients.sts(region).send(new GetCallerIdentityCommand({}));
    if (identity.Account) return identity.Account;
    throw new CollectionFailedError(
      'cannot determine the AWS account id: GetCallerIdentity returned no account',
    );
  } catch (error) {
    if (error instanceof CollectionFailedError) throw error;
    if (isStsCredentialsError(error)) throw credentialsError(error);
    throw new CollectionFailedError(`cannot determine the AWS account id: ${describeAwsError(error)}`, {
      cause: error,
    });
  }
}

type RegionInventory = Pick<Snapshot, 'clusters' | 'vpcs'>;

async function collectRegion(
  clients: AwsClients,
  ctx: CollectContext,
  region: string,
  clusterNames?: string[],
  onProgress?: CollectOptions['onProgress'],
): Promise<RegionInventory> {
  let inventory: RegionInventory;
  try {
    inventory = await collectRegionParts(clients, ctx, region, clusterNames, onProgress);
  } catch (error) {
    // Every AWS call is already guarded; this catches a defect (e.g. an unexpected
    // response shape) so that it costs one region, reported, instead of the scan.
    recordError(ctx, { region }, 'CollectRegion', error instanceof Error ? error.message : String(error));
    inventory = { clusters: [], vpcs: [] };
  }
  onProgress?.({ region, stage: 'done', clusters: inventory.clusters.length, vpcs: inventory.vpcs.length });
  return inventory;
}

async function collectRegionParts(
  clients: AwsClients,
  ctx: CollectContext,
  region: string,
  clusterNames?: string[],
  onProgress?: CollectOptions['onProgress'],
): Promise<RegionInventory> {
  const clusters = await collectEksClusters(ctx, clients.eks(region), region, clusterNames);
  if (!clusters || clusters.length === 0) return { clusters: [], vpcs: [] };
  onProgress?.({ region, stage: 'clusters', clusters: clusters.length });
  const ec2 = clients.ec2(region);
  await resolveClusterVpcIds(ctx, ec2, region, clusters);
  const vpcIds = clusters.flatMap((c) => (c.vpcId ? [c.vpcId] : []));
  onProgress?.({ region, stage: 'vpcs', vpcs: new Set(vpcIds).size });
  const vpcs = await collectVpcs(ctx, ec2, region, vpcIds);
  return { clusters, vpcs };
}

/**
 * Collects the inventory of every EKS cluster in the given regions.
 *
 * @throws CollectOptionsError when the options are invalid (one line naming the option)
 * @throws AwsCredentialsError when no usable credentials exist (message starts "no AWS credentials:")
 * @throws CollectionFailedError when the account id cannot be read
 * @returns the snapshot; failed calls are listed in `errors`, never thrown
 */
export async function collectInventory(clients: AwsClients, options: CollectOptions): Promise<Snapshot> {
  validate(options);
  const scannedAt = options.now().toISOString();
  const regions = [...new Set(options.regions)];
  const clusterNames = options.clusterNames?.length ? [...new Set(options.clusterNames)] : undefined;
  const accountId = options.accountId ?? (await readAccountId(clients, regions[0]!));
  const ctx: CollectContext = {
    limit: createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY),
    errors: [],
  };
  // Regions run side by side; one region's failures stay in its error entries.
  const perRegion = await Promise.all(
    regions.map((region) => collectRegion(clients, ctx, region, clusterNames, options.onProgress)),
  );
  if (ctx.credentialsFailure !== undefined && isGlobalCredentialsError(ctx.credentialsFailure)) {
    throw credentialsError(ctx.credentialsFailure);
  }
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    scannedAt,
    accountId,
    regions,
    clusters: perRegion.flatMap((r) => r.clusters),
    vpcs: perRegion.flatMap((r) => r.vpcs),
    // Calls finish in any order; sorted errors keep snapshots of the same account comparable.
    errors: ctx.errors.sort((a, b) =>
      [a.region, a.clusterName ?? '', a.vpcId ?? '', a.operation]
        .join('\0')
        .localeCompare([b.region, b.clusterName ?? '', b.vpcId ?? '', b.operation].join('\0')),
    ),
  };
}
