/**
 * Suppressions in the findings table: the live list the scan service matches against,
 * created and deleted by the API with an audit entry each. A deleted suppression stays as a
 * tombstone (out of the live list) so the audit trail keeps what it was.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Suppression } from '../../core/suppression.ts';
import { batchGetAll } from './batch.ts';
import {
  DELETED_SUPPRESSIONS_PK,
  fromItem,
  LIVE_SUPPRESSIONS_PK,
  SK_SUPPRESSION,
  suppressionPk,
  suppressionToItem,
} from './items.ts';
import { isConditionalFailure, queryAll, type StoreTable } from './table.ts';
import { INDEX } from './table-definition.ts';

/** No suppression with that id (or it is already deleted). */
export class SuppressionNotFoundError extends Error {
  override readonly name = 'SuppressionNotFoundError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A suppression as stored: deleted ones stay as tombstones for the audit trail. */
export interface StoredSuppression extends Suppression {
  deletedAt?: string;
  deletedBy?: string;
}

export interface SuppressionAuditEntry {
  suppressionId: string;
  action: 'CREATED' | 'DELETED';
  actor: string;
  at: string;
}

/** Stored suppressions that are not deleted (expired ones included: the matcher ignores them). */
export async function listSuppressions(table: StoreTable): Promise<Suppression[]> {
  return (await listSuppressionRecords(table)).map(stripTombstone);
}

export async function listSuppressionRecords(
  table: StoreTable,
  options: { includeDeleted?: boolean } = {},
): Promise<StoredSuppression[]> {
  const partitions = options.includeDeleted
    ? [LIVE_SUPPRESSIONS_PK, DELETED_SUPPRESSIONS_PK]
    : [LIVE_SUPPRESSIONS_PK];
  const pages = await Promise.all(
    partitions.map((pk) =>
      queryAll(table, {
        TableName: table.tableName,
        IndexName: INDEX.byStatus,
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: false,
      }),
    ),
  );
  return pages.flat().map((item) => fromItem<StoredSuppression>(item));
}

export async function getSuppression(table: StoreTable, id: string): Promise<StoredSuppression | undefined> {
  const answer = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: { PK: suppressionPk(id), SK: SK_SUPPRESSION } }),
  );
  return answer.Item ? fromItem<StoredSuppression>(answer.Item) : undefined;
}

/** Suppressions by id, in one batched read (missing ids are left out). */
export async function getSuppressions(
  table: StoreTable,
  ids: readonly string[],
): Promise<StoredSuppression[]> {
  const keys = [...new Set(ids)].map((id) => ({ PK: suppressionPk(id), SK: SK_SUPPRESSION }));
  const items = await batchGetAll(table.client, table.tableName, keys, table.retry);
  return items.map((item) => fromItem<StoredSuppression>(item));
}

/**
 * Stores a new suppression and its CREATED audit entry. Idempotent for a retried request
 * (same deterministic id): returns false when it already existed.
 */
export async function putSuppression(table: StoreTable, suppression: Suppression): Promise<boolean> {
  try {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: suppressionToItem(suppression),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  } catch (error) {
    if (isConditionalFailure(error)) return false;
    throw error;
  }
  await putAudit(table, {
    suppressionId: suppression.id,
    action: 'CREATED',
    actor: suppression.createdBy,
    at: suppression.createdAt,
  });
  return true;
}

/**
 * Deletes a suppression by turning it into a tombstone (kept for the audit trail, out of the
 * live list) and records who deleted it and when.
 * @throws SuppressionNotFoundError when it does not exist or is already deleted.
 */
export async function deleteSuppression(
  table: StoreTable,
  id: string,
  deletedBy: string,
  now: Date,
): Promise<StoredSuppression> {
  const at = now.toISOString();
  let answer: { Attributes?: Record<string, unknown> };
  try {
    answer = await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { PK: suppressionPk(id), SK: SK_SUPPRESSION },
        UpdateExpression: 'SET #deletedAt = :at, #deletedBy = :by, GSI1PK = :deleted',
        ExpressionAttributeNames: { '#deletedAt': 'deletedAt', '#deletedBy': 'deletedBy' },
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(#deletedAt)',
        ExpressionAttributeValues: { ':at': at, ':by': deletedBy, ':deleted': DELETED_SUPPRESSIONS_PK },
        ReturnValues: 'ALL_NEW',
      }),
    );
  } catch (error) {
    if (isConditionalFailure(error)) {
      throw new SuppressionNotFoundError(`suppression ${id} does not exist or is already deleted`, {
        cause: error,
      });
    }
    throw error;
  }
  await putAudit(table, { suppressionId: id, action: 'DELETED', actor: deletedBy, at });
  return fromItem<StoredSuppression>(answer.Attributes ?? {});
}

/** Who created and deleted a suppression, oldest first. */
export async function getSuppressionAudit(table: StoreTable, id: string): Promise<SuppressionAuditEntry[]> {
  const items = await queryAll(table, {
    TableName: table.tableName,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :audit)',
    ExpressionAttributeValues: { ':pk': suppressionPk(id), ':audit': 'AUDIT#' },
    ConsistentRead: true,
  });
  return items.map((item) => fromItem<SuppressionAuditEntry>(item));
}

async function putAudit(table: StoreTable, entry: SuppressionAuditEntry): Promise<void> {
  await table.client.send(
    new PutCommand({
      TableName: table.tableName,
      Item: {
        ...entry,
        PK: suppressionPk(entry.suppressionId),
        SK: `AUDIT#${entry.at}#${entry.action}`,
        type: 'AUDIT',
      },
    }),
  );
}

function stripTombstone(record: StoredSuppression): Suppression {
  const { deletedAt: _at, deletedBy: _by, ...suppression } = record;
  return suppression;
}
