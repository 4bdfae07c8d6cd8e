/**
 * The write and queue counters behind the re-sweep and storm figures: items (not calls)
 * are counted, and the FIFO fake drops a repeated deduplication id only within SQS's
 * 5-minute interval.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { countWrites, installFifoQueueFake } from '../../../bench/counting.ts';

const docMock = mockClient(DynamoDBDocumentClient);

afterEach(() => docMock.reset());

describe('countWrites', () => {
  it('counts the items of each write command and tells finding items apart', async () => {
    docMock.onAnyCommand().resolves({});
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
    const counts = countWrites(doc);

    await doc.send(new PutCommand({ TableName: 't', Item: { PK: 'C#1', SK: 'FINDING#a' } }));
    await doc.send(new UpdateCommand({ TableName: 't', Key: { PK: 'C#1', SK: 'CLUSTER' } }));
    await doc.send(
      new BatchWriteCommand({
        RequestItems: {
          t: [
            { PutRequest: { Item: { PK: 'C#1', SK: 'FINDING#b' } } },
            { DeleteRequest: { Key: { PK: 'C#1', SK: 'FINDING#c' } } },
            { PutRequest: { Item: { PK: 'S#1', SK: 'SCAN' } } },
          ],
        },
      }),
    );
    await doc.send(new GetCommand({ TableName: 't', Key: { PK: 'C#1', SK: 'CLUSTER' } }));

    expect(counts.findingWrites).toBe(3);
    expect(counts.itemWrites).toBe(5);
    expect(counts.writeCalls).toBe(3);
    expect(counts.readCalls).toBe(1);
  });
});

describe('installFifoQueueFake', () => {
  it('drops a repeated deduplication id within 5 minutes and accepts it again after', async () => {
    const queue = installFifoQueueFake();
    const sqs = new SQSClient({ region: 'eu-west-1' });
    const send = (id: string) =>
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/q.fifo',
          Entries: [{ Id: 'm0', MessageBody: '{}', MessageGroupId: 'g', MessageDeduplicationId: id }],
        }),
      );
    try {
      queue.setNow(new Date('2026-03-01T12:00:00Z'));
      await send('a');
      queue.setNow(new Date('2026-03-01T12:04:59Z'));
      const duplicate = await send('a');
      await send('b');
      queue.setNow(new Date('2026-03-01T12:05:00Z'));
      await send('a');

      expect(duplicate.Successful).toHaveLength(1);
      expect(queue.enqueued.map((m) => m.dedupId)).toEqual(['a', 'b', 'a']);
      expect(queue.duplicates).toBe(1);
    } finally {
      queue.restore();
    }
  });
});
