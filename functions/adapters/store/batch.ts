/**
 * Batched reads with retry of what DynamoDB left unprocessed. DynamoDB answers BatchGetItem
 * partially under throttling; the remainder is retried with exponential backoff and full
 * jitter, and a remainder that never drains is an error (never silently dropped).
 *
 * There is no batched write: every write of the store is conditional (on `version`, or on
 * the item not existing), and BatchWriteItem cannot carry a condition.
 */
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';

/** BatchGetItem reads at most 100 keys per call. */
export const BATCH_GET_LIMIT = 100;

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  /** Injected by tests to avoid real waiting. */
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 50,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Some keys stayed unprocessed after every retry. */
export class UnprocessedItemsError extends Error {
  override readonly name = 'UnprocessedItemsError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

type Key = Record<string, unknown>;
type Item = Record<string, unknown>;

function backoff(policy: RetryPolicy, attempt: number): number {
  return Math.random() * policy.baseDelayMs * 2 ** attempt;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Reads every key (any number of them), retrying `UnprocessedKeys`. Order of results is not kept. */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Key[],
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<Item[]> {
  const found: Item[] = [];
  for (const chunk of chunks(keys, BATCH_GET_LIMIT)) {
    let request: BatchGetCommandInput['RequestItems'] = {
      [tableName]: { Keys: chunk, ConsistentRead: true },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt >= policy.maxAttempts) {
        throw new UnprocessedItemsError(
          `BatchGetItem left keys unprocessed after ${policy.maxAttempts} attempts`,
        );
      }
      if (attempt > 0) await policy.sleep(backoff(policy, attempt));
      const answer: BatchGetCommandOutput = await client.send(new BatchGetCommand({ RequestItems: request }));
      found.push(...((answer.Responses?.[tableName] as Item[] | undefined) ?? []));
      request = answer.UnprocessedKeys;
    }
  }
  return found;
}
