/**
 * The deployed scan path, as AWS runs it: the real `sweep` (ListClusters, the store's
 * cluster ↔ VPC index) enqueues VPC scans onto an SQS FIFO fake; each message goes through
 * the real `scan-vpc` handler (collect through the fake EC2/EKS, evaluate, reconcile on
 * the findings store, alerts counted). Counts the EC2/EKS calls of a whole sweep against
 * the floor, per operation.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSRecord } from 'aws-lambda';
import type { AwsClients } from '../functions/adapters/aws-clients.ts';
import type { FindingsStore } from '../functions/adapters/findings-store.ts';
import { collectInventory } from '../functions/adapters/inventory-collector.ts';
import { createScanQueue } from '../functions/adapters/scan-queue.ts';
import { DEFAULT_RULE_CONFIG } from '../functions/core/config.ts';
import { RULES } from '../functions/core/rules/index.ts';
import { handleBatch, listClusterNames, type ScanVpcDeps } from '../functions/handlers/scan-vpc.ts';
import { runSweep } from '../functions/handlers/sweep.ts';
import { CountingNotifier, installFifoQueueFake, type WriteCounts } from './counting.ts';
import type { CallCounter } from './fake-aws.ts';

export interface DeployedSweepResult {
  /** EC2 + EKS calls of the sweep and every scan it enqueued. */
  total: number;
  ratio: number;
  byOperation: Record<string, number>;
  /** VPC scan messages (clusters of unknown VPCs go in messages of their own). */
  scanMessages: number;
  /** Of them, messages without a VPC (clusters no scan had stored). */
  newClusterMessages: number;
  batchItemFailures: number;
  findingWrites: number;
  publishes: number;
}

/** serverless.yml `scan-vpc` → `sqs.batchSize` (the SQS FIFO maximum). */
export const SCAN_BATCH_SIZE = 10;
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/eks-netguard-bench-scans.fifo';
const logger = new Logger({ serviceName: 'eks-netguard-bench', logLevel: 'SILENT' });

export interface DeployedSweepInput {
  clients: AwsClients;
  region: string;
  accountId: string;
  store: FindingsStore;
  writes: WriteCounts & { reset(): void };
  at: Date;
  floor: number;
  calls: CallCounter;
}

/** One scheduled sweep through the deployed functions; the store keeps what earlier sweeps stored. */
export async function deployedSweep(input: DeployedSweepInput): Promise<DeployedSweepResult> {
  const { clients, region, accountId, store, at } = input;
  const notifier = new CountingNotifier();
  const queue = installFifoQueueFake();
  queue.setNow(at);
  try {
    input.calls.reset();
    input.writes.reset();
    const sqs = createScanQueue({ queueUrl: QUEUE_URL, retryDelayMs: 0 });
    await runSweep(
      {
        queue: sqs,
        regions: [region],
        ec2: clients.ec2(region),
        eks: (r) => clients.eks(r),
        logger,
        now: () => at,
        scans: store,
        clusters: store,
      },
      accountId,
    );
    const deps: ScanVpcDeps = {
      service: { repository: store, suppressions: store, notifier, clock: { now: () => at } },
      queue: sqs,
      collect: (r, clusterNames, account) =>
        collectInventory(clients, { regions: [r], clusterNames, accountId: account, now: () => at }),
      listClusters: (r) => listClusterNames(clients.eks(r)),
      rules: RULES,
      ruleConfig: DEFAULT_RULE_CONFIG,
      notifyThreshold: 'MEDIUM',
      logger,
    };
    let failures = 0;
    const messages = [...queue.enqueued];
    const record = (message: (typeof messages)[number], n: number): SQSRecord => ({
      messageId: `bench-${at.getTime()}-${n}`,
      receiptHandle: `rh-${n}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(at.getTime()),
        SenderId: 'bench',
        ApproximateFirstReceiveTimestamp: String(at.getTime()),
        MessageGroupId: message.groupId,
        MessageDeduplicationId: message.dedupId,
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:eks-netguard-bench-scans.fifo',
      awsRegion: region,
    });
    for (let i = 0; i < messages.length; i += SCAN_BATCH_SIZE) {
      const records = messages.slice(i, i + SCAN_BATCH_SIZE).map((m, k) => record(m, i + k));
      const response = await handleBatch(deps, { Records: records }, {
        functionName: 'scan-vpc',
        awsRequestId: `bench-${i}`,
      } as Context);
      failures += response.batchItemFailures.length;
    }
    const scans = messages.map((m) => JSON.parse(m.body) as { kind: string; vpcId?: string });
    const total = input.calls.total();
    return {
      total,
      ratio: Math.round((total / input.floor) * 1000) / 1000,
      byOperation: { ...input.calls.byOperation },
      scanMessages: scans.filter((s) => s.kind === 'vpc').length,
      newClusterMessages: scans.filter((s) => s.kind === 'vpc' && !s.vpcId).length,
      batchItemFailures: failures,
      findingWrites: input.writes.findingWrites,
      publishes: notifier.publishes,
    };
  } finally {
    queue.restore();
  }
}
