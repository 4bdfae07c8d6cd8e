/**
 * `on-change` Lambda (EventBridge, "AWS API Call via CloudTrail"): validates the event,
 * ignores failed calls and events it does not know, maps it to the affected VPCs and
 * their clusters and enqueues one scan per VPC. The FIFO queue's deduplication id turns
 * a burst of events into one scan per VPC and time window.
 *
 * A storm (a `terraform apply`) invokes it hundreds of times; what the container keeps
 * between invocations makes the storm cheap: resolved `id → VPC` (EC2 describe calls
 * only for what the event and that memory do not say) and the deduplication ids SQS
 * accepted (no `SendMessageBatch` for a message SQS would drop anyway).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { Context } from 'aws-lambda';
import { createEc2ResourceResolver } from '../adapters/ec2-resource-resolver.ts';
import { createFindingsStore, type FindingsStore } from '../adapters/findings-store.ts';
import { createLogger } from '../adapters/logger.ts';
import { createScanQueue } from '../adapters/scan-queue.ts';
import {
  affectedClusters,
  type ClusterIndexPort,
  type Ec2ResourceResolverPort,
  mapCloudTrailEvent,
  parseCloudTrailEvent,
} from '../core/cloudtrail-event.ts';
import { DEDUP_WINDOW_SECONDS, type ScanQueuePort, vpcScanRequests } from '../core/scan-request.ts';
import { envSchemas, readEnv } from './env.ts';

export interface OnChangeDeps {
  queue: ScanQueuePort;
  resolver: Ec2ResourceResolverPort;
  index: ClusterIndexPort;
  logger: Logger;
  now: () => Date;
}

export type OnChangeResult =
  | { status: 'ignored'; reason: string }
  | { status: 'enqueued'; clusterNames: string[]; vpcIds: string[]; sent: number };

/**
 * How long the queue remembers an accepted deduplication id: two windows cover every
 * moment its id can be computed again (ids embed the window), well within SQS's five
 * minutes of deduplication.
 */
export const ON_CHANGE_QUEUE_MEMORY_MS = 2 * DEDUP_WINDOW_SECONDS * 1000;

export class EnqueueFailedError extends Error {
  override readonly name = 'EnqueueFailedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Handles one EventBridge event with injected dependencies. */
export async function handleChange(deps: OnChangeDeps, input: unknown): Promise<OnChangeResult> {
  const parsed = parseCloudTrailEvent(input);
  if (!parsed.ok) {
    // Retrying a malformed event cannot help: log it and acknowledge.
    deps.logger.warn('event ignored', { reason: parsed.error });
    return { status: 'ignored', reason: parsed.error };
  }
  const targets = mapCloudTrailEvent(parsed.event);
  if (targets.kind === 'ignored') {
    deps.logger.info('event ignored', { eventName: targets.eventName, reason: targets.reason });
    return { status: 'ignored', reason: targets.reason };
  }
  const affected = await affectedClusters(targets, deps);
  if (affected.unresolved.length > 0) {
    deps.logger.info('ids not tied to a VPC; scanning every known cluster of the region', {
      unresolved: affected.unresolved,
    });
  }
  if (affected.clusterNames.length === 0) {
    const reason = `no known cluster is affected (VPCs: ${affected.vpcIds.join(', ') || 'none'})`;
    deps.logger.info('event ignored', { eventName: targets.eventName, reason });
    return { status: 'ignored', reason };
  }
  const now = deps.now();
  const requests = vpcScanRequests(
    {
      accountId: targets.accountId,
      region: targets.region,
      reason: 'event',
      eventName: targets.eventName,
      requestedAt: now.toISOString(),
    },
    affected.clusters,
  );
  const result = await deps.queue.enqueue(requests, now);
  if (result.failed.length > 0) {
    // Throwing makes EventBridge retry the invocation; duplicates are deduplicated by the queue.
    throw new EnqueueFailedError(
      `${result.failed.length} scan requests not enqueued: ${result.failed.map((f) => f.message).join('; ')}`,
    );
  }
  deps.logger.info('scans enqueued', {
    eventName: targets.eventName,
    clusterNames: affected.clusterNames,
    vpcIds: affected.vpcIds,
    sent: result.sent,
    merged: result.merged,
  });
  return {
    status: 'enqueued',
    clusterNames: affected.clusterNames,
    vpcIds: affected.vpcIds,
    sent: result.sent,
  };
}

const logger = createLogger();
let deps: OnChangeDeps | undefined;

/** The cluster ↔ VPC index backed by the findings table (deleted clusters left out). */
export function clusterIndexFromStore(
  store: Pick<FindingsStore, 'findClustersByVpc' | 'listClusters'>,
): ClusterIndexPort {
  return {
    async clusterNamesInVpc(accountId, region, vpcId) {
      const clusters = await store.findClustersByVpc(accountId, region, vpcId);
      return clusters.filter((c) => !c.deletedAt).map((c) => c.clusterName);
    },
    async clustersInRegion(accountId, region) {
      const clusters = await store.listClusters(accountId, region);
      return clusters
        .filter((c) => !c.deletedAt)
        .map((c) => ({ clusterName: c.clusterName, ...(c.vpcId ? { vpcId: c.vpcId } : {}) }));
    },
  };
}

function defaultDeps(): OnChangeDeps {
  const env = readEnv({ SCAN_QUEUE_URL: envSchemas.queueUrl, TABLE_NAME: envSchemas.tableName }, process.env);
  // One EC2 client per region (events come from every region to this one bus).
  const ec2 = new Map<string, EC2Client>();
  const ec2For = (region: string) => {
    let client = ec2.get(region);
    if (!client) {
      client = new EC2Client({ region, retryMode: 'adaptive', maxAttempts: 5 });
      ec2.set(region, client);
    }
    return client;
  };
  return {
    queue: createScanQueue({ queueUrl: env.SCAN_QUEUE_URL, rememberAcceptedMs: ON_CHANGE_QUEUE_MEMORY_MS }),
    resolver: createEc2ResourceResolver(ec2For),
    index: clusterIndexFromStore(createFindingsStore({ tableName: env.TABLE_NAME })),
    logger,
    now: () => new Date(),
  };
}

/** Replaces the dependencies (tests, local invoke). */
export function setOnChangeDeps(next: OnChangeDeps | undefined): void {
  deps = next;
}

export async function handler(event: unknown, context?: Context): Promise<OnChangeResult> {
  deps ??= defaultDeps();
  if (context) deps.logger.addContext(context);
  const id = (event as { id?: unknown } | null)?.id;
  deps.logger.appendKeys({ correlation_id: typeof id === 'string' ? id : undefined });
  try {
    return await handleChange(deps, event);
  } finally {
    deps.logger.resetKeys();
  }
}
