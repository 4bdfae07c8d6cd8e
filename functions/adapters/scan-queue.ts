/**
 * The SQS FIFO scan queue: sends scan requests in batches of ten with the VPC as
 * message group and the time-window id as deduplication id, retrying entries SQS
 * failed for reasons other than the request itself. Optionally remembers the
 * deduplication ids SQS accepted, and does not send them again while SQS would drop them.
 */
import { createHash } from 'node:crypto';
import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SendMessageBatchRequestEntry,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  type EnqueueResult,
  type ScanQueuePort,
  type ScanRequest,
  scanDeduplicationId,
  scanMessageGroupId,
} from '../core/scan-request.ts';

/** SQS limits: ten entries per batch; 128 characters for group and deduplication ids. */
const BATCH_SIZE = 10;
/** SQS FIFO drops a repeated deduplication id for five minutes after accepting it. */
const SQS_DEDUP_INTERVAL_MS = 5 * 60_000;
const MAX_ID_LENGTH = 128;
/** Attempts per entry for SQS-side failures (throttling, internal errors). */
const MAX_ENTRY_ATTEMPTS = 3;

let defaultClient: SQSClient | undefined;

/** The module's one SQS client (adaptive retries), created on first use. */
export function defaultSqsClient(): SQSClient {
  defaultClient ??= new SQSClient({ retryMode: 'adaptive', maxAttempts: 5 });
  return defaultClient;
}

/** Group and deduplication ids must fit 128 characters: long ones become a digest (still deterministic). */
export function fitSqsId(id: string): string {
  if (id.length <= MAX_ID_LENGTH) return id;
  return `h:${createHash('sha256').update(id).digest('hex')}`;
}

export class ScanQueueError extends Error {
  override readonly name = 'ScanQueueError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface ScanQueueOptions {
  queueUrl: string;
  client?: SQSClient;
  /** Pause between retry rounds (ms); tests set 0. */
  retryDelayMs?: number;
  /**
   * Remember each deduplication id SQS accepted for this long (ms, below SQS's five-minute
   * deduplication interval) and count a repeat as merged instead of sending it: SQS would
   * accept and drop it. For a sender that lives across invocations and sends the same id
   * again and again (on-change in an event storm). Default 0: remember nothing.
   */
  rememberAcceptedMs?: number;
  /** Milliseconds clock for {@link rememberAcceptedMs}; default `Date.now`. */
  clock?: () => number;
}

interface Pending {
  request: ScanRequest;
  entry: SendMessageBatchRequestEntry;
  attempts: number;
  lastError?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates the SQS-backed {@link ScanQueuePort}. */
export function createScanQueue(options: ScanQueueOptions): ScanQueuePort {
  const client = options.client ?? defaultSqsClient();
  const retryDelayMs = options.retryDelayMs ?? 200;
  const rememberMs = Math.min(options.rememberAcceptedMs ?? 0, SQS_DEDUP_INTERVAL_MS - 60_000);
  const clock = options.clock ?? Date.now;
  /** Deduplication id → when SQS accepted it (only with `rememberAcceptedMs`). */
  const accepted = new Map<string, number>();
  const remember = (dedupId: string) => {
    if (rememberMs <= 0) return;
    const at = clock();
    for (const [id, when] of accepted) {
      if (at - when < rememberMs) break; // insertion order = time order: the rest are newer
      accepted.delete(id);
    }
    accepted.set(dedupId, at);
  };
  const acceptedRecently = (dedupId: string) => {
    const when = accepted.get(dedupId);
    return when !== undefined && clock() - when < rememberMs;
  };

  async function sendBatch(batch: Pending[], result: EnqueueResult): Promise<Pending[]> {
    let response: SendMessageBatchCommandOutput;
    try {
      response = await client.send(
        new SendMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: batch.map((p) => p.entry) }),
      );
    } catch (error) {
      // The whole call failed after the SDK's own retries: every entry may be retried.
      const message = error instanceof Error ? error.message : String(error);
      for (const p of batch) p.lastError = message;
      return batch;
    }
    result.sent += response.Successful?.length ?? 0;
    for (const success of response.Successful ?? []) {
      const pending = batch.find((p) => p.entry.Id === success.Id);
      if (pending?.entry.MessageDeduplicationId) remember(pending.entry.MessageDeduplicationId);
    }
    const retry: Pending[] = [];
    for (const failure of response.Failed ?? []) {
      const pending = batch.find((p) => p.entry.Id === failure.Id);
      if (!pending) continue;
      const message = `${failure.Code ?? 'Error'}: ${failure.Message ?? 'SendMessageBatch entry failed'}`;
      // A sender fault (bad body, bad id) fails again the same way: report it instead.
      if (failure.SenderFault) result.failed.push({ request: pending.request, message });
      else {
        pending.lastError = message;
        retry.push(pending);
      }
    }
    return retry;
  }

  return {
    async enqueue(requests, now) {
      const result: EnqueueResult = { sent: 0, merged: 0, failed: [] };
      // Merge requests that SQS would deduplicate anyway: fewer calls for an event burst.
      const byDedupId = new Map<string, Pending>();
      for (const request of requests) {
        const dedupId = fitSqsId(scanDeduplicationId(request, now));
        if (byDedupId.has(dedupId) || acceptedRecently(dedupId)) {
          result.merged += 1;
          continue;
        }
        byDedupId.set(dedupId, {
          request,
          attempts: 0,
          entry: {
            Id: `m${byDedupId.size}`,
            MessageBody: JSON.stringify(request),
            MessageGroupId: fitSqsId(scanMessageGroupId(request)),
            MessageDeduplicationId: dedupId,
          },
        });
      }
      let pending = [...byDedupId.values()];
      while (pending.length > 0) {
        const next: Pending[] = [];
        for (let i = 0; i < pending.length; i += BATCH_SIZE) {
          const batch = pending.slice(i, i + BATCH_SIZE);
          for (const p of batch) p.attempts += 1;
          next.push(...(await sendBatch(batch, result)));
        }
        pending = [];
        for (const p of next) {
          if (p.attempts >= MAX_ENTRY_ATTEMPTS) {
            result.failed.push({
              request: p.request,
              message: p.lastError ?? 'SendMessageBatch entry failed',
            });
          } else pending.push(p);
        }
        if (pending.length > 0 && retryDelayMs > 0) await sleep(retryDelayMs);
      }
      return result;
    },
  };
}
