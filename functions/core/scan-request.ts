/**
 * Messages on the scan queue and their FIFO deduplication ids.
 *
 * The scan unit is the VPC: clusters sharing a VPC share its subnets, route tables,
 * security groups, endpoints, NAT gateways, NACLs and flow logs, so one message names a
 * VPC and the clusters to evaluate in it, and the scanner describes the VPC once.
 *
 * A burst of CloudTrail events (one `terraform apply` touches hundreds of resources)
 * must become one scan per VPC. SQS FIFO drops a message whose deduplication id it has
 * seen in the last five minutes, so the id is "this VPC in this time window": every
 * event of the window maps to the same id. Senders therefore name every live cluster of
 * the VPC (see `on-change.ts`), so that the one message SQS keeps covers them all.
 */
import * as z from 'zod/mini';
import './zod-english.ts';

/** Length of a deduplication window. Must not exceed the queue's delivery delay (see {@link scanDeduplicationId}). */
export const DEDUP_WINDOW_SECONDS = 60;

/** Why a scan was asked for (kept on the message for logs and the scan record). */
export const SCAN_REASONS = ['schedule', 'event', 'api', 'cluster-updating'] as const;
export type ScanReason = (typeof SCAN_REASONS)[number];

const accountId = z.string().check(z.regex(/^\d{12}$/, 'a 12-digit AWS account id'));
const region = z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as eu-west-1'));
const isoTime = z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO-8601 time'));

/** What EC2 issues as a VPC id (`vpc-` and hex digits; loosely, so emulators' ids pass too). */
export const VPC_ID_PATTERN = /^vpc-[0-9a-z]{1,32}$/;

const clusterName = z.string().check(z.regex(/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/, 'an EKS cluster name'));

/**
 * Scan one cluster: the message of releases before the VPC scan unit. Still accepted so
 * that messages queued during an upgrade are scanned (as a VPC scan of that one cluster).
 */
export const clusterScanRequestSchema = z.object({
  kind: z._default(z.literal('cluster'), 'cluster'),
  accountId,
  region,
  clusterName,
  reason: z.enum(SCAN_REASONS),
  requestedAt: isoTime,
  /** Set by `POST /scans`; otherwise the scan id is the SQS message id. */
  scanId: z.optional(z.string().check(z.minLength(1))),
  /** Re-enqueues of a cluster that was still changing (CREATING/UPDATING); 0 for the first try. */
  attempt: z._default(z.number().check(z.int(), z.minimum(0)), 0),
  /** The CloudTrail event that caused it, for the logs. */
  eventName: z.optional(z.string()),
});

/**
 * Scan the named clusters of one VPC: collect the VPC once, evaluate and reconcile each
 * cluster. `vpcId` is absent when the sender cannot know it (clusters no scan has stored
 * yet): the scanner then collects those clusters and whichever VPCs hold them.
 */
export const vpcScanRequestSchema = z.object({
  kind: z.literal('vpc'),
  accountId,
  region,
  vpcId: z.optional(z.string().check(z.regex(VPC_ID_PATTERN, 'a VPC id such as vpc-0a1b2c3d'))),
  clusterNames: z.array(clusterName).check(z.minLength(1, 'at least one cluster name')),
  reason: z.enum(SCAN_REASONS),
  requestedAt: isoTime,
  /** Set by `POST /scans`; otherwise the scan id is the SQS message id. */
  scanId: z.optional(z.string().check(z.minLength(1))),
  /** Re-enqueues of a cluster that was still changing (then the message names it alone); 0 for the first try. */
  attempt: z._default(z.number().check(z.int(), z.minimum(0)), 0),
  /** The CloudTrail event that caused it, for the logs. */
  eventName: z.optional(z.string()),
});

/**
 * Marker of a scheduled sweep of one region, carrying the clusters EKS listed. The
 * consumer resolves stored clusters that are no longer listed (deleted while no
 * event reached us), without having to trust an empty list it did not see.
 */
export const regionSweepRequestSchema = z.object({
  kind: z.literal('region-sweep'),
  accountId,
  region,
  liveClusterNames: z.array(z.string()),
  reason: z.literal('schedule'),
  requestedAt: isoTime,
});

export type ClusterScanRequest = z.infer<typeof clusterScanRequestSchema>;
export type VpcScanRequest = z.infer<typeof vpcScanRequestSchema>;
export type RegionSweepRequest = z.infer<typeof regionSweepRequestSchema>;
export type ScanRequest = VpcScanRequest | ClusterScanRequest | RegionSweepRequest;

/** Input of {@link clusterScanRequestSchema} before defaults apply. */
export type ClusterScanRequestInput = z.input<typeof clusterScanRequestSchema>;

/** The time window a moment falls in: `floor(t / window)`. */
export function dedupWindow(at: Date): number {
  return Math.floor(at.getTime() / (DEDUP_WINDOW_SECONDS * 1000));
}

/** What a VPC scan's ids are keyed on: the VPC, or the clusters themselves while their VPC is unknown. */
function vpcTarget(request: VpcScanRequest): string {
  return request.vpcId ?? `*new:${[...request.clusterNames].sort().join(',')}`;
}

/**
 * Deduplication id: `account:region:vpc:window` (plus the attempt and cluster for the
 * re-enqueue of a changing cluster, the scan id for API scans). With the window no
 * longer than the queue's delivery delay, every event deduplicated against a message
 * happened before that message becomes visible, so the one scan that runs sees all of
 * them. Ids longer than SQS's 128 characters are hashed by the queue adapter.
 */
export function scanDeduplicationId(request: ScanRequest, at: Date): string {
  const window = dedupWindow(at);
  if (request.kind === 'region-sweep') return `${request.accountId}:${request.region}:*sweep:${window}`;
  if (request.kind === 'vpc') {
    let id = `${request.accountId}:${request.region}:${vpcTarget(request)}:${window}`;
    if (request.attempt > 0) id += `:retry${request.attempt}:${request.clusterNames.join(',')}`;
    // API scans are explicit requests with their own id: never merged into another scan.
    return request.scanId ? `${id}:${request.scanId}` : id;
  }
  const base = `${request.accountId}:${request.region}:${request.clusterName}:${window}`;
  // API scans are explicit requests with their own id: never merged into another scan.
  if (request.scanId) return `${base}:${request.scanId}`.slice(0, 128);
  return request.attempt > 0 ? `${base}:retry${request.attempt}` : base;
}

/**
 * FIFO message group: one per VPC, so two scans of the same VPC (and so of the same
 * cluster) never run at once while different VPCs scan in parallel. Clusters of a VPC
 * no scan has stored share one group per region until their first scan stores it.
 */
export function scanMessageGroupId(request: ScanRequest): string {
  const target =
    request.kind === 'region-sweep'
      ? '*sweep'
      : request.kind === 'vpc'
        ? (request.vpcId ?? '*new')
        : request.clusterName;
  return `${request.accountId}:${request.region}:${target}`;
}

/** Clusters with the VPC the sender knows them in (none for a cluster no scan has stored). */
export interface ClusterInVpc {
  clusterName: string;
  vpcId?: string | undefined;
}

/** Largest number of clusters of unknown VPCs in one message (bounds one scan's run time). */
export const MAX_NEW_CLUSTERS_PER_REQUEST = 20;

/**
 * One VPC scan per VPC, naming its clusters (sorted); clusters of unknown VPCs in sorted
 * chunks of at most `maxNewPerRequest`, which the scanner collects in one pass.
 */
export function vpcScanRequests(
  base: Pick<VpcScanRequest, 'accountId' | 'region' | 'reason' | 'requestedAt' | 'scanId' | 'eventName'>,
  clusters: readonly ClusterInVpc[],
  options: { maxNewPerRequest?: number } = {},
): VpcScanRequest[] {
  const byVpc = new Map<string, Set<string>>();
  const unknown = new Set<string>();
  for (const { clusterName, vpcId } of clusters) {
    if (!vpcId) unknown.add(clusterName);
    else byVpc.set(vpcId, (byVpc.get(vpcId) ?? new Set()).add(clusterName));
  }
  const common = {
    kind: 'vpc' as const,
    accountId: base.accountId,
    region: base.region,
    reason: base.reason,
    requestedAt: base.requestedAt,
    ...(base.scanId ? { scanId: base.scanId } : {}),
    ...(base.eventName ? { eventName: base.eventName } : {}),
    attempt: 0,
  };
  const requests: VpcScanRequest[] = [...byVpc]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([vpcId, names]) => ({ ...common, vpcId, clusterNames: [...names].sort() }));
  const chunk = options.maxNewPerRequest ?? MAX_NEW_CLUSTERS_PER_REQUEST;
  const names = [...unknown].sort();
  for (let i = 0; i < names.length; i += chunk)
    requests.push({ ...common, clusterNames: names.slice(i, i + chunk) });
  return requests;
}

/** Result of {@link parseScanRequest}. */
export type ParsedScanRequest = { ok: true; request: ScanRequest } | { ok: false; error: string };

/** Validates a queue message body (JSON text). */
export function parseScanRequest(body: string): ParsedScanRequest {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, error: 'scan message is not JSON' };
  }
  const kind = (json as { kind?: unknown } | null)?.kind;
  // Dispatch on `kind` rather than a union, so that an error names the field of the
  // message's own shape; no kind at all is the pre-VPC cluster message.
  const result =
    kind === 'region-sweep'
      ? regionSweepRequestSchema.safeParse(json)
      : kind === 'vpc'
        ? vpcScanRequestSchema.safeParse(json)
        : clusterScanRequestSchema.safeParse(json);
  if (result.success) return { ok: true, request: result.data };
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
  return { ok: false, error: `invalid scan message: ${path}: ${issue?.message ?? 'invalid'}` };
}

/** What {@link ScanQueuePort.enqueue} did. */
export interface EnqueueResult {
  /** Messages SQS accepted (it may still drop some as duplicates of earlier sends). */
  sent: number;
  /**
   * Requests not sent because SQS would drop them: another request of the batch had the
   * same deduplication id, or SQS accepted that id moments ago.
   */
  merged: number;
  failed: { request: ScanRequest; message: string }[];
}

/** The scan queue as handlers see it (SQS FIFO in AWS). */
export interface ScanQueuePort {
  enqueue(requests: readonly ScanRequest[], now: Date): Promise<EnqueueResult>;
}
