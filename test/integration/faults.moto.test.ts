/**
 * Faults on the real wire protocols (moto_server):
 *
 * - Throttling: a request handler in front of moto answers 30% of calls (seeded) with the
 *   services' real throttling errors — EC2 `RequestLimitExceeded` (503, XML), EKS
 *   `ThrottlingException` (429, JSON), STS `Throttling` (400, XML) — so the SDK's own
 *   deserialiser and retry middleware handle them. The retry strategy is injected to
 *   retry without sleeping. The scan must come out identical to a fault-free one.
 * - Poison messages: a real SQS FIFO queue with a DLQ (maxReceiveCount 3) in front of the
 *   scan-cluster batch handler: poison lands in the DLQ, the rest is processed.
 */
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, expect, it } from 'vitest';
// The bench's seeded PRNG (mulberry32, determinism tested there): a failing run replays the same faults.
import { createRandom } from '../../bench/generator.ts';
import {
  type AwsClientOptions,
  createAwsClients,
  EMULATOR_CREDENTIALS,
} from '../../functions/adapters/aws-clients.ts';
import { type DynaliteServer, startDynalite } from '../../functions/adapters/dynalite-server.ts';
import { collectInventory } from '../../functions/adapters/inventory-collector.ts';
import { DEFAULT_RULE_CONFIG } from '../../functions/core/config.ts';
import { evaluateSnapshot } from '../../functions/core/evaluate.ts';
import { RULES } from '../../functions/core/rules/index.ts';
import type { Snapshot } from '../../functions/core/snapshot.ts';
import { handleBatch } from '../../functions/handlers/scan-vpc.ts';
import { ACCOUNT, REGION as BUILDER_REGION, buildSnapshot, CLUSTER } from '../fixtures/snapshot-builder.ts';
import { silentLogger, storeWorld } from '../unit/faults/world.ts';
import { buildSampleAccount, createCluster, describeWithMoto, motoClients, uniqueName } from './moto.ts';

// Regions no other integration file uses: a shared moto keeps our resources apart.
const REGION = 'ap-northeast-2';
const QUEUE_REGION = 'ap-south-1';
const NOW = new Date('2026-04-02T09:00:00.000Z');

type Handler = NonNullable<AwsClientOptions['requestHandler']>;
interface WireRequest {
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** The throttling answer each service really sends, by the request's protocol. */
function throttled(request: WireRequest) {
  const body = typeof request.body === 'string' ? request.body : '';
  const query = (request.headers['content-type'] ?? '').includes('x-www-form-urlencoded');
  if (query && body.includes('Action=GetCallerIdentity')) {
    return {
      statusCode: 400,
      headers: { 'content-type': 'text/xml' },
      body: new TextEncoder().encode(
        '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>f</RequestId></ErrorResponse>',
      ),
    };
  }
  if (query) {
    return {
      statusCode: 503,
      headers: { 'content-type': 'text/xml' },
      body: new TextEncoder().encode(
        '<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>f</RequestID></Response>',
      ),
    };
  }
  return {
    statusCode: 429,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ThrottlingException' },
    body: new TextEncoder().encode('{"message":"Rate exceeded"}'),
  };
}

/** Wraps the SDK's own HTTP handler: `rate` of the calls are throttled instead of sent. */
function throttlingHandler(inner: Handler, random: () => number, rate: number) {
  const stats = { calls: 0, throttled: 0 };
  const handler = {
    handle(request: WireRequest, options?: unknown) {
      stats.calls++;
      if (random() < rate) {
        stats.throttled++;
        return Promise.resolve({ response: throttled(request) });
      }
      return (inner as { handle: (r: WireRequest, o?: unknown) => Promise<unknown> }).handle(
        request,
        options,
      );
    },
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
  };
  return { handler: handler as unknown as Handler, stats };
}

/** A retry strategy (SDK RetryStrategyV2) that retries retryable errors without sleeping. */
function retryWithoutSleep(maxAttempts: number): NonNullable<AwsClientOptions['retryStrategy']> {
  const token = (count: number) => ({ getRetryCount: () => count, getRetryDelay: () => 0 });
  return {
    mode: 'standard',
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (
      previous: ReturnType<typeof token>,
      info: { errorType: 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR' },
    ) => {
      const next = previous.getRetryCount() + 1;
      if (info.errorType === 'CLIENT_ERROR' || next >= maxAttempts) throw new Error('no retry token');
      return token(next);
    },
    recordSuccess: () => {},
  } as unknown as NonNullable<AwsClientOptions['retryStrategy']>;
}

/** The SDK's default HTTP handler (taken from a client, so no transitive package is imported). */
function defaultHandler(): Handler {
  const probe = createAwsClients({ credentials: EMULATOR_CREDENTIALS }).ec2(REGION);
  return probe.config.requestHandler as Handler;
}

function findingIds(snapshot: Snapshot): string[] {
  return evaluateSnapshot(snapshot, RULES, DEFAULT_RULE_CONFIG)
    .findings.map((f) => `${f.ruleId} ${f.resourceId}`)
    .sort();
}

describeWithMoto('faults on the wire (moto)', (endpoint) => {
  let clean: Snapshot;

  beforeAll(async () => {
    const clients = motoClients(endpoint);
    const account = await buildSampleAccount(clients, REGION);
    await createCluster(clients.eks(REGION), {
      name: uniqueName('second'),
      subnetIds: account.privateSubnetIds,
    });
    clean = await collectInventory(clients, { regions: [REGION], now: () => NOW });
  }, 120_000);

  async function collectThrottled(seed: number, maxAttempts: number, accountId?: string) {
    const { handler, stats } = throttlingHandler(defaultHandler(), createRandom(seed), 0.3);
    const clients = createAwsClients({
      endpointUrl: endpoint,
      credentials: EMULATOR_CREDENTIALS,
      requestHandler: handler,
      retryStrategy: retryWithoutSleep(maxAttempts),
    });
    const snapshot = await collectInventory(clients, {
      regions: [REGION],
      now: () => NOW,
      ...(accountId ? { accountId } : {}),
    });
    return { snapshot, stats };
  }

  it('throttling on 30% of calls: the scan completes with the same inventory and findings as without faults', async () => {
    // Arrange (clean scan in beforeAll)
    expect(clean.errors).toEqual([]);
    expect(findingIds(clean).length).toBeGreaterThan(3);
    const total = { calls: 0, throttled: 0 };
    // Act: five seeded runs, so that every call of the collection is throttled in some run.
    for (const seed of [1, 2, 3, 4, 5]) {
      const { snapshot, stats } = await collectThrottled(20260402 + seed, 15);
      total.calls += stats.calls;
      total.throttled += stats.throttled;
      // Assert
      expect(snapshot.errors, `seed ${seed}`).toEqual([]);
      expect(snapshot, `seed ${seed}`).toEqual(clean);
      expect(findingIds(snapshot), `seed ${seed}`).toEqual(findingIds(clean));
    }
    expect(total.throttled).toBeGreaterThan(20);
    expect(total.throttled / total.calls).toBeGreaterThan(0.2);
    expect(total.throttled / total.calls).toBeLessThan(0.4);
  });

  it('control: without retries the same faults do show up (as errors, never as a clean scan)', async () => {
    // Act (account id given, so the throttling lands on EKS and EC2 calls, not on STS)
    const { snapshot, stats } = await collectThrottled(20260403, 1, clean.accountId);
    // Assert
    expect(stats.throttled).toBeGreaterThan(0);
    expect(snapshot.errors.length).toBeGreaterThan(0);
    expect(snapshot.errors.map((e) => e.message).join('\n')).toMatch(
      /RequestLimitExceeded|ThrottlingException/,
    );
  });
});

describeWithMoto('poison messages on a real SQS FIFO queue (moto)', (endpoint) => {
  let dynalite: DynaliteServer;
  const sqs = new SQSClient({ region: QUEUE_REGION, endpoint, credentials: EMULATOR_CREDENTIALS });

  beforeAll(async () => {
    dynalite = await startDynalite();
  });
  afterAll(async () => {
    await dynalite?.close();
  });

  async function createQueues() {
    const name = uniqueName('faults');
    const dlq = await sqs.send(
      new CreateQueueCommand({ QueueName: `${name}-dlq.fifo`, Attributes: { FifoQueue: 'true' } }),
    );
    const dlqArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;
    const main = await sqs.send(
      new CreateQueueCommand({
        QueueName: `${name}.fifo`,
        Attributes: {
          FifoQueue: 'true',
          ContentBasedDeduplication: 'true',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }),
        },
      }),
    );
    return { queueUrl: main.QueueUrl as string, dlqUrl: dlq.QueueUrl as string };
  }

  it('moves a poison message to the DLQ after 3 receives and never blocks the other messages', async () => {
    // Arrange
    const world = await storeWorld(dynalite, 'faults-moto', () => NOW);
    const { queueUrl, dlqUrl } = await createQueues();
    const send = (body: string, group: string) =>
      sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, MessageGroupId: group }));
    await send('{"not":"a scan request"', 'poison-group');
    await send(
      JSON.stringify({
        accountId: ACCOUNT,
        region: BUILDER_REGION,
        clusterName: CLUSTER,
        reason: 'event',
        requestedAt: NOW.toISOString(),
        attempt: 0,
      }),
      `${ACCOUNT}:${BUILDER_REGION}:${CLUSTER}`,
    );
    const deps = {
      service: world.service,
      queue: { enqueue: async () => ({ sent: 0, merged: 0, failed: [] }) },
      collect: async () => ({ ...buildSnapshot(), scannedAt: NOW.toISOString() }),
      listClusters: async () => [CLUSTER],
      rules: RULES,
      ruleConfig: DEFAULT_RULE_CONFIG,
      notifyThreshold: 'MEDIUM' as const,
      logger: silentLogger(),
    };
    const context = { functionName: 'scan-cluster', awsRequestId: 'r' } as Context;
    const processed: string[] = [];
    // Act: the Lambda event-source mapping, by hand — receive, handle, delete successes,
    // make failures visible again at once.
    for (let round = 0; round < 8; round++) {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      const messages = received.Messages ?? [];
      if (messages.length === 0) break;
      const event: SQSEvent = {
        Records: messages.map((m) => ({
          messageId: m.MessageId as string,
          receiptHandle: m.ReceiptHandle as string,
          body: m.Body as string,
          attributes: m.Attributes as never,
          messageAttributes: {},
          md5OfBody: m.MD5OfBody as string,
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn',
          awsRegion: QUEUE_REGION,
        })),
      };
      let failed: Set<string>;
      try {
        const response = await handleBatch(deps, event, context);
        failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      } catch {
        failed = new Set(messages.map((m) => m.MessageId as string)); // the whole batch failed
      }
      for (const m of messages) {
        if (failed.has(m.MessageId as string)) {
          await sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrl,
              ReceiptHandle: m.ReceiptHandle,
              VisibilityTimeout: 0,
            }),
          );
        } else {
          processed.push(m.Body as string);
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
      }
    }
    // Assert
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10 }));
    expect((dead.Messages ?? []).map((m) => m.Body)).toEqual(['{"not":"a scan request"']);
    expect(processed).toHaveLength(1);
    expect(processed[0]).toContain(CLUSTER);
    expect(
      (await world.store.loadCluster({ accountId: ACCOUNT, region: BUILDER_REGION, clusterName: CLUSTER }))
        .cluster,
    ).toBeDefined();
  });
});
