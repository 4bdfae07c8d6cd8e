/**
 * Counters the benchmark wraps around the product's outer edges: DynamoDB item writes
 * (by wrapping the document client's `send`), SNS publishes (a counting notifier) and
 * an SQS FIFO fake that applies the queue's 5-minute deduplication to what the real
 * scan-queue adapter sends.
 */
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { SecurityHubExporter } from '../functions/adapters/security-hub-exporter.ts';
import type { AlertMessage } from '../functions/core/alert-message.ts';
import type { Notifier } from '../functions/core/ports.ts';

const FINDING_PREFIX = 'FINDING#';

export interface WriteCounts {
  /** Items written whose sort key is a finding (`FINDING#…`). */
  findingWrites: number;
  /** Every item written (findings, cluster items, scan records, …). */
  itemWrites: number;
  /** Write calls (one BatchWrite of 25 items is one call). */
  writeCalls: number;
  readCalls: number;
}

type Key = { SK?: unknown } | undefined;
const isFinding = (key: Key) => typeof key?.SK === 'string' && key.SK.startsWith(FINDING_PREFIX);

/**
 * Wraps `client.send` to count the items each write command carries: Put, Update and
 * Delete write one item; BatchWrite and TransactWrite count their entries. Attempts are
 * counted, successful or not: a conditional write that fails still costs a write unit.
 */
export function countWrites(client: DynamoDBDocumentClient): WriteCounts & { reset(): void } {
  const counts = { findingWrites: 0, itemWrites: 0, writeCalls: 0, readCalls: 0 };
  const original = client.send.bind(client) as (command: unknown, ...rest: unknown[]) => Promise<unknown>;
  const item = (key: Key) => {
    counts.itemWrites += 1;
    if (isFinding(key)) counts.findingWrites += 1;
  };
  (client as { send: unknown }).send = (
    command: { constructor: { name: string }; input: never },
    ...rest: unknown[]
  ) => {
    const input = command.input as Record<string, unknown>;
    switch (command.constructor.name) {
      case 'PutCommand':
        counts.writeCalls += 1;
        item(input.Item as Key);
        break;
      case 'UpdateCommand':
      case 'DeleteCommand':
        counts.writeCalls += 1;
        item(input.Key as Key);
        break;
      case 'BatchWriteCommand':
        counts.writeCalls += 1;
        for (const entries of Object.values((input.RequestItems ?? {}) as Record<string, unknown[]>))
          for (const entry of entries as { PutRequest?: { Item: Key }; DeleteRequest?: { Key: Key } }[])
            item(entry.PutRequest?.Item ?? entry.DeleteRequest?.Key);
        break;
      case 'TransactWriteCommand':
        counts.writeCalls += 1;
        for (const entry of (input.TransactItems ?? []) as Record<string, { Item?: Key; Key?: Key }>[]) {
          const [kind, op] = Object.entries(entry)[0] ?? [];
          if (op && kind !== 'ConditionCheck') item(op.Item ?? op.Key);
        }
        break;
      default:
        counts.readCalls += 1;
    }
    return original(command, ...rest);
  };
  return Object.assign(counts, {
    reset() {
      counts.findingWrites = 0;
      counts.itemWrites = 0;
      counts.writeCalls = 0;
      counts.readCalls = 0;
    },
  });
}

/** A notifier that only counts (and keeps the transitions it was told about). */
/**
 * The real Security Hub exporter on a client that answers every call as accepted and
 * counts it: what a sweep would cost in Security Hub calls (batches of 100 included).
 */
export function countingSecurityHub(): { exporter: SecurityHubExporter; calls: { count: number } } {
  const calls = { count: 0 };
  const send = async (command: { input: { Findings?: unknown[] } }) => {
    calls.count += 1;
    return { FailedCount: 0, SuccessCount: command.input.Findings?.length ?? 0, FailedFindings: [] };
  };
  return { exporter: new SecurityHubExporter({ clientFor: () => ({ send }) as never }), calls };
}

export class CountingNotifier implements Notifier {
  publishes = 0;
  async publish(_message: AlertMessage): Promise<void> {
    this.publishes += 1;
  }
}

/** SQS FIFO deduplication interval: a repeated deduplication id within it is accepted but dropped. */
export const FIFO_DEDUP_INTERVAL_MS = 5 * 60 * 1000;

export interface FifoQueueFake {
  /** Messages that would reach a consumer (deduplicated ones excluded). */
  enqueued: { groupId: string; dedupId: string; body: string }[];
  /** Entries SQS accepted as duplicates and dropped. */
  duplicates: number;
  sendCalls: number;
  /** The simulated clock the deduplication interval is measured on. */
  setNow(at: Date): void;
  restore(): void;
}

/** Installs an SQS FIFO fake on every SQSClient (SendMessageBatch only, what the adapter uses). */
export function installFifoQueueFake(): FifoQueueFake {
  const sqs = mockClient(SQSClient);
  const firstSeen = new Map<string, number>();
  let now = 0;
  const fake: FifoQueueFake = {
    enqueued: [],
    duplicates: 0,
    sendCalls: 0,
    setNow: (at) => {
      now = at.getTime();
    },
    restore: () => sqs.restore(),
  };
  sqs.on(SendMessageBatchCommand).callsFake(async (input) => {
    fake.sendCalls += 1;
    // Keep sinon's call history from growing over a 1,000-event storm (not while the stub runs).
    queueMicrotask(() => sqs.resetHistory());

    const entries = input.Entries ?? [];
    if (entries.length > 10) throw new Error('AWS.SimpleQueueService.TooManyEntriesInBatchRequest');
    const Successful = entries.map((entry: SendMessageBatchRequestEntry) => {
      const dedupId = entry.MessageDeduplicationId ?? '';
      const seen = firstSeen.get(dedupId);
      if (seen !== undefined && now - seen < FIFO_DEDUP_INTERVAL_MS) fake.duplicates += 1;
      else {
        firstSeen.set(dedupId, now);
        fake.enqueued.push({ groupId: entry.MessageGroupId ?? '', dedupId, body: entry.MessageBody ?? '' });
      }
      return { Id: entry.Id, MessageId: `m-${fake.sendCalls}-${entry.Id}`, MD5OfMessageBody: '' };
    });
    return { Successful, Failed: [] };
  });
  return fake;
}
