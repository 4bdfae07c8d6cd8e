import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createScanQueue, fitSqsId } from '../../../functions/adapters/scan-queue.ts';
import type { ClusterScanRequest } from '../../../functions/core/scan-request.ts';

const sqs = mockClient(SQSClient);
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/111122223333/eks-netguard-prod-scans.fifo';
const NOW = new Date('2025-03-14T09:26:53Z');

function request(clusterName: string): ClusterScanRequest {
  return {
    kind: 'cluster',
    accountId: '111122223333',
    region: 'eu-west-1',
    clusterName,
    reason: 'event',
    requestedAt: NOW.toISOString(),
    attempt: 0,
  };
}

function sentEntries() {
  return sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []);
}

describe('SQS FIFO scan queue', () => {
  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).callsFake((input) => ({
      Successful: input.Entries.map((e: { Id: string }) => ({ Id: e.Id, MessageId: `msg-${e.Id}` })),
      Failed: [],
    }));
  });

  it('sends in batches of ten with the cluster as group and the time window as dedup id', async () => {
    // Arrange
    const queue = createScanQueue({ queueUrl: QUEUE, client: new SQSClient({}), retryDelayMs: 0 });
    const requests = Array.from({ length: 23 }, (_, i) => request(`c${i}`));
    // Act
    const result = await queue.enqueue(requests, NOW);
    // Assert
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    expect(result).toEqual({ sent: 23, merged: 0, failed: [] });
    const first = sentEntries()[0]!;
    expect(first.MessageGroupId).toBe('111122223333:eu-west-1:c0');
    expect(first.MessageDeduplicationId).toBe(
      `111122223333:eu-west-1:c0:${Math.floor(NOW.getTime() / 60_000)}`,
    );
    expect(JSON.parse(first.MessageBody!)).toMatchObject({ clusterName: 'c0', reason: 'event' });
  });

  it('merges requests for the same cluster in the same window into one message', async () => {
    const queue = createScanQueue({ queueUrl: QUEUE, client: new SQSClient({}), retryDelayMs: 0 });
    const result = await queue.enqueue([request('a'), request('a'), request('b'), request('a')], NOW);
    expect(sentEntries().map((e) => JSON.parse(e.MessageBody!).clusterName)).toEqual(['a', 'b']);
    expect(result.merged).toBe(2);
  });

  it('retries entries SQS failed on its side, and reports sender faults without retrying', async () => {
    let call = 0;
    sqs.on(SendMessageBatchCommand).callsFake((input) => {
      call += 1;
      const entries = input.Entries as { Id: string }[];
      if (call === 1) {
        return {
          Successful: [{ Id: entries[0]!.Id }],
          Failed: [
            { Id: entries[1]!.Id, SenderFault: false, Code: 'InternalError', Message: 'try again' },
            { Id: entries[2]!.Id, SenderFault: true, Code: 'InvalidParameterValue', Message: 'bad' },
          ],
        };
      }
      return { Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] };
    });
    const queue = createScanQueue({ queueUrl: QUEUE, client: new SQSClient({}), retryDelayMs: 0 });
    const result = await queue.enqueue([request('a'), request('b'), request('c')], NOW);
    expect(call).toBe(2);
    expect(
      sqs.commandCalls(SendMessageBatchCommand)[1]!.args[0].input.Entries?.map((e) => e.MessageGroupId),
    ).toEqual(['111122223333:eu-west-1:b']);
    expect(result.sent).toBe(2);
    expect(result.failed).toEqual([{ request: request('c'), message: 'InvalidParameterValue: bad' }]);
  });

  it('gives up on an entry after three failed attempts and reports it', async () => {
    sqs.on(SendMessageBatchCommand).rejects(new Error('network down'));
    const queue = createScanQueue({ queueUrl: QUEUE, client: new SQSClient({}), retryDelayMs: 0 });
    const result = await queue.enqueue([request('a')], NOW);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
    expect(result.failed).toEqual([{ request: request('a'), message: 'network down' }]);
  });

  it('keeps ids within the 128-character SQS limit, deterministically', () => {
    const long = `111122223333:eu-west-1:${'x'.repeat(100)}:29065740`;
    expect(fitSqsId(long)).toHaveLength(66);
    expect(fitSqsId(long)).toBe(fitSqsId(long));
    expect(fitSqsId('short')).toBe('short');
  });

  it('skips a message SQS accepted with the same dedup id a moment ago, as SQS would drop it', async () => {
    // Arrange: on-change keeps its queue for the life of the Lambda container.
    const queue = createScanQueue({
      queueUrl: QUEUE,
      client: new SQSClient({}),
      retryDelayMs: 0,
      rememberAcceptedMs: 120_000,
    });
    // Act: the same window twice, then the next window.
    const first = await queue.enqueue([request('a')], NOW);
    const again = await queue.enqueue([request('a')], new Date(NOW.getTime() + 5_000));
    const nextWindow = await queue.enqueue([request('a')], new Date(NOW.getTime() + 60_000));
    // Assert
    expect(first).toEqual({ sent: 1, merged: 0, failed: [] });
    expect(again).toEqual({ sent: 0, merged: 1, failed: [] });
    expect(nextWindow.sent).toBe(1);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
  });

  it('forgets nothing it was not told was accepted: a failed entry is sent again next time', async () => {
    // Arrange
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: 'm0', SenderFault: true, Code: 'InvalidParameterValue', Message: 'bad' }],
    });
    const queue = createScanQueue({
      queueUrl: QUEUE,
      client: new SQSClient({}),
      retryDelayMs: 0,
      rememberAcceptedMs: 120_000,
    });
    // Act
    await queue.enqueue([request('a')], NOW);
    await queue.enqueue([request('a')], NOW);
    // Assert
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
  });
});
