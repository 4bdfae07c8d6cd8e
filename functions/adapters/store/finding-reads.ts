/**
 * The findings store's own finding reads: one finding by id, and the filtered newest-first
 * pages with an opaque cursor (the query API's richer reads are in `findings-queries.ts`).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FindingStatus, StoredFinding } from '../../core/lifecycle.ts';
import { SEVERITIES, type Severity } from '../../core/model.ts';
import {
  findingClusterPk,
  findingIdPk,
  findingRulePk,
  findingStatusPk,
  fromItem,
  type Item,
} from './items.ts';
import { queryAll, type StoreTable } from './table.ts';
import { INDEX } from './table-definition.ts';

const QUERY_MAX_LIMIT = 100;
const STATUSES: readonly FindingStatus[] = ['OPEN', 'SUPPRESSED', 'RESOLVED'];

/** A query parameter is invalid (bad cursor, bad limit): the caller's fault, a 400. */
export class FindingsQueryError extends Error {
  override readonly name = 'FindingsQueryError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface FindingQuery {
  status?: FindingStatus;
  severity?: Severity;
  clusterName?: string;
  ruleId?: string;
  region?: string;
  accountId?: string;
  /** 1..100, default 50. */
  limit?: number;
  /** Opaque, from a previous page's `nextCursor`. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export async function getFinding(table: StoreTable, id: string): Promise<StoredFinding | undefined> {
  const items = await queryAll(table, {
    TableName: table.tableName,
    IndexName: INDEX.byLookup,
    KeyConditionExpression: 'GSI4PK = :pk',
    ExpressionAttributeValues: { ':pk': findingIdPk(id) },
  });
  return items[0] ? fromItem<StoredFinding>(items[0]) : undefined;
}

/**
 * Findings newest first (by `updatedAt`), filtered without table scans: the most selective
 * index is queried (cluster, else rule, else status+severity partitions merged) and the other
 * filters apply to it. The cursor is the sort key of the last item returned.
 */
export async function queryFindings(table: StoreTable, query: FindingQuery): Promise<Page<StoredFinding>> {
  const limit = query.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > QUERY_MAX_LIMIT) {
    throw new FindingsQueryError(`limit must be an integer from 1 to ${QUERY_MAX_LIMIT}`);
  }
  const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const filters: Record<string, string | undefined> = {
    status: query.status,
    severity: query.severity,
    clusterName: query.clusterName,
    ruleId: query.ruleId,
    region: query.region,
    accountId: query.accountId,
  };
  let index: string;
  let skName: string;
  let partitions: string[];
  if (query.clusterName !== undefined) {
    [index, skName, partitions] = [INDEX.byCluster, 'GSI2SK', [findingClusterPk(query.clusterName)]];
    filters.clusterName = undefined;
  } else if (query.ruleId !== undefined) {
    [index, skName, partitions] = [INDEX.byRule, 'GSI3SK', [findingRulePk(query.ruleId)]];
    filters.ruleId = undefined;
  } else {
    const statuses = query.status ? [query.status] : STATUSES;
    const severities = query.severity ? [query.severity] : SEVERITIES;
    partitions = statuses.flatMap((s) => severities.map((v) => findingStatusPk(s, v)));
    [index, skName] = [INDEX.byStatus, 'GSI1SK'];
    filters.status = undefined;
    filters.severity = undefined;
  }
  const pkName = skName.replace('SK', 'PK');
  const pages = await Promise.all(
    partitions.map((pk) => queryNewest(table, index, pkName, skName, pk, before, limit + 1, filters)),
  );
  const merged = pages.flat().sort((a, b) => (String(a[skName]) < String(b[skName]) ? 1 : -1));
  const items = merged.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map((item) => fromItem<StoredFinding>(item)),
    nextCursor: merged.length > limit && last ? encodeCursor(String(last[skName])) : null,
  };
}

async function queryNewest(
  table: StoreTable,
  index: string,
  pkName: string,
  skName: string,
  pk: string,
  before: string | undefined,
  want: number,
  filters: Record<string, string | undefined>,
): Promise<Item[]> {
  const names: Record<string, string> = { '#pk': pkName };
  const values: Record<string, unknown> = { ':pk': pk };
  const conditions: string[] = [];
  for (const [field, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    conditions.push(`#${field} = :${field}`);
  }
  if (before !== undefined) {
    names['#sk'] = skName;
    values[':before'] = before;
  }
  const found: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const answer = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: index,
        KeyConditionExpression: before === undefined ? '#pk = :pk' : '#pk = :pk AND #sk < :before',
        ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: want,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    found.push(...((answer.Items as Item[] | undefined) ?? []));
    startKey = answer.LastEvaluatedKey;
  } while (startKey && found.length < want);
  return found.slice(0, want);
}

function encodeCursor(sortKey: string): string {
  return Buffer.from(JSON.stringify({ before: sortKey }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const before = (parsed as { before?: unknown }).before;
    if (typeof before === 'string' && before.length > 0) return before;
  } catch (error) {
    throw new FindingsQueryError('cursor is not one this API returned; start again without it', {
      cause: error,
    });
  }
  throw new FindingsQueryError('cursor is not one this API returned; start again without it');
}
