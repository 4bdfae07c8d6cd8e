/**
 * The VPC as the scan unit, end to end on moto (EKS, EC2, SQS FIFO, SNS) and dynalite:
 * a sweep over 2 VPCs × 3 clusters makes one scan per VPC and describes each VPC once;
 * a CloudTrail event on one cluster's security group scans that VPC once and changes only
 * that cluster's findings and alerts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { AuthorizeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '../../functions/adapters/aws-clients.ts';
import { type DynaliteServer, startDynalite } from '../../functions/adapters/dynalite-server.ts';
import { createEc2ResourceResolver } from '../../functions/adapters/ec2-resource-resolver.ts';
import {
  createDocumentClient,
  createFindingsStore,
  type FindingsStore,
} from '../../functions/adapters/findings-store.ts';
import { collectInventory } from '../../functions/adapters/inventory-collector.ts';
import { createScanQueue } from '../../functions/adapters/scan-queue.ts';
import { SnsNotifier } from '../../functions/adapters/sns-notifier.ts';
import { DEFAULT_RULE_CONFIG } from '../../functions/core/config.ts';
import { RULES } from '../../functions/core/rules/index.ts';
import type { Snapshot } from '../../functions/core/snapshot.ts';
import {
  clusterIndexFromStore,
  handleChange,
  ON_CHANGE_QUEUE_MEMORY_MS,
} from '../../functions/handlers/on-change.ts';
import { handleBatch, listClusterNames } from '../../functions/handlers/scan-vpc.ts';
import { runSweep } from '../../functions/handlers/sweep.ts';
import {
  buildSampleAccount,
  createCluster,
  createSecurityGroup,
  describeWithMoto,
  MOTO_ACCOUNT_ID,
  motoClients,
  type SampleAccount,
  uniqueName,
} from './moto.ts';
import { asSqsEvent, receiveAll as receiveAllMessages } from './sqs-lambda.ts';

const REGION = 'ap-southeast-2';
const logger = new Logger({ logLevel: 'SILENT' });
const context = { functionName: 'scan-vpc', awsRequestId: 'it' } as Context;

interface Vpc {
  account: SampleAccount;
  /** The sample cluster first, then the two added beside it. */
  clusters: { name: string; securityGroupId: string }[];
}

describeWithMoto('VPC scan unit (moto EKS/EC2/SQS/SNS + dynalite)', (endpoint) => {
  const clients = motoClients(endpoint);
  const aws = { endpoint, region: REGION, credentials: EMULATOR_CREDENTIALS, maxAttempts: 2 };
  const sqs = new SQSClient(aws);
  const sns = new SNSClient(aws);
  let dynalite: DynaliteServer;
  let store: FindingsStore;
  let queueUrl: string;
  let alertQueueUrl: string;
  let topicArn: string;
  const vpcs: Vpc[] = [];
  /** What each scan collected: the clusters it named and the VPCs it described. */
  let collections: { clusterNames: string[]; vpcIds: string[] }[] = [];

  const receiveAll = (url: string) => receiveAllMessages(sqs, url);

  const queue = () => createScanQueue({ queueUrl, client: sqs, retryDelayMs: 0 });

  /** Receives the scan queue and runs scan-vpc on it; returns the message bodies it scanned. */
  async function drainScans(): Promise<{ bodies: Record<string, unknown>[]; failures: number }> {
    const messages = await receiveAll(queueUrl);
    const event = asSqsEvent(messages, `arn:aws:sqs:${REGION}:${MOTO_ACCOUNT_ID}:scans.fifo`, REGION);
    const bodies = messages.map((m) => JSON.parse(m.Body!) as Record<string, unknown>);
    if (event.Records.length === 0) return { bodies, failures: 0 };
    const response = await handleBatch(
      {
        service: {
          repository: store,
          suppressions: store,
          notifier: new SnsNotifier({ topicArn, client: sns }),
          clock: { now: () => new Date() },
        },
        queue: queue(),
        collect: async (region, clusterNames, accountId) => {
          const snapshot: Snapshot = await collectInventory(clients, {
            regions: [region],
            clusterNames,
            accountId,
            now: () => new Date(),
          });
          collections.push({ clusterNames, vpcIds: snapshot.vpcs.map((v) => v.vpcId) });
          return snapshot;
        },
        listClusters: (region) => listClusterNames(clients.eks(region)),
        rules: RULES,
        ruleConfig: DEFAULT_RULE_CONFIG,
        notifyThreshold: 'LOW',
        logger,
      },
      event,
      context,
    );
    return { bodies, failures: response.batchItemFailures.length };
  }

  const sweepDeps = () => ({
    queue: queue(),
    regions: [REGION],
    ec2: clients.ec2(REGION),
    eks: (r: string) => clients.eks(r),
    logger,
    now: () => new Date(),
    scans: store,
    clusters: store,
  });

  const stored = (clusterName: string) =>
    store.loadCluster({ accountId: MOTO_ACCOUNT_ID, region: REGION, clusterName });

  const alertedClusters = async () =>
    (await receiveAll(alertQueueUrl))
      .map((m) => JSON.parse(m.Body!) as { MessageAttributes: Record<string, { Value: string }> })
      .map((a) => a.MessageAttributes.clusterName?.Value)
      .sort();

  beforeAll(async () => {
    dynalite = await startDynalite();
    store = createFindingsStore({
      tableName: dynalite.tableName,
      client: createDocumentClient(dynalite.client),
    });
    for (let v = 0; v < 2; v++) {
      const account = await buildSampleAccount(clients, REGION, uniqueName(`vpc${v}-a`));
      const clusters = [{ name: account.clusterName, securityGroupId: account.clusterSecurityGroupId }];
      for (const suffix of ['b', 'c']) {
        const name = uniqueName(`vpc${v}-${suffix}`);
        const securityGroupId = await createSecurityGroup(clients.ec2(REGION), {
          vpcId: account.vpcId,
          name: `${name}-cluster`,
        });
        await createCluster(clients.eks(REGION), {
          name,
          subnetIds: account.privateSubnetIds,
          securityGroupIds: [securityGroupId],
          endpointPublicAccess: true,
          endpointPrivateAccess: true,
          publicAccessCidrs: ['203.0.113.0/24'],
        });
        clusters.push({ name, securityGroupId });
      }
      vpcs.push({ account, clusters });
    }
    const fifo = await sqs.send(
      new CreateQueueCommand({
        QueueName: `${uniqueName('vpc-scans')}.fifo`,
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false', VisibilityTimeout: '30' },
      }),
    );
    queueUrl = fifo.QueueUrl!;
    topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName('vpc-alerts') }))).TopicArn!;
    alertQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('vpc-alert-sub') })))
      .QueueUrl!;
    const arn = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: alertQueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: arn.Attributes!.QueueArn! }),
    );
  }, 300_000);

  afterAll(async () => {
    await dynalite?.close();
  });

  it('sweeps 2 VPCs × 3 clusters as one scan per VPC, describing each VPC once', async () => {
    // Arrange: a first sweep stores the clusters and their VPCs (found by one scan of the new clusters).
    await runSweep(sweepDeps(), MOTO_ACCOUNT_ID);
    const discovery = await drainScans();
    await receiveAll(alertQueueUrl);
    collections = [];
    // Act: the next scheduled sweep.
    const sweep = await runSweep(sweepDeps(), MOTO_ACCOUNT_ID);
    const drained = await drainScans();
    // Assert (the emulator may hold other runs' clusters in this region: only ours are checked)
    const ours = new Set(vpcs.map((v) => v.account.vpcId));
    expect(discovery.failures).toBe(0);
    expect(sweep.clusters).toBeGreaterThanOrEqual(6);
    expect(drained.failures).toBe(0);
    const scans = drained.bodies.filter((b) => b.kind === 'vpc' && ours.has(b.vpcId as string));
    expect(scans.map((b) => [b.vpcId, b.clusterNames]).sort()).toEqual(
      vpcs.map((v) => [v.account.vpcId, v.clusters.map((c) => c.name).sort()]).sort(),
    );
    // Each of our VPCs described once (a batch's VPCs are collected in one pass).
    const described = collections.flatMap((c) => c.vpcIds).filter((id) => ours.has(id));
    expect(described.sort()).toEqual([...ours].sort());
    for (const v of vpcs)
      for (const c of v.clusters) expect((await stored(c.name)).cluster?.vpcId).toBe(v.account.vpcId);
    expect(await alertedClusters()).toEqual([]); // nothing changed since the first sweep
  }, 300_000);

  it("scans a security group's VPC once on its event and changes only the findings of the group's cluster", async () => {
    // Arrange: cluster b of the first VPC gets its security group opened to the world.
    const [first, second] = vpcs as [Vpc, Vpc];
    const target = first.clusters[1]!;
    await clients.ec2(REGION).send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: target.securityGroupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      }),
    );
    const before = new Map<string, Awaited<ReturnType<typeof stored>>>();
    for (const v of vpcs) for (const c of v.clusters) before.set(c.name, await stored(c.name));
    const event = {
      version: '0',
      id: uniqueName('evt'),
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.ec2',
      account: MOTO_ACCOUNT_ID,
      region: REGION,
      detail: {
        eventSource: 'ec2.amazonaws.com',
        eventName: 'AuthorizeSecurityGroupIngress',
        awsRegion: REGION,
        recipientAccountId: MOTO_ACCOUNT_ID,
        requestParameters: { groupId: target.securityGroupId },
        responseElements: { _return: true },
      },
    };
    collections = [];
    // Act
    const result = await handleChange(
      {
        queue: createScanQueue({
          queueUrl,
          client: sqs,
          retryDelayMs: 0,
          rememberAcceptedMs: ON_CHANGE_QUEUE_MEMORY_MS,
        }),
        resolver: createEc2ResourceResolver((r) => clients.ec2(r)),
        index: clusterIndexFromStore(store),
        logger,
        now: () => new Date(Date.now() + 120_000), // a later window than the sweep's scans
      },
      event,
    );
    const drained = await drainScans();
    // Assert: one scan, of the first VPC, collecting it once.
    expect(result).toMatchObject({ status: 'enqueued', vpcIds: [first.account.vpcId], sent: 1 });
    expect(drained.failures).toBe(0);
    expect(drained.bodies).toHaveLength(1);
    expect(collections).toEqual([
      { clusterNames: first.clusters.map((c) => c.name).sort(), vpcIds: [first.account.vpcId] },
    ]);
    // The group's cluster has the new exposure, and the only alert.
    const after = await stored(target.name);
    expect(
      after.findings.some(
        (f) =>
          f.ruleId === 'sg-open-ingress' && f.resourceId === target.securityGroupId && f.status === 'OPEN',
      ),
    ).toBe(true);
    expect(await alertedClusters()).toEqual([target.name]);
    // Its VPC neighbours: the same findings, untouched; the other VPC: not even scanned.
    for (const c of first.clusters.filter((c) => c !== target))
      expect((await stored(c.name)).findings).toEqual(before.get(c.name)!.findings);
    for (const c of second.clusters)
      expect((await stored(c.name)).cluster?.lastScanId).toBe(before.get(c.name)!.cluster?.lastScanId);
  }, 300_000);
});
