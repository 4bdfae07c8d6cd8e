/**
 * Messages on the scan queue and their FIFO deduplication ids.
 *
 * A burst of CloudTrail events (one `terraform apply` touches hundreds of resources)
 * must become one scan per cluster. SQS FIFO drops a message whose deduplication id
 * it has seen in the last five minutes, so the id is "this cluster in this time
 * window": every event of the window maps to the same id.
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

/** Scan one cluster. */
export const clusterScanRequestSchema = z.object({
  kind: z._default(z.literal('cluster'), 'cluster'),
  accountId,
  region,
  clusterName: z.string().check(z.regex(/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/, 'an EKS cluster name')),
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

export const scanRequestSchema = z.union([regionSweepRequestSchema, clusterScanRequestSchema]);

export type ClusterScanRequest = z.infer<typeof clusterScanRequestSchema>;
export type RegionSweepRequest = z.infer<typeof regionSweepRequestSchema>;
export type ScanRequest = ClusterScanRequest | RegionSweepRequest;

/** Input of {@link clusterScanRequestSchema} before defaults apply. */
export type ClusterScanRequestInput = z.input<typeof clusterScanRequestSchema>;

/** The time window a moment falls in: `floor(t / window)`. */
export function dedupWindow(at: Date): number {
  return Math.floor(at.getTime() / (DEDUP_WINDOW_SECONDS * 1000));
}

/**
 * Deduplication id: `account:region:cluster:window` (plus the attempt for re-enqueues).
 * With the window no longer than the queue's delivery delay, every event deduplicated
 * against a message happened before that message becomes visible, so the one scan
 * that runs sees all of them.
 */
export function scanDeduplicationId(request: ScanRequest, at: Date): string {
  const window = dedupWindow(at);
  if (request.kind === 'region-sweep') return `${request.accountId}:${request.region}:*sweep:${window}`;
  const base = `${request.accountId}:${request.region}:${request.clusterName}:${window}`;
  // API scans are explicit requests with their own id: never merged into another scan.
  if (request.scanId) return `${base}:${request.scanId}`.slice(0, 128);
  return request.attempt > 0 ? `${base}:retry${request.attempt}` : base;
}

/**
 * FIFO message group: one per cluster, so two scans of the same cluster never run at
 * once while different clusters scan in parallel.
 */
export function scanMessageGroupId(request: ScanRequest): string {
  const target = request.kind === 'region-sweep' ? '*sweep' : request.clusterName;
  return `${request.accountId}:${request.region}:${target}`;
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
  const result = scanRequestSchema.safeParse(json);
  if (result.success) return { ok: true, request: result.data };
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
  return { ok: false, error: `invalid scan message: ${path}: ${issue?.message ?? 'invalid'}` };
}

/** What {@link ScanQueuePort.enqueue} did. */
export interface EnqueueResult {
  /** Messages SQS accepted (it may still drop some as duplicates of earlier sends). */
  sent: number;
  /** Requests merged locally because another request of the batch had the same deduplication id. */
  merged: number;
  failed: { request: ScanRequest; message: string }[];
}

/** The scan queue as handlers see it (SQS FIFO in AWS). */
export interface ScanQueuePort {
  enqueue(requests: readonly ScanRequest[], now: Date): Promise<EnqueueResult>;
}
