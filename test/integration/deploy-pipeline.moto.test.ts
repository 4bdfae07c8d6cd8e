/**
 * The deployed pipeline end to end on real wire protocols: events/ samples → on-change /
 * sweep → a real SQS FIFO queue (moto) → scan-vpc (collector against moto EKS/EC2,
 * store on dynalite) → alerts on a moto SNS topic (read through an SQS subscriber); and
 * `POST /scans` of a region → API → sweep (the asynchronous invoke's payload) → queue →
 * scan-vpc → a scan record complete with progress n/n.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { AuthorizeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '../../functions/adapters/aws-clients.ts';
import { withClusterCount } from '../../functions/adapters/cluster-count-submitter.ts';
import { type DynaliteServer, startDynalite } from '../../functions/adapters/dynalite-server.ts';
import { createEc2ResourceResolver } from '../../functions/adapters/ec2-resource-resolver.ts';
import {
  createDocumentClient,
  createFindingsStore,
  type FindingsStore,
} from '../../functions/adapters/findings-store.ts';
import { collectInventory } from '../../functions/adapters/inventory-collector.ts';
import { createQueueScanSubmitter } from '../../functions/adapters/queue-scan-submitter.ts';
import { createScanQueue } from '../../functions/adapters/scan-queue.ts';
import { SnsNotifier } from '../../functions/adapters/sns-notifier.ts';
import { FindingsQueries } from '../../functions/adapters/store/findings-queries.ts';
import { DEFAULT_RULE_CONFIG } from '../../functions/core/config.ts';
import { RULES } from '../../functions/core/rules/index.ts';
import type { ScanQueuePort } from '../../functions/core/scan-request.ts';
import { clusterIndexFromStore, handleChange } from '../../functions/handlers/on-change.ts';
import { handleBatch, listClusterNames, type ScanVpcDeps } from '../../functions/handlers/scan-vpc.ts';
import {
  runSweep,
  type SweepDeps,
  setSweepDeps,
  handler as sweepHandler,
} from '../../functions/handlers/sweep.ts';
import { callApi } from '../fixtures/api-call.ts';
import {
  buildSampleAccount,
  describeWithMoto,
  MOTO_ACCOUNT_ID,
  motoClients,
  type SampleAccount,
  uniqueName,
} from './moto.ts';
import { asSqsEvent, receiveAll as receiveAllMessages } from './sqs-lambda.ts';

const REGION = 'ca-central-1';
const EVENTS = join(import.meta.dirname, '../../events/cloudtrail');
const SAMPLE_ACCOUNT = '111122223333';
const logger = new Logger({ logLevel: 'SILENT' });
const context = { functionName: 'scan-vpc', awsRequestId: 'it' } as Context;

/** A sample event re-pointed at this account, region and the given ids. */
function sampleEvent(name: string, ids: Record<string, string>): unknown {
  let text = readFileSync(join(EVENTS, `${name}.json`), 'utf8')
    .replaceAll(SAMPLE_ACCOUNT, MOTO_ACCOUNT_ID)
    .replaceAll('eu-west-1', REGION);
  for (const [from, to] of Object.entries(ids)) text = text.replaceAll(from, to);
  return JSON.parse(text);
}

describeWithMoto('deployed pipeline (moto SQS FIFO/SNS/EC2/EKS + dynalite)', (endpoint) => {
  const clients = motoClients(endpoint);
  const aws = { endpoint, region: REGION, credentials: EMULATOR_CREDENTIALS, maxAttempts: 2 };
  const sqs = new SQSClient(aws);
  const sns = new SNSClient(aws);
  let dynalite: DynaliteServer;
  let store: FindingsStore;
  let account: SampleAccount;
  let scanQueueUrl: string;
  let alertQueueUrl: string;

  async function fifoQueue(prefix: string): Promise<string> {
    const out = await sqs.send(
      new CreateQueueCommand({
        QueueName: `${uniqueName(prefix)}.fifo`,
        // The deployed queue delays 60 s; the test drains at once.
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false', VisibilityTimeout: '30' },
      }),
    );
    return out.QueueUrl!;
  }

  const receiveAll = (queueUrl: string) => receiveAllMessages(sqs, queueUrl);

  /** The scan queue as deployed (retries without delay: the test drains at once). */
  const scanQueue = () => createScanQueue({ queueUrl: scanQueueUrl, client: sqs, retryDelayMs: 0 });

  /** The sweep as deployed in this region, on the moto clients, the store and `queue`. */
  function sweepDeps(queue: ScanQueuePort): SweepDeps {
    return {
      queue,
      regions: [REGION],
      ec2: clients.ec2(REGION),
      eks: (r) => clients.eks(r),
      logger,
      now: () => new Date(),
      scans: store,
      clusters: store,
    };
  }

  function scanDeps(queueUrl: string, topicArn: string): ScanVpcDeps {
    return {
      service: {
        repository: store,
        suppressions: store,
        notifier: new SnsNotifier({ topicArn, client: sns }),
        clock: { now: () => new Date() },
      },
      queue: createScanQueue({ queueUrl, client: sqs, retryDelayMs: 0 }),
      collect: (region, clusterNames, accountId) =>
        collectInventory(clients, {
          regions: [region],
          clusterNames,
          accountId,
          now: () => new Date(),
        }),
      listClusters: (region) => listClusterNames(clients.eks(region)),
      rules: RULES,
      ruleConfig: DEFAULT_RULE_CONFIG,
      notifyThreshold: 'LOW',
      logger,
    };
  }

  /** What the Lambda event source mapping does: receive, invoke, delete what succeeded. */
  async function drainScans(topicArn: string): Promise<{ processed: number; failures: number }> {
    const messages = await receiveAll(scanQueueUrl);
    const event = asSqsEvent(messages, `arn:aws:sqs:${REGION}:${MOTO_ACCOUNT_ID}:scans.fifo`, REGION);
    if (event.Records.length === 0) return { processed: 0, failures: 0 };
    const response = await handleBatch(scanDeps(scanQueueUrl, topicArn), event, context);
    return { processed: event.Records.length, failures: response.batchItemFailures.length };
  }

  async function alerts(): Promise<
    { Subject?: string; MessageAttributes: Record<string, { Value: string }> }[]
  > {
    return (await receiveAll(alertQueueUrl)).map((m) => JSON.parse(m.Body!));
  }

  let topicArn: string;

  beforeAll(async () => {
    dynalite = await startDynalite();
    store = createFindingsStore({
      tableName: dynalite.tableName,
      client: createDocumentClient(dynalite.client),
    });
    account = await buildSampleAccount(clients, REGION);
    scanQueueUrl = await fifoQueue('scans');
    topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName('alerts') }))).TopicArn!;
    alertQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('alert-sub') })))
      .QueueUrl!;
    const arn = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: alertQueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: arn.Attributes!.QueueArn! }),
    );
  }, 120_000);

  afterAll(async () => {
    setSweepDeps(undefined);
    await dynalite?.close();
  });

  it('sweeps the region through the FIFO queue into stored findings and one alert', async () => {
    // Arrange / Act: the schedule fires, then the queue is drained by scan-cluster.
    const sweep = await runSweep(sweepDeps(scanQueue()), MOTO_ACCOUNT_ID);
    const drained = await drainScans(topicArn);
    // Assert
    expect(sweep.clusters).toBeGreaterThanOrEqual(1);
    expect(drained.failures).toBe(0);
    const { findings, cluster } = await store.loadCluster({
      accountId: MOTO_ACCOUNT_ID,
      region: REGION,
      clusterName: account.clusterName,
    });
    expect(cluster?.vpcId).toBe(account.vpcId);
    expect(findings.length).toBeGreaterThan(0);
    const received = await alerts();
    expect(
      received.filter((a) => a.MessageAttributes.clusterName?.Value === account.clusterName),
    ).toHaveLength(1);
  }, 120_000);

  it('turns a CloudTrail security-group event into a rescan that finds and alerts the new exposure', async () => {
    // Arrange: someone opens the cluster security group to the world; CloudTrail reports it.
    await clients.ec2(REGION).send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: account.clusterSecurityGroupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      }),
    );
    const event = sampleEvent('ec2-authorize-security-group-ingress', {
      'sg-0c0ffee0c0ffee001': account.clusterSecurityGroupId,
    });
    const before = (
      await store.loadCluster({
        accountId: MOTO_ACCOUNT_ID,
        region: REGION,
        clusterName: account.clusterName,
      })
    ).findings.length;
    // Act
    const result = await handleChange(
      {
        queue: scanQueue(),
        resolver: createEc2ResourceResolver((r) => clients.ec2(r)),
        index: clusterIndexFromStore(store),
        logger,
        now: () => new Date(Date.now() + 120_000), // a later window than the sweep's scan
      },
      event,
    );
    const drained = await drainScans(topicArn);
    // Assert
    expect(result).toEqual({
      status: 'enqueued',
      clusterNames: [account.clusterName],
      vpcIds: [account.vpcId],
      sent: 1,
    });
    expect(drained).toEqual({ processed: 1, failures: 0 });
    const { findings } = await store.loadCluster({
      accountId: MOTO_ACCOUNT_ID,
      region: REGION,
      clusterName: account.clusterName,
    });
    expect(
      findings.some(
        (f) =>
          f.ruleId === 'sg-open-ingress' &&
          f.resourceId === account.clusterSecurityGroupId &&
          f.status === 'OPEN',
      ),
    ).toBe(true);
    expect(findings.length).toBeGreaterThan(before);
    const received = await alerts();
    expect(received).toHaveLength(1);
    expect(received[0]!.MessageAttributes.ruleIds?.Value).toContain('sg-open-ingress');
  }, 120_000);

  it('lets a 500-event burst for one VPC through the real FIFO queue as one scan of that VPC', async () => {
    // Arrange: a fresh queue, and 500 events in one minute all touching the sample VPC.
    const burstQueue = await fifoQueue('burst');
    const ids = {
      'sg-0c0ffee0c0ffee001': account.nodeSecurityGroupId,
      'subnet-0aa11bb22cc33dd01': account.privateSubnetIds[0],
      'rtb-0f1e2d3c4b5a69001': account.privateRouteTableId,
      'vpc-0a1b2c3d4e5f60001': account.vpcId,
      'i-0abcdef1234567890': account.instanceId,
    };
    const names = [
      'ec2-authorize-security-group-ingress',
      'ec2-create-route',
      'ec2-create-tags',
      'ec2-modify-vpc-attribute',
      'ec2-run-instances',
    ];
    const deps = {
      queue: createScanQueue({ queueUrl: burstQueue, client: sqs, retryDelayMs: 0 }),
      resolver: createEc2ResourceResolver((r: string) => clients.ec2(r)),
      index: clusterIndexFromStore(store),
      logger,
      now: () => new Date('2030-01-01T00:00:30Z'),
    };
    // Act
    for (let i = 0; i < 500; i++) await handleChange(deps, sampleEvent(names[i % names.length]!, ids));
    const messages = await receiveAll(burstQueue);
    // Assert: SQS FIFO deduplicated the burst down to one scan of the one affected VPC.
    expect(messages.map((m) => JSON.parse(m.Body!))).toEqual([
      expect.objectContaining({ kind: 'vpc', vpcId: account.vpcId, clusterNames: [account.clusterName] }),
    ]);
  }, 300_000);

  it('runs POST /scans of a region through the sweep, the FIFO queue and scan-vpc to COMPLETED n/n', async () => {
    // Arrange: the API as deployed, except that the asynchronous Lambda invoke of the sweep
    // is replaced by keeping its JSON payload (moto cannot run Lambda functions here).
    const payloads: unknown[] = [];
    const queue = scanQueue();
    const client = createDocumentClient(dynalite.client);
    const api = {
      store: new FindingsQueries(store, client),
      scans: withClusterCount(
        createQueueScanSubmitter({
          queue,
          sweep: { invoke: async (request) => void payloads.push(JSON.parse(JSON.stringify(request))) },
          knownClusters: () => store.listAllClusters(),
        }),
        store,
        () => new Date(),
      ),
      rules: RULES,
      now: () => new Date(),
      newId: () => uniqueName('api-scan'),
      cursorSecret: 'deploy-pipeline-secret',
      maxSuppressionDays: 365,
      logger: { error: () => undefined },
    };
    const request = (method: string, path: string, body?: string) =>
      callApi(api, method, path, body, { accountId: MOTO_ACCOUNT_ID, requestId: 'it' });
    // Act: the API answers, the sweep handles the invoke payload, scan-vpc drains the queue.
    const accepted = await request('POST', '/scans', JSON.stringify({ region: REGION }));
    const scanId = accepted.body.scanId as string;
    const beforeSweep = await request('GET', `/scans/${scanId}`);
    setSweepDeps(sweepDeps(queue));
    const swept = await sweepHandler(payloads[0] as never);
    const drained = await drainScans(topicArn);
    const done = await request('GET', `/scans/${scanId}`);
    // Assert
    expect(accepted.status).toBe(202);
    expect(payloads).toEqual([
      {
        kind: 'api-scan',
        scanId,
        accountId: MOTO_ACCOUNT_ID,
        region: REGION,
        requestedAt: expect.any(String),
      },
    ]);
    expect(beforeSweep.body).toMatchObject({ status: 'QUEUED', progress: { clustersTotal: null } });
    expect(swept).toMatchObject({ scanId, status: 'QUEUED' });
    const listed = (swept as { clusters: number }).clusters;
    expect(listed).toBeGreaterThanOrEqual(1);
    expect(drained).toMatchObject({ failures: 0 });
    expect(done.body).toMatchObject({
      status: 'COMPLETED',
      progress: { clustersDone: listed, clustersTotal: listed },
    });
    expect(done.body.clusters.map((c: { clusterName: string }) => c.clusterName)).toContain(
      account.clusterName,
    );
  }, 120_000);
});
