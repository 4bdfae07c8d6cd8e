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
import type { FindingsStore } from '../findings-store.ts';
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
  SCANS_PK,
  SK_CLUSTER,
} from './items.ts';
import { SuppressionNotFoundError } from './suppressions-store.ts';
import { INDEX } from './table-definition.ts';

const STATUSES: readonly FindingStatus[] = ['OPEN', 'SUPPRESSED', 'RESOLVED'];

/**
 * Shapes of the sort keys a cursor may carry. The API signs cursors, so these only ever see
 * our own values; checking them anyway keeps a bad key from reaching DynamoDB as a 500.
 */
const TIME_ID_KEY = /^\d{4}-\d{2}-\d{2}T[0-9:.]+Z#[A-Za-z0-9._:-]{1,128}$/;
const CLUSTER_KEY = /^\d{12}#[a-z0-9-]+#[A-Za-z0-9_-]{1,100}$/;
/** Position in the severity order: rank, cluster, region, rule, finding id (see {@link severityKey}). */
const SEVERITY_KEY = /^[0-3]#[A-Za-z0-9_-]{1,100}#[a-z0-9-]+#[a-z0-9-]+#[A-Za-z0-9._:-]{1,128}$/;
/** Worst first: the rank of a severity in the `sort=severity` order. */
const SEVERITY_ORDER = [...SEVERITIES].reverse();
/** Attribute carrying the computed sort key of an item read for the severity order. */
const SORT_KEY = '__sortKey';

/**
 * Sort key of a finding in the severity order. `#` sorts below every character a part may
 * hold, so comparing these strings compares (rank, cluster, region, rule, id) in turn.
 */
function severityKey(rank: number, item: Item): string {
  return [rank, item.clusterName, item.region, item.ruleId, item.id].join('#');
}

/** Case-insensitive match of the free-text search against resource id and title. */
function matchesText(item: Item, text: string): boolean {
  const needle = text.toLowerCase();
  return [item.resourceId, item.title].some((v) => typeof v === 'string' && v.toLowerCase().includes(needle));
}

/** Which index partitions serve a findings filter, and the filters left for the partitions. */
interface FindingsPlan {
  index: string;
  pkName: string;
  skName: string;
  partitions: string[];
  filters: Record<string, string>;
}

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
  /** Filter no expression can say (case-insensitive text), applied to each item read. */
  accept?: (item: Item) => boolean;
}

export class FindingsQueries implements ApiStore {
  /** `client` must be the document client the store was created with (same table, same endpoint). */
  constructor(
    private readonly store: FindingsStore,
    private readonly client: DynamoDBDocumentClient,
  ) {}

  async queryFindings(filter: FindingsFilter, limit: number, after?: string): Promise<Page<StoredFinding>> {
    checkPosition(after, TIME_ID_KEY);
    const plan = planFindings(filter);
    // One item more than asked tells whether another page exists, so the last page has no cursor.
    const pages = await Promise.all(
      plan.partitions.map((pk) =>
        this.queryPartition({
          ...planQuery(plan, pk, filter),
          want: limit + 1,
          ...(after ? { after } : {}),
        }),
      ),
    );
    const merged = pages.flat().sort((a, b) => (String(a[plan.skName]) < String(b[plan.skName]) ? 1 : -1));
    return page(merged, limit, plan.skName, (item) => fromItem<StoredFinding>(item));
  }

  /**
   * Findings worst severity first, then by cluster, region and rule (`sort=severity`). Each
   * severity is read whole from the index that serves the filter (never a table scan), only
   * as far as the page needs: a page of CRITICAL findings never reads the LOW ones.
   */
  async queryFindingsBySeverity(
    filter: FindingsFilter,
    limit: number,
    after?: string,
  ): Promise<Page<StoredFinding>> {
    checkPosition(after, SEVERITY_KEY);
    const collected: Item[] = [];
    for (let rank = after ? Number(after[0]) : 0; rank < SEVERITY_ORDER.length; rank++) {
      if (collected.length > limit) break;
      const severity = SEVERITY_ORDER[rank] as (typeof SEVERITIES)[number];
      if (filter.severity !== undefined && filter.severity !== severity) continue;
      const plan = planFindings({ ...filter, severity });
      const pages = await Promise.all(
        plan.partitions.map((pk) =>
          this.queryPartition({ ...planQuery(plan, pk, filter), want: Number.POSITIVE_INFINITY }),
        ),
      );
      const keyed = pages
        .flat()
        .map((item) => ({ ...item, [SORT_KEY]: severityKey(rank, item) }))
        .filter((item) => after === undefined || String(item[SORT_KEY]) > after)
        .sort((a, b) => (String(a[SORT_KEY]) < String(b[SORT_KEY]) ? -1 : 1));
      collected.push(...keyed);
    }
    return page(collected, limit, SORT_KEY, (item) => {
      const { [SORT_KEY]: _key, ...rest } = item;
      return fromItem<StoredFinding>(rest);
    });
  }

  /** Scan headers, newest start first (`GET /scans`). */
  async queryScans(limit: number, after?: string): Promise<Page<ScanRecord>> {
    checkPosition(after, TIME_ID_KEY);
    const items = await this.queryPartition({
      index: INDEX.byStatus,
      pkName: 'GSI1PK',
      skName: 'GSI1SK',
      pk: SCANS_PK,
      descending: true,
      want: limit + 1,
      ...(after ? { after } : {}),
    });
    return page(items, limit, 'GSI1SK', (item) => fromItem<ScanRecord>(item));
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
          ...(Number.isFinite(query.want) ? { Limit: query.want } : {}),
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      const items = (answer.Items as Item[] | undefined) ?? [];
      found.push(...(query.accept ? items.filter(query.accept) : items));
      startKey = answer.LastEvaluatedKey;
    } while (startKey && found.length < query.want);
    return found.slice(0, query.want);
  }
}

/** The most selective index serves the query; the other filters apply to its partitions. */
function planFindings(filter: FindingsFilter): FindingsPlan {
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
  return { index, pkName: skName.replace('SK', 'PK'), skName, partitions, filters };
}

/** The partition query of one partition of a plan (without its size and position). */
function planQuery(
  plan: FindingsPlan,
  pk: string,
  filter: FindingsFilter,
): Omit<PartitionQuery, 'want' | 'after'> {
  const text = filter.text;
  return {
    index: plan.index,
    pkName: plan.pkName,
    skName: plan.skName,
    pk,
    descending: true,
    filters: plan.filters,
    ...(text ? { accept: (item: Item) => matchesText(item, text) } : {}),
  };
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
