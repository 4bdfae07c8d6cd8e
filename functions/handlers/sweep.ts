/**
 * `sweep` Lambda (EventBridge schedule): lists the EKS clusters of the configured
 * regions and enqueues one scan per cluster, plus one region-sweep marker per region
 * whose listing completed, so that clusters deleted while no event reached us get
 * resolved. A region that cannot be listed gets no marker: nothing is resolved on a
 * listing we did not see.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient, paginateListClusters } from '@aws-sdk/client-eks';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { describeAwsError } from '../adapters/errors.ts';
import { createLogger } from '../adapters/logger.ts';
import { createScanQueue } from '../adapters/scan-queue.ts';
import type { ScanQueuePort, ScanRequest } from '../core/scan-request.ts';
import { envSchemas, parseRegionList, readEnv } from './env.ts';

export interface SweepDeps {
  queue: ScanQueuePort;
  /** Regions from `SCAN_REGIONS`; undefined means every enabled region. */
  regions: string[] | undefined;
  ec2: EC2Client;
  eks: (region: string) => EKSClient;
  logger: Logger;
  now: () => Date;
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
    for (const clusterName of listing.names) {
      requests.push({
        kind: 'cluster',
        accountId,
        region: listing.region,
        clusterName,
        reason: 'schedule',
        requestedAt,
        attempt: 0,
      });
    }
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

const logger = createLogger();
let deps: SweepDeps | undefined;

function defaultDeps(): SweepDeps {
  const env = readEnv(
    { SCAN_QUEUE_URL: envSchemas.queueUrl, SCAN_REGIONS: envSchemas.regions, AWS_REGION: envSchemas.region },
    process.env,
  );
  const eksClients = new Map<string, EKSClient>();
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
  };
}

/** Replaces the dependencies (tests). */
export function setSweepDeps(next: SweepDeps | undefined): void {
  deps = next;
}

export async function handler(event: ScheduledEvent, context?: Context): Promise<SweepResult> {
  deps ??= defaultDeps();
  if (context) deps.logger.addContext(context);
  deps.logger.appendKeys({ correlation_id: event.id });
  try {
    return await runSweep(deps, event.account);
  } finally {
    deps.logger.resetKeys();
  }
}
