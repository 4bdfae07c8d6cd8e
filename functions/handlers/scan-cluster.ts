/**
 * `scan-cluster` Lambda (SQS FIFO, group = cluster): for each message, collects only
 * that cluster, then runs the scan-processing service (evaluate, reconcile, store,
 * alert). A cluster still CREATING/UPDATING is re-enqueued instead of scanned mid-change.
 * Region-sweep markers resolve stored clusters that EKS no longer lists.
 *
 * Failures are reported per message (partial batch response); a message that fails
 * three times lands in the dead-letter queue. The scan id is the SQS message id (or the
 * id `POST /scans` chose), so a redelivered message is recognised by the store.
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type EKSClient, paginateListClusters } from '@aws-sdk/client-eks';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { createAwsClients } from '../adapters/aws-clients.ts';
import { createFindingsStore } from '../adapters/findings-store.ts';
import { collectInventory } from '../adapters/inventory-collector.ts';
import { createLogger } from '../adapters/logger.ts';
import { createScanQueue } from '../adapters/scan-queue.ts';
import { SnsNotifier } from '../adapters/sns-notifier.ts';
import { configFileSchema, describeZodError, mergeRuleConfig } from '../core/config.ts';
import { expiredSuppressionWarning, withConfigSuppressions } from '../core/config-suppressions.ts';
import type { RuleConfig, RuleDefinition, Severity } from '../core/model.ts';
import type { ScanTrigger, SuppressionSource } from '../core/ports.ts';
import { processSnapshot, resolveDeletedClusters, type ScanServiceDeps } from '../core/process-scan.ts';
import { RULES } from '../core/rules/index.ts';
import {
  type ClusterScanRequest,
  parseScanRequest,
  type RegionSweepRequest,
  type ScanQueuePort,
} from '../core/scan-request.ts';
import type { Snapshot } from '../core/snapshot.ts';
import { type Suppression, SuppressionValidationError, suppressionsFromConfig } from '../core/suppression.ts';
import { envSchemas, HandlerConfigError, readEnv } from './env.ts';

/** Cluster states in which the configuration is still changing. */
const TRANSITIONAL = new Set(['CREATING', 'UPDATING']);
/** Re-enqueues (each ≥ the queue delay apart) before a changing cluster is scanned anyway. */
export const MAX_TRANSITIONAL_ATTEMPTS = 20;

export interface ScanClusterDeps {
  service: ScanServiceDeps;
  queue: ScanQueuePort;
  /** Collects one cluster (the inventory collector bound to its clients). */
  collect: (region: string, clusterName: string, accountId: string) => Promise<Snapshot>;
  /** Lists cluster names in a region (EKS ListClusters, paginated). */
  listClusters: (region: string) => Promise<string[]>;
  rules: readonly RuleDefinition[];
  ruleConfig: RuleConfig;
  notifyThreshold: Severity;
  logger: Logger;
}

export class ScanFailedError extends Error {
  override readonly name = 'ScanFailedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const TRIGGER: Record<ClusterScanRequest['reason'], ScanTrigger> = {
  schedule: 'schedule',
  event: 'event',
  api: 'api',
  'cluster-updating': 'event',
};

export type MessageOutcome =
  | { kind: 'scanned'; scanId: string; status: 'COMPLETED' }
  | { kind: 'requeued'; status: string; attempt: number }
  | { kind: 'swept'; deleted: number };

async function scanCluster(deps: ScanClusterDeps, request: ClusterScanRequest, messageId: string) {
  const scanId = request.scanId ?? messageId;
  const snapshot = await deps.collect(request.region, request.clusterName, request.accountId);
  const found = snapshot.clusters.find((c) => c.cluster.name === request.clusterName);
  if (!found && !snapshot.errors.some((e) => e.clusterName === request.clusterName)) {
    // EKS does not know the cluster. If the store does, the scan resolves it as deleted;
    // if neither does, the message is poison (or EKS has not caught up yet): fail it so
    // that redelivery retries it and, after maxReceiveCount, the DLQ and its alarm get it.
    const key = { accountId: request.accountId, region: request.region, clusterName: request.clusterName };
    const known = await deps.service.repository.loadCluster(key);
    if (!known.cluster && known.findings.length === 0) {
      throw new ScanFailedError(
        `unknown cluster ${request.clusterName} in ${request.accountId}/${request.region}: EKS does not describe it and no scan has stored it`,
      );
    }
  }
  const status = found?.cluster.status;
  if (status && TRANSITIONAL.has(status) && request.attempt < MAX_TRANSITIONAL_ATTEMPTS) {
    const attempt = request.attempt + 1;
    const now = deps.service.clock.now();
    const retry = {
      ...request,
      reason: 'cluster-updating' as const,
      attempt,
      requestedAt: now.toISOString(),
    };
    const result = await deps.queue.enqueue([retry], now);
    if (result.failed.length > 0)
      throw new ScanFailedError(`cannot re-enqueue: ${result.failed[0]?.message}`);
    deps.logger.info('cluster is changing; scan re-enqueued', {
      clusterName: request.clusterName,
      status,
      attempt,
    });
    return { kind: 'requeued' as const, status, attempt };
  }
  const result = await processSnapshot(
    deps.service,
    {
      scanId,
      trigger: TRIGGER[request.reason],
      snapshot,
      rules: deps.rules,
      ruleConfig: deps.ruleConfig,
      targetClusterNames: [request.clusterName],
    },
    { notifyThreshold: deps.notifyThreshold },
  );
  const failed = result.clusters.filter((c) => c.outcome === 'FAILED');
  deps.logger.info('cluster scanned', {
    scanId,
    clusterName: request.clusterName,
    status: result.status,
    outcomes: result.clusters.map((c) => ({ cluster: c.key.clusterName, outcome: c.outcome })),
    deleted: result.deleted.length,
    errors: result.errors.length,
  });
  if (result.status === 'FAILED' || failed.length > 0) {
    // Redelivery retries it; the store recognises the scan id and never double-applies.
    throw new ScanFailedError(
      `scan ${scanId} failed: ${failed.flatMap((c) => c.errors.map((e) => e.message)).join('; ')}`,
    );
  }
  return { kind: 'scanned' as const, scanId, status: 'COMPLETED' as const };
}

async function sweepRegion(deps: ScanClusterDeps, request: RegionSweepRequest, messageId: string) {
  // List again now: a cluster created since the sweep listed the region must not be taken for deleted.
  const fresh = await deps.listClusters(request.region);
  const live = [...new Set([...request.liveClusterNames, ...fresh])];
  const now = deps.service.clock.now();
  const suppressions = await deps.service.suppressions.listSuppressions(now);
  const result = await resolveDeletedClusters(
    deps.service,
    {
      scanId: messageId,
      scannedAt: now.toISOString(),
      accountId: request.accountId,
      region: request.region,
      liveClusterNames: live,
      suppressions,
    },
    { notifyThreshold: deps.notifyThreshold },
  );
  deps.logger.info('region swept', {
    region: request.region,
    deleted: result.deleted,
    errors: result.errors,
  });
  const failed = result.clusters.filter((c) => c.outcome === 'FAILED');
  if (result.errors.length > 0 || failed.length > 0) {
    throw new ScanFailedError(`region sweep of ${request.region} failed for ${failed.length} clusters`);
  }
  return { kind: 'swept' as const, deleted: result.deleted.length };
}

/** Handles one queue record. @throws when the message must be retried (or dead-lettered). */
export async function handleRecord(deps: ScanClusterDeps, record: SQSRecord): Promise<MessageOutcome> {
  const parsed = parseScanRequest(record.body);
  // A malformed message never succeeds: fail it so that it reaches the DLQ and its alarm.
  if (!parsed.ok) throw new ScanFailedError(parsed.error);
  deps.logger.appendKeys({ correlation_id: record.messageId });
  const request = parsed.request;
  return request.kind === 'region-sweep'
    ? sweepRegion(deps, request, record.messageId)
    : scanCluster(deps, request, record.messageId);
}

/** Processes a batch with injected dependencies, answering the partial-failure response. */
export async function handleBatch(
  deps: ScanClusterDeps,
  event: SQSEvent,
  context: Context,
): Promise<SQSBatchResponse> {
  // skipGroupOnError: once a cluster's message fails, later messages of that cluster wait
  // for the retry, keeping its scans in order; other clusters go on.
  const processor = new SqsFifoPartialProcessorAsync();
  return processPartialResponse(event, (record: SQSRecord) => handleRecord(deps, record), processor, {
    context,
    skipGroupOnError: true,
  });
}

const logger = createLogger();
let deps: ScanClusterDeps | undefined;

/** Replaces the dependencies (tests, local stack). */
export function setScanClusterDeps(next: ScanClusterDeps | undefined): void {
  deps = next;
}

/** EKS ListClusters, every page. */
export async function listClusterNames(eks: EKSClient): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListClusters({ client: eks }, {})) names.push(...(page.clusters ?? []));
  return names;
}

/** `RULE_CONFIG` read: the rule settings, and the config file's suppressions (expired ones included). */
export interface LambdaConfig {
  ruleConfig: RuleConfig;
  suppressions: Suppression[];
}

/** The config file's schema minus `notifyThreshold`, which has its own parameter (NOTIFY_THRESHOLD). */
const lambdaConfigSchema = z.omit(configFileSchema, { notifyThreshold: true });

function configError(message: string, cause?: unknown): HandlerConfigError {
  return new HandlerConfigError(`environment variable RULE_CONFIG is invalid: ${message}`, { cause });
}

/**
 * `RULE_CONFIG`: the config file (rule keys, `suppressions`, `maxSuppressionDays`) as JSON;
 * empty → defaults. Suppressions are validated as the CLI validates them (an expiry more
 * than `maxSuppressionDays` after `now` is refused); expired ones are kept so that the
 * scan can report them as ignored.
 * @throws HandlerConfigError naming the bad key.
 */
export function parseConfigEnv(value: string | undefined, now: Date): LambdaConfig {
  if (!value || value.trim() === '' || value.trim() === '{}')
    return { ruleConfig: mergeRuleConfig(undefined), suppressions: [] };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    throw configError('not JSON', error);
  }
  const result = lambdaConfigSchema.safeParse(json);
  if (!result.success) throw configError(describeZodError(result.error), result.error);
  const { suppressions: entries, maxSuppressionDays, ...rules } = result.data;
  try {
    const suppressions = suppressionsFromConfig(entries ?? [], {
      now,
      ...(maxSuppressionDays ? { maxDays: maxSuppressionDays } : {}),
      knownRuleIds: RULES.map((r) => r.id),
    });
    return { ruleConfig: mergeRuleConfig(rules), suppressions };
  } catch (error) {
    if (error instanceof SuppressionValidationError) throw configError(error.message, error);
    throw error;
  }
}

/**
 * What scans match findings against: the table's suppressions plus the config file's,
 * an expired config entry logged (once) and never applied.
 */
export function scanSuppressions(
  stored: SuppressionSource,
  configSuppressions: readonly Suppression[],
  log: Pick<Logger, 'warn'>,
): SuppressionSource {
  return withConfigSuppressions(stored, configSuppressions, (suppression) =>
    log.warn(expiredSuppressionWarning(suppression), { suppressionId: suppression.id }),
  );
}

function defaultDeps(): ScanClusterDeps {
  const env = readEnv(
    {
      SCAN_QUEUE_URL: envSchemas.queueUrl,
      TABLE_NAME: envSchemas.tableName,
      TOPIC_ARN: envSchemas.topicArn,
      NOTIFY_THRESHOLD: z._default(envSchemas.severity, 'MEDIUM'),
      RETENTION_DAYS: z._default(envSchemas.retentionDays, 90),
      RULE_CONFIG: z.optional(z.string()),
    },
    process.env,
  );
  const clients = createAwsClients();
  const store = createFindingsStore({ tableName: env.TABLE_NAME, retentionDays: env.RETENTION_DAYS });
  const config = parseConfigEnv(env.RULE_CONFIG, new Date());
  return {
    service: {
      repository: store,
      suppressions: scanSuppressions(store, config.suppressions, logger),
      notifier: new SnsNotifier({ topicArn: env.TOPIC_ARN }),
      clock: { now: () => new Date() },
    },
    queue: createScanQueue({ queueUrl: env.SCAN_QUEUE_URL }),
    collect: (region, clusterName, accountId) =>
      collectInventory(clients, {
        regions: [region],
        clusterNames: [clusterName],
        accountId,
        now: () => new Date(),
      }),
    listClusters: (region) => listClusterNames(clients.eks(region)),
    rules: RULES,
    ruleConfig: config.ruleConfig,
    notifyThreshold: env.NOTIFY_THRESHOLD,
    logger,
  };
}

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  deps ??= defaultDeps();
  deps.logger.addContext(context);
  try {
    return await handleBatch(deps, event, context);
  } finally {
    deps.logger.resetKeys();
  }
}
