/**
 * What every part of the findings store needs to reach its table: the document client, the
 * table name, the retention and the batch retry policy, plus the two helpers they all use.
 */
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { RetryPolicy } from './batch.ts';
import type { Item } from './items.ts';

/** The findings table as the store's modules see it (validated by `createFindingsStore`). */
export interface StoreTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Days a RESOLVED finding (and a scan record) is kept before TTL deletes it. */
  readonly retentionDays: number;
  readonly retry: RetryPolicy;
}

export function isConditionalFailure(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

/** Every item a Query matches, following `LastEvaluatedKey` to the end. */
export async function queryAll(table: StoreTable, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const answer = await table.client.send(
      new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    items.push(...((answer.Items as Item[] | undefined) ?? []));
    startKey = answer.LastEvaluatedKey;
  } while (startKey);
  return items;
}
