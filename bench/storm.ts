/**
 * The event storm: 1,000 CloudTrail events (a Terraform apply) touching resources of 3
 * VPCs within 60 s, driven through the real on-change handler (`handleChange`: event
 * parsing, mapping, the EC2 resource resolver on the fake EC2, the cluster ↔ VPC index in
 * the findings store) and the real SQS scan-queue adapter, onto a FIFO fake that applies
 * SQS's deduplication. One on-change container takes the whole storm (its resolver and
 * queue memory live across invocations, as in Lambda). Counts the scans that would
 * actually run, and the EC2 and SQS calls it took.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { createEc2ResourceResolver } from '../functions/adapters/ec2-resource-resolver.ts';
import type { FindingsStore } from '../functions/adapters/findings-store.ts';
import { createScanQueue } from '../functions/adapters/scan-queue.ts';
import { dedupWindow } from '../functions/core/scan-request.ts';
import {
  clusterIndexFromStore,
  handleChange,
  ON_CHANGE_QUEUE_MEMORY_MS,
} from '../functions/handlers/on-change.ts';
import { installFifoQueueFake } from './counting.ts';
import { createRandom, type SyntheticAccount } from './generator.ts';

export interface StormResult {
  events: number;
  vpcs: number;
  affectedClusters: number;
  /** Deduplication windows the events span (a 60 s burst usually straddles two). */
  windows: number;
  scansEnqueued: number;
  /** Largest number of scans of one VPC within one window (target: 1). */
  maxScansPerVpcWindow: number;
  /** Largest number of scans naming one cluster within one window. */
  maxScansPerClusterWindow: number;
  sqsSendCalls: number;
  handlerErrors: number;
  ec2Calls: number;
}

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/eks-netguard-bench-scans.fifo';

function envelope(account: SyntheticAccount, eventName: string, at: Date, request: object, n: number) {
  return {
    version: '0',
    id: `storm-${n}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: account.accountId,
    time: at.toISOString(),
    region: account.region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      eventTime: at.toISOString(),
      eventSource: 'ec2.amazonaws.com',
      eventName,
      awsRegion: account.region,
      recipientAccountId: account.accountId,
      eventID: `storm-${n}`,
      requestParameters: request,
      responseElements: { _return: true },
    },
  };
}

/**
 * Builds `count` events on security groups, subnets and route tables of `vpcIds`,
 * spread evenly over 60 s from `start`.
 */
export function stormEvents(
  account: SyntheticAccount,
  vpcIds: string[],
  start: Date,
  count = 1000,
  seed = 7,
) {
  const random = createRandom(seed);
  const inVpcs = new Set(vpcIds);
  const groups = account.securityGroups.filter((g) => inVpcs.has(g.VpcId!)).map((g) => g.GroupId!);
  const subnets = account.subnets.filter((s) => inVpcs.has(s.VpcId!)).map((s) => s.SubnetId!);
  const tables = account.routeTables.filter((t) => inVpcs.has(t.VpcId!)).map((t) => t.RouteTableId!);
  const pick = (ids: string[]) => ids[Math.floor(random() * ids.length)]!;
  return Array.from({ length: count }, (_, n) => {
    const at = new Date(start.getTime() + Math.floor((n * 60_000) / count));
    const kind = n % 4;
    if (kind === 0 || kind === 1)
      return envelope(account, 'AuthorizeSecurityGroupIngress', at, { groupId: pick(groups) }, n);
    if (kind === 2)
      return envelope(
        account,
        'CreateTags',
        at,
        { resourcesSet: { items: [{ resourceId: pick(subnets) }] } },
        n,
      );
    return envelope(
      account,
      'CreateRoute',
      at,
      { routeTableId: pick(tables), destinationCidrBlock: '0.0.0.0/0' },
      n,
    );
  });
}

/** Runs the storm against a store that already knows the clusters (after a first sweep). */
export async function runStorm(
  account: SyntheticAccount,
  store: FindingsStore,
  ec2For: (region: string) => EC2Client,
  ec2Calls: () => number,
): Promise<StormResult> {
  // Three VPCs that hold clusters: the first, middle and last.
  const clusterVpcs = [...new Set(account.clusters.map((c) => c.resourcesVpcConfig!.vpcId!))];
  const vpcIds = [
    ...new Set([clusterVpcs[0]!, clusterVpcs[Math.floor(clusterVpcs.length / 2)]!, clusterVpcs.at(-1)!]),
  ];
  const affected = account.clusters.filter((c) => vpcIds.includes(c.resourcesVpcConfig!.vpcId!)).length;
  // Not aligned to a window: a real burst starts whenever Terraform does.
  const start = new Date('2026-03-01T12:00:30.000Z');
  const events = stormEvents(account, vpcIds, start);
  const queue = installFifoQueueFake();
  let now = start;
  const deps = {
    queue: createScanQueue({
      queueUrl: QUEUE_URL,
      retryDelayMs: 0,
      rememberAcceptedMs: ON_CHANGE_QUEUE_MEMORY_MS,
      clock: () => now.getTime(),
    }),
    resolver: createEc2ResourceResolver(ec2For, { now: () => now.getTime() }),
    index: clusterIndexFromStore(store),
    logger: new Logger({ serviceName: 'eks-netguard-bench', logLevel: 'SILENT' }),
    now: () => now,
  };
  const callsBefore = ec2Calls();
  let handlerErrors = 0;
  const windows = new Set<number>();
  try {
    for (const event of events) {
      now = new Date(event.time);
      windows.add(dedupWindow(now));
      queue.setNow(now);
      try {
        await handleChange(deps, event);
      } catch {
        handlerErrors += 1;
      }
    }
  } finally {
    queue.restore();
  }
  const perClusterWindow = new Map<string, number>();
  const perVpcWindow = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const message of queue.enqueued) {
    const request = JSON.parse(message.body) as {
      vpcId?: string;
      clusterNames: string[];
      requestedAt: string;
    };
    const window = dedupWindow(new Date(request.requestedAt));
    bump(perVpcWindow, `${request.vpcId ?? '?'}@${window}`);
    for (const name of request.clusterNames) bump(perClusterWindow, `${name}@${window}`);
  }
  return {
    events: events.length,
    vpcs: vpcIds.length,
    affectedClusters: affected,
    windows: windows.size,
    scansEnqueued: queue.enqueued.length,
    maxScansPerVpcWindow: Math.max(0, ...perVpcWindow.values()),
    maxScansPerClusterWindow: Math.max(0, ...perClusterWindow.values()),
    sqsSendCalls: queue.sendCalls,
    handlerErrors,
    ec2Calls: ec2Calls() - callsBefore,
  };
}
