/**
 * The query API's access to the findings table ({@link ApiStore}), built on the findings
 * store and its item layout (`docs/data-model.md`). Paged reads live here: every list is a
 * Query on an index partition (never a Scan), newest first where time orders it, resumed
 * strictly after the sort key of the last item returned.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '../../core/api/cursor.ts';
import type { ApiStore, FindingsFilter, Page } from '../../core/api/ports.ts';
import type { FindingStatus, StoredFinding } from '../../core/lifecycle.ts';
import { SEVERITIES } from '../../core/model.ts';
import type { ClusterKey, ClusterRecord, ScanRecord, ScanSummary } from '../../core/ports.ts';
import type { Suppression } from '../../core/suppression.ts';
import { type FindingsStore, SuppressionNotFoundError } from '../findings-store.ts';
import { batchGetAll } from './batch.ts';
import {
  CLUSTERS_PK,
  clusterFromItem,
  clusterPk,
  findingClusterPk,
  findingRulePk,
  findingStatusPk,
  fromItem,
  type Item,
  LIVE_SUPPRESSIONS_PK,
  SK_CLUSTER,
} from './items.ts';
import { INDEX } from './table-definition.ts';

const STATUSES: readonly FindingStatus[] = ['OPEN', 'SUPPRESSED', 'RESOLVED'];

/**
 * Shapes of the sort keys a cursor may carry. The API signs cursors, so these only ever see
 * our own values; checking them anyway keeps a bad key from reaching DynamoDB as a 500.
 */
const TIME_ID_KEY = /^\d{4}-\d{2}-\d{2}T[0-9:.]+Z#[A-Za-z0-9._:-]{1,128}$/;
const CLUSTER_KEY = /^\d{12}#[a-z0-9-]+#[A-Za-z0-9_-]{1,100}$/;

interface PartitionQuery {
  index: string;
  pkName: string;
  skName: string;
  pk: string;
  /** Newest first (descending) or ascending. */
  descending: boolean;
  after?: string;
  /** Items wanted after filtering. */
  want: number;
  filters?: Record<string, string>;
  /** Extra filter condition (no values). */
  condition?: string;
}

export class FindingsQueries implements ApiStore {
  /** `client` must be the document client the store was created with (same table, same endpoint). */
  constructor(
    private readonly store: FindingsStore,
    private readonly client: DynamoDBDocumentClient,
  ) {}

  async queryFindings(filter: FindingsFilter, limit: number, after?: string): Promise<Page<StoredFinding>> {
    checkPosition(after, TIME_ID_KEY);
    const rest: Record<string, string | undefined> = {
      status: filter.status,
      severity: filter.severity,
      region: filter.region,
      accountId: filter.accountId,
      clusterName: filter.clusterName,
      ruleId: filter.ruleId,
    };
    let index: string;
    let skName: string;
    let partitions: string[];
    // The most selective index serves the query; the other filters apply to its partition.
    if (filter.clusterName !== undefined) {
      [index, skName, partitions] = [INDEX.byCluster, 'GSI2SK', [findingClusterPk(filter.clusterName)]];
      rest.clusterName = undefined;
    } else if (filter.ruleId !== undefined) {
      [index, skName, partitions] = [INDEX.byRule, 'GSI3SK', [findingRulePk(filter.ruleId)]];
      rest.ruleId = undefined;
    } else {
      const statuses = filter.status ? [filter.status] : STATUSES;
      const severities = filter.severity ? [filter.severity] : SEVERITIES;
      partitions = statuses.flatMap((s) => severities.map((v) => findingStatusPk(s, v)));
      [index, skName] = [INDEX.byStatus, 'GSI1SK'];
      rest.status = undefined;
      rest.severity = undefined;
    }
    const filters = Object.fromEntries(
      Object.entries(rest).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const pkName = skName.replace('SK', 'PK');
    // One item more than asked tells whether another page exists, so the last page has no cursor.
    const pages = await Promise.all(
      partitions.map((pk) =>
        this.queryPartition({
          index,
          pkName,
          skName,
          pk,
          descending: true,
          want: limit + 1,
          filters,
          ...(after ? { after } : {}),
        }),
      ),
    );
    const merged = pages.flat().sort((a, b) => (String(a[skName]) < String(b[skName]) ? 1 : -1));
    return page(merged, limit, skName, (item) => fromItem<StoredFinding>(item));
  }

  getFinding(id: string): Promise<StoredFinding | undefined> {
    return this.store.getFinding(id);
  }

  async queryClusters(options: {
    limit: number;
    after?: string;
    includeDeleted: boolean;
  }): Promise<Page<ClusterRecord>> {
    checkPosition(options.after, CLUSTER_KEY);
    const items = await this.queryPartition({
      index: INDEX.byStatus,
      pkName: 'GSI1PK',
      skName: 'GSI1SK',
      pk: CLUSTERS_PK,
      descending: false,
      want: options.limit + 1,
      ...(options.after ? { after: options.after } : {}),
      ...(options.includeDeleted ? {} : { condition: 'attribute_not_exists(deletedAt)' }),
    });
    return page(items, options.limit, 'GSI1SK', clusterFromItem);
  }

  async getClusters(keys: readonly ClusterKey[]): Promise<ClusterRecord[]> {
    const items = await batchGetAll(
      this.client,
      this.store.tableName,
      keys.map((key) => ({ PK: clusterPk(key), SK: SK_CLUSTER })),
    );
    return items.map(clusterFromItem);
  }

  getScan(scanId: string): Promise<ScanSummary | undefined> {
    return this.store.getScan(scanId);
  }

  async createScan(record: ScanRecord): Promise<void> {
    const created = await this.store.createScan(record);
    // Ids are random UUIDs: a collision means the id generator is broken, not the caller.
    if (!created) throw new Error(`scan id ${record.scanId} already exists`);
  }

  async finishScan(
    scanId: string,
    status: 'COMPLETED' | 'FAILED',
    finishedAt: string,
    message?: string,
  ): Promise<void> {
    const errors = message ? [{ message, operation: 'SubmitScan' }] : [];
    if (status === 'FAILED') await this.store.abortScan(scanId, finishedAt, errors);
    else await this.store.expectClusters(scanId, 0, finishedAt);
  }

  async querySuppressions(limit: number, after?: string): Promise<Page<Suppression>> {
    checkPosition(after, TIME_ID_KEY);
    const items = await this.queryPartition({
      index: INDEX.byStatus,
      pkName: 'GSI1PK',
      skName: 'GSI1SK',
      pk: LIVE_SUPPRESSIONS_PK,
      descending: true,
      want: limit + 1,
      ...(after ? { after } : {}),
    });
    return page(items, limit, 'GSI1SK', (item) => fromItem<Suppression>(item));
  }

  async getSuppression(id: string): Promise<Suppression | undefined> {
    const record = await this.store.getSuppression(id);
    // A deleted suppression stays as an audit tombstone; to the API it is gone.
    if (!record || record.deletedAt) return undefined;
    const { deletedAt: _at, deletedBy: _by, ...suppression } = record;
    return suppression;
  }

  async putSuppression(suppression: Suppression): Promise<void> {
    // false means a retried request already stored this very suppression (deterministic id).
    await this.store.putSuppression(suppression);
  }

  async deleteSuppression(id: string, deletedAt: string, deletedBy: string): Promise<boolean> {
    try {
      await this.store.deleteSuppression(id, deletedBy, new Date(deletedAt));
      return true;
    } catch (error) {
      if (error instanceof SuppressionNotFoundError) return false;
      throw error;
    }
  }

  /** Reads one index partition from `after` until `want` items passed the filters or it ends. */
  private async queryPartition(query: PartitionQuery): Promise<Item[]> {
    const names: Record<string, string> = { '#pk': query.pkName };
    const values: Record<string, unknown> = { ':pk': query.pk };
    const conditions: string[] = query.condition ? [query.condition] : [];
    for (const [field, value] of Object.entries(query.filters ?? {})) {
      names[`#f_${field}`] = field;
      values[`:f_${field}`] = value;
      conditions.push(`#f_${field} = :f_${field}`);
    }
    let keyCondition = '#pk = :pk';
    if (query.after !== undefined) {
      values[':after'] = query.after;
      names['#sk'] = query.skName;
      keyCondition += query.descending ? ' AND #sk < :after' : ' AND #sk > :after';
    }
    const found: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const answer = await this.client.send(
        new QueryCommand({
          TableName: this.store.tableName,
          IndexName: query.index,
          KeyConditionExpression: keyCondition,
          ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: !query.descending,
          Limit: query.want,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      found.push(...((answer.Items as Item[] | undefined) ?? []));
      startKey = answer.LastEvaluatedKey;
    } while (startKey && found.length < query.want);
    return found.slice(0, query.want);
  }
}

function checkPosition(after: string | undefined, shape: RegExp): void {
  if (after !== undefined && !shape.test(after)) {
    throw new InvalidCursorError('the page position is not one this store produced');
  }
}

/** The first `limit` items and, when more exist, the sort key of the last one returned. */
function page<T>(items: readonly Item[], limit: number, skName: string, map: (item: Item) => T): Page<T> {
  const kept = items.slice(0, limit);
  const last = kept[kept.length - 1];
  return {
    items: kept.map(map),
    ...(items.length > limit && last ? { nextAfter: String(last[skName]) } : {}),
  };
}
