/**
 * `sweep` Lambda (EventBridge schedule): lists the EKS clusters of the configured
 * regions and enqueues one scan per VPC naming its clusters (the VPC of each cluster is
 * the one its last scan stored; clusters no scan has stored yet go in messages of their
 * own, whose scan finds their VPCs), plus one region-sweep marker per region whose
 * listing completed, so that clusters deleted while no event reached us get resolved.
 * A region that cannot be listed gets no marker: nothing is resolved on a listing we did
 * not see.
 *
 * It also runs `POST /scans` of a region or of everything, invoked asynchronously by the
 * API (which carries no EC2/EKS client): it enqueues the clusters under the API's scan id
 * and records their count on the scan record, or marks the scan FAILED when it cannot.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient, paginateListClusters } from '@aws-sdk/client-eks';
import type { Context, ScheduledEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import type { $ZodError } from 'zod/v4/core';
import { describeAwsError } from '../adapters/errors.ts';
import { createFindingsStore } from '../adapters/findings-store.ts';
import { createLogger } from '../adapters/logger.ts';
import { createScanQueue } from '../adapters/scan-queue.ts';
import { type ApiScanRequest, apiScanRequestSchema } from '../core/api-scan-request.ts';
import type { ClusterRecord, ScanError } from '../core/ports.ts';
import {
  type ClusterInVpc,
  type ScanQueuePort,
  type ScanRequest,
  type VpcScanRequest,
  vpcScanRequests,
} from '../core/scan-request.ts';
import { envSchemas, parseRegionList, readEnv } from './env.ts';

export interface SweepDeps {
  queue: ScanQueuePort;
  /** Regions from `SCAN_REGIONS`; undefined means every enabled region. */
  regions: string[] | undefined;
  ec2: EC2Client;
  eks: (region: string) => EKSClient;
  logger: Logger;
  now: () => Date;
  /** The scan records of API scans (the findings store). */
  scans: ApiScanStore;
  /** The clusters the scans stored, with their VPC (the findings store). */
  clusters: StoredClusterIndex;
}

/** The cluster ↔ VPC index the scans keep in the findings table. */
export interface StoredClusterIndex {
  listClusters(
    accountId: string,
    region: string,
  ): Promise<Pick<ClusterRecord, 'clusterName' | 'vpcId' | 'deletedAt'>[]>;
}

/** What an API scan writes on its scan record. */
export interface ApiScanStore {
  /** Sets the cluster count; idempotent, so Lambda's retries of one invocation count once. */
  expectClusters(scanId: string, count: number, at: string): Promise<void>;
  /** Ends the scan FAILED with these errors. */
  abortScan(scanId: string, finishedAt: string, errors: ScanError[]): Promise<void>;
}

/** The sweep's input is neither a schedule event nor a valid API scan request. */
export class SweepEventError extends Error {
  override readonly name = 'SweepEventError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** What the sweep reads of an EventBridge scheduled event. */
const scheduledEventSchema = z.looseObject({
  'detail-type': z.literal('Scheduled Event'),
  account: z.string().check(z.regex(/^\d{12}$/, 'a 12-digit AWS account id')),
  id: z.string().check(z.minLength(1)),
});

/** The sweep's validated input. */
export type SweepEvent =
  | { type: 'schedule'; account: string; eventId: string }
  | { type: 'api-scan'; request: ApiScanRequest };

/**
 * Validates the sweep's input: an API scan request (it has `kind: 'api-scan'`) or a
 * scheduled event (anything else).
 * @throws SweepEventError naming the bad field.
 */
export function parseSweepEvent(event: unknown): SweepEvent {
  const isApiScan = typeof event === 'object' && event !== null && 'kind' in event;
  if (isApiScan) {
    const parsed = apiScanRequestSchema.safeParse(event);
    if (parsed.success) return { type: 'api-scan', request: parsed.data };
    throw invalid('API scan request', parsed.error);
  }
  const parsed = scheduledEventSchema.safeParse(event);
  if (parsed.success) return { type: 'schedule', account: parsed.data.account, eventId: parsed.data.id };
  throw invalid('scheduled event', parsed.error);
}

function invalid(what: string, error: $ZodError): SweepEventError {
  const issue = error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
  return new SweepEventError(`invalid ${what}: ${path}: ${issue?.message ?? 'invalid'}`, { cause: error });
}

export interface ApiScanResult {
  scanId: string;
  status: 'QUEUED' | 'FAILED';
  regions: string[];
  clusters: number;
  error?: string;
}

export interface SweepResult {
  regions: string[];
  clusters: number;
  enqueued: number;
  failedRegions: { region: string; message: string }[];
}

/** Regions the account has enabled (opted-in ones included, disabled ones not). */
async function enabledRegions(ec2: EC2Client): Promise<string[]> {
  const response = await ec2.send(new DescribeRegionsCommand({ AllRegions: false }));
  return (response.Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : [])).sort();
}

async function listClusterNames(eks: EKSClient): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListClusters({ client: eks }, {})) names.push(...(page.clusters ?? []));
  return names;
}

/**
 * The listed clusters with the VPC their last scan stored. A store that cannot be read
 * leaves every VPC unknown: the scans then find them (costlier, never wrong).
 */
async function withStoredVpcs(
  deps: SweepDeps,
  accountId: string,
  region: string,
  names: readonly string[],
): Promise<ClusterInVpc[]> {
  let vpcOf = new Map<string, string>();
  try {
    const stored = await deps.clusters.listClusters(accountId, region);
    vpcOf = new Map(stored.flatMap((c) => (c.vpcId && !c.deletedAt ? [[c.clusterName, c.vpcId]] : [])));
  } catch (error) {
    deps.logger.warn('cannot read the stored clusters; their VPCs are left to the scans', {
      region,
      error: error instanceof Error ? error.message : String(error),
    });
  }
  return names.map((clusterName) => ({ clusterName, vpcId: vpcOf.get(clusterName) }));
}

/** The sweep itself, with every dependency injected. */
export async function runSweep(deps: SweepDeps, accountId: string): Promise<SweepResult> {
  const now = deps.now();
  const requestedAt = now.toISOString();
  const regions = deps.regions ?? (await enabledRegions(deps.ec2));
  const failedRegions: SweepResult['failedRegions'] = [];
  const requests: ScanRequest[] = [];
  const listings = await Promise.all(
    regions.map(async (region) => {
      try {
        return { region, names: await listClusterNames(deps.eks(region)) };
      } catch (error) {
        const message = describeAwsError(error);
        deps.logger.error('cannot list clusters; region skipped', { region, error: message });
        failedRegions.push({ region, message });
        return undefined;
      }
    }),
  );
  let clusters = 0;
  for (const listing of listings) {
    if (!listing) continue;
    clusters += listing.names.length;
    const located = await withStoredVpcs(deps, accountId, listing.region, listing.names);
    requests.push(
      ...vpcScanRequests({ accountId, region: listing.region, reason: 'schedule', requestedAt }, located),
    );
    requests.push({
      kind: 'region-sweep',
      accountId,
      region: listing.region,
      liveClusterNames: listing.names,
      reason: 'schedule',
      requestedAt,
    });
  }
  const result = await deps.queue.enqueue(requests, now);
  for (const failure of result.failed) {
    deps.logger.error('scan request not enqueued', { request: failure.request, error: failure.message });
  }
  deps.logger.info('sweep enqueued', { regions, clusters, sent: result.sent, failedRegions });
  if (result.failed.length > 0) {
    // Let the scheduler's retry run the sweep again: a duplicate within the window is deduplicated.
    throw new Error(
      `sweep: ${result.failed.length} of ${requests.length} scan requests could not be enqueued`,
    );
  }
  return { regions, clusters, enqueued: result.sent, failedRegions };
}

/**
 * `POST /scans` of a region or of everything: enqueues one scan per VPC of the listed
 * clusters under the API's scan id (no region-sweep markers: an API scan resolves nothing by absence) and
 * records the count, which completes the scan once that many clusters are done. Any failure
 * (a region that cannot be listed, messages not enqueued) marks the scan FAILED with the
 * reason, so no scan stays QUEUED forever; it is not rethrown, as Lambda's retry would meet
 * a FAILED record. A retry after a crash is harmless: the messages carry the scan id and
 * the request time (same deduplication ids) and the count is set, not added.
 */
export async function runApiScan(deps: SweepDeps, request: ApiScanRequest): Promise<ApiScanResult> {
  let regions: string[] = [];
  try {
    regions = request.region ? [request.region] : (deps.regions ?? (await enabledRegions(deps.ec2)));
    // A scan of "everything" that silently skipped a region would look complete: fail it instead.
    const listings = await Promise.all(
      regions.map(async (region) => {
        try {
          return { region, names: await listClusterNames(deps.eks(region)) };
        } catch (error) {
          throw new Error(`cannot list the clusters of ${region}: ${describeAwsError(error)}`, {
            cause: error,
          });
        }
      }),
    );
    const requests: VpcScanRequest[] = [];
    let clusters = 0;
    for (const { region, names } of listings) {
      clusters += names.length;
      const located = await withStoredVpcs(deps, request.accountId, region, names);
      const base = { accountId: request.accountId, region, reason: 'api' as const };
      requests.push(
        ...vpcScanRequests({ ...base, requestedAt: request.requestedAt, scanId: request.scanId }, located),
      );
    }
    if (requests.length > 0) {
      const result = await deps.queue.enqueue(requests, new Date(request.requestedAt));
      if (result.failed.length > 0) {
        throw new Error(
          `${result.failed.length} of ${requests.length} scan requests not enqueued: ${result.failed[0]?.message}`,
        );
      }
    }
    // Progress is counted in clusters: each VPC scan records each of its clusters done.
    await deps.scans.expectClusters(request.scanId, clusters, deps.now().toISOString());
    deps.logger.info('api scan enqueued', {
      scanId: request.scanId,
      regions,
      clusters,
      messages: requests.length,
    });
    return { scanId: request.scanId, status: 'QUEUED', regions, clusters };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.error('api scan failed', { scanId: request.scanId, error: message });
    await deps.scans.abortScan(request.scanId, deps.now().toISOString(), [
      { message, operation: 'SweepApiScan', ...(request.region ? { region: request.region } : {}) },
    ]);
    return { scanId: request.scanId, status: 'FAILED', regions, clusters: 0, error: message };
  }
}

const logger = createLogger();
let deps: SweepDeps | undefined;

function defaultDeps(): SweepDeps {
  const env = readEnv(
    {
      SCAN_QUEUE_URL: envSchemas.queueUrl,
      SCAN_REGIONS: envSchemas.regions,
      AWS_REGION: envSchemas.region,
      TABLE_NAME: envSchemas.tableName,
    },
    process.env,
  );
  const eksClients = new Map<string, EKSClient>();
  const store = createFindingsStore({ tableName: env.TABLE_NAME });
  return {
    queue: createScanQueue({ queueUrl: env.SCAN_QUEUE_URL }),
    regions: parseRegionList(env.SCAN_REGIONS),
    ec2: new EC2Client({ region: env.AWS_REGION, retryMode: 'adaptive' }),
    eks: (region) => {
      let client = eksClients.get(region);
      if (!client) {
        client = new EKSClient({ region, retryMode: 'adaptive', maxAttempts: 8 });
        eksClients.set(region, client);
      }
      return client;
    },
    logger,
    now: () => new Date(),
    // Only API scans write (UpdateItem on their scan record); the store is cheap to create.
    scans: store,
    clusters: store,
  };
}

/** Replaces the dependencies (tests). */
export function setSweepDeps(next: SweepDeps | undefined): void {
  deps = next;
}

export async function handler(
  event: ScheduledEvent | ApiScanRequest,
  context?: Context,
): Promise<SweepResult | ApiScanResult> {
  deps ??= defaultDeps();
  const input = parseSweepEvent(event);
  if (context) deps.logger.addContext(context);
  deps.logger.appendKeys({
    correlation_id: input.type === 'api-scan' ? input.request.scanId : input.eventId,
  });
  try {
    return input.type === 'api-scan'
      ? await runApiScan(deps, input.request)
      : await runSweep(deps, input.account);
  } finally {
    deps.logger.resetKeys();
  }
}
