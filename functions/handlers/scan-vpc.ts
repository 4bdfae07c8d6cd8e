/**
 * `scan-vpc` Lambda (SQS FIFO, group = account/region/VPC): for each message, collects
 * the VPC once — the named clusters with their node groups, Fargate profiles and add-on,
 * and the VPC's subnets, route tables, security groups, endpoints, NAT gateways, NACLs and
 * flow logs — then runs the scan-processing service (evaluate, reconcile, store, alert)
 * per cluster, exactly as for a cluster scanned alone: one alert per cluster with
 * transitions, one scan record per cluster. A cluster still CREATING/UPDATING is
 * re-enqueued alone instead of scanned mid-change; the rest of its VPC is scanned.
 * Region-sweep markers resolve stored clusters that EKS no longer lists.
 *
 * The VPCs of a whole SQS batch (up to ten messages, one per VPC) are collected in one
 * pass — each EC2 describe call covers up to 200 VPCs — and each message is evaluated
 * and stored on its own share of it, under its own scan id.
 *
 * Failures are reported per message (partial batch response); a message that fails
 * three times lands in the dead-letter queue. The scan id is the SQS message id (or the
 * id `POST /scans` chose), so a redelivered message is recognised by the store.
 *
 * This function was `scan-cluster` (one message per cluster) before; messages of that
 * shape still queued at an upgrade are scanned as a VPC scan of their one cluster.
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
import { lazySecurityHubExporter } from '../adapters/security-hub-lazy.ts';
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
  type VpcScanRequest,
} from '../core/scan-request.ts';
import type { Snapshot } from '../core/snapshot.ts';
import { type Suppression, SuppressionValidationError, suppressionsFromConfig } from '../core/suppression.ts';
import { snapshotOfClusters } from '../core/vpc-scope.ts';
import { envSchemas, HandlerConfigError, readEnv } from './env.ts';

/** Cluster states in which the configuration is still changing. */
const TRANSITIONAL = new Set(['CREATING', 'UPDATING']);
/** Re-enqueues (each ≥ the queue delay apart) before a changing cluster is scanned anyway. */
export const MAX_TRANSITIONAL_ATTEMPTS = 20;

export interface ScanVpcDeps {
  service: ScanServiceDeps;
  queue: ScanQueuePort;
  /**
   * Collects the named clusters of a region and the VPCs that hold them, each VPC once
   * (the inventory collector bound to its clients).
   */
  collect: (region: string, clusterNames: string[], accountId: string) => Promise<Snapshot>;
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

const TRIGGER: Record<VpcScanRequest['reason'], ScanTrigger> = {
  schedule: 'schedule',
  event: 'event',
  api: 'api',
  'cluster-updating': 'event',
};

export type MessageOutcome =
  | {
      kind: 'scanned';
      scanId: string;
      status: 'COMPLETED';
      /** Clusters stored by this scan. */
      clusterNames: string[];
      /** Clusters re-enqueued alone because they were still changing. */
      requeued: { clusterName: string; status: string; attempt: number }[];
    }
  | { kind: 'swept'; deleted: number };

/** A pre-VPC message (one cluster) as the VPC scan of that cluster, its VPC left to the collector. */
function fromClusterRequest(request: ClusterScanRequest): VpcScanRequest {
  const { kind: _kind, clusterName, ...rest } = request;
  return { kind: 'vpc', ...rest, clusterNames: [clusterName] };
}

/**
 * Named clusters neither EKS nor the store knows. When that is every named cluster the
 * message is poison (or EKS has not caught up yet): the caller fails it, so that
 * redelivery retries it and, after maxReceiveCount, the DLQ and its alarm get it.
 */
async function unknownClusters(deps: ScanVpcDeps, request: VpcScanRequest, snapshot: Snapshot) {
  const described = new Set(snapshot.clusters.map((c) => c.cluster.name));
  const unknown: string[] = [];
  for (const clusterName of request.clusterNames) {
    if (described.has(clusterName) || snapshot.errors.some((e) => e.clusterName === clusterName)) continue;
    const key = { accountId: request.accountId, region: request.region, clusterName };
    const known = await deps.service.repository.loadCluster(key);
    if (!known.cluster && known.findings.length === 0) unknown.push(clusterName);
  }
  return unknown;
}

/** Re-enqueues each changing cluster alone (its own attempt count); the rest is scanned now. */
async function requeueChanging(deps: ScanVpcDeps, request: VpcScanRequest, snapshot: Snapshot) {
  if (request.attempt >= MAX_TRANSITIONAL_ATTEMPTS) return [];
  const named = new Set(request.clusterNames);
  const changing = snapshot.clusters.filter(
    (c) => named.has(c.cluster.name) && c.cluster.status && TRANSITIONAL.has(c.cluster.status),
  );
  if (changing.length === 0) return [];
  const now = deps.service.clock.now();
  const attempt = request.attempt + 1;
  const retries: VpcScanRequest[] = changing.map((c) => ({
    ...request,
    ...(c.vpcId ? { vpcId: c.vpcId } : {}),
    clusterNames: [c.cluster.name],
    reason: 'cluster-updating',
    attempt,
    requestedAt: now.toISOString(),
  }));
  const result = await deps.queue.enqueue(retries, now);
  if (result.failed.length > 0) throw new ScanFailedError(`cannot re-enqueue: ${result.failed[0]?.message}`);
  const requeued = changing.map((c) => ({ clusterName: c.cluster.name, status: c.cluster.status!, attempt }));
  deps.logger.info('clusters are changing; scans re-enqueued', { requeued });
  return requeued;
}

async function scanVpc(deps: ScanVpcDeps, request: VpcScanRequest, messageId: string) {
  const scanId = request.scanId ?? messageId;
  const snapshot = await deps.collect(request.region, request.clusterNames, request.accountId);
  const unknown = await unknownClusters(deps, request, snapshot);
  if (unknown.length === request.clusterNames.length) {
    throw new ScanFailedError(
      `unknown cluster ${unknown.join(', ')} in ${request.accountId}/${request.region}: EKS does not describe it and no scan has stored it`,
    );
  }
  if (unknown.length > 0) {
    // Listed or named a moment ago and gone before any scan stored it: nothing to record.
    deps.logger.warn('named clusters unknown to EKS and the store; skipped', { unknown });
  }
  const requeued = await requeueChanging(deps, request, snapshot);
  const skipped = new Set(requeued.map((r) => r.clusterName));
  const targets = request.clusterNames.filter((name) => !skipped.has(name));
  if (targets.length === 0)
    return { kind: 'scanned' as const, scanId, status: 'COMPLETED' as const, clusterNames: [], requeued };
  const result = await processSnapshot(
    deps.service,
    {
      scanId,
      trigger: TRIGGER[request.reason],
      snapshot,
      rules: deps.rules,
      ruleConfig: deps.ruleConfig,
      targetClusterNames: targets,
    },
    { notifyThreshold: deps.notifyThreshold },
  );
  const failed = result.clusters.filter((c) => c.outcome === 'FAILED');
  deps.logger.info('VPC scanned', {
    scanId,
    vpcId: request.vpcId ?? snapshot.vpcs.map((v) => v.vpcId),
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
  return { kind: 'scanned' as const, scanId, status: 'COMPLETED' as const, clusterNames: targets, requeued };
}

async function sweepRegion(deps: ScanVpcDeps, request: RegionSweepRequest, messageId: string) {
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
export async function handleRecord(deps: ScanVpcDeps, record: SQSRecord): Promise<MessageOutcome> {
  const parsed = parseScanRequest(record.body);
  // A malformed message never succeeds: fail it so that it reaches the DLQ and its alarm.
  if (!parsed.ok) throw new ScanFailedError(parsed.error);
  deps.logger.appendKeys({ correlation_id: record.messageId });
  const request = parsed.request;
  if (request.kind === 'region-sweep') return sweepRegion(deps, request, record.messageId);
  return scanVpc(deps, request.kind === 'vpc' ? request : fromClusterRequest(request), record.messageId);
}

/** The clusters a scan message names (none for a region-sweep marker or a malformed body). */
function namedClusters(
  record: SQSRecord,
): { accountId: string; region: string; names: string[] } | undefined {
  const parsed = parseScanRequest(record.body);
  if (!parsed.ok || parsed.request.kind === 'region-sweep') return undefined;
  const { request } = parsed;
  const names = request.kind === 'vpc' ? request.clusterNames : [request.clusterName];
  return { accountId: request.accountId, region: request.region, names };
}

/**
 * `collect` for one batch: the first call collects every cluster the batch's messages name
 * in that account and region (and so each of their VPCs) at once; every call answers its
 * own clusters' share. A call the batch did not announce collects on its own.
 */
function batchCollector(deps: ScanVpcDeps, records: readonly SQSRecord[]): ScanVpcDeps['collect'] {
  const wanted = new Map<string, Set<string>>();
  for (const record of records) {
    const named = namedClusters(record);
    if (!named) continue;
    const key = `${named.accountId}/${named.region}`;
    wanted.set(key, new Set([...(wanted.get(key) ?? []), ...named.names]));
  }
  const collections = new Map<string, Promise<Snapshot>>();
  return async (region, clusterNames, accountId) => {
    const key = `${accountId}/${region}`;
    const all = wanted.get(key);
    if (!all || !clusterNames.every((name) => all.has(name)))
      return deps.collect(region, clusterNames, accountId);
    let shared = collections.get(key);
    if (!shared) {
      shared = deps.collect(region, [...all].sort(), accountId);
      collections.set(key, shared);
    }
    return snapshotOfClusters(await shared, clusterNames);
  };
}

/** Processes a batch with injected dependencies, answering the partial-failure response. */
export async function handleBatch(
  deps: ScanVpcDeps,
  event: SQSEvent,
  context: Context,
): Promise<SQSBatchResponse> {
  const batchDeps: ScanVpcDeps = { ...deps, collect: batchCollector(deps, event.Records) };
  // skipGroupOnError: once a VPC's message fails, later messages of that VPC wait for the
  // retry, keeping its scans in order; other VPCs go on.
  const processor = new SqsFifoPartialProcessorAsync();
  return processPartialResponse(event, (record: SQSRecord) => handleRecord(batchDeps, record), processor, {
    context,
    skipGroupOnError: true,
  });
}

const logger = createLogger();
let deps: ScanVpcDeps | undefined;

/** Replaces the dependencies (tests, local stack). */
export function setScanVpcDeps(next: ScanVpcDeps | undefined): void {
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

function defaultDeps(): ScanVpcDeps {
  const env = readEnv(
    {
      SCAN_QUEUE_URL: envSchemas.queueUrl,
      TABLE_NAME: envSchemas.tableName,
      TOPIC_ARN: envSchemas.topicArn,
      NOTIFY_THRESHOLD: z._default(envSchemas.severity, 'MEDIUM'),
      RETENTION_DAYS: z._default(envSchemas.retentionDays, 90),
      RULE_CONFIG: z.optional(z.string()),
      // The `securityHub` deploy parameter: export finding transitions to Security Hub.
      SECURITY_HUB: z._default(envSchemas.onOff, 'false'),
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
      ...(env.SECURITY_HUB === 'true' ? { securityHub: lazySecurityHubExporter({ logger }) } : {}),
    },
    queue: createScanQueue({ queueUrl: env.SCAN_QUEUE_URL }),
    collect: (region, clusterNames, accountId) =>
      collectInventory(clients, {
        regions: [region],
        clusterNames,
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
