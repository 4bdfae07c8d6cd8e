/**
 * Consumes the sweep's on-failure destination (an SQS queue): an asynchronous sweep
 * invocation that still failed after Lambda's two retries (a timeout, a crash, a bad
 * configuration at start) arrives here as Lambda's destination record. For a
 * `POST /scans` handed to the sweep, the scan is marked FAILED with the reason, so it
 * never stays QUEUED; a failed scheduled sweep is logged (its alarm has already fired).
 *
 * Its own function, not the sweep's: a sweep that cannot start must not be the one that
 * records that it could not start.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { createFindingsStore } from '../adapters/findings-store.ts';
import { createLogger } from '../adapters/logger.ts';
import { apiScanRequestSchema } from '../core/api-scan-request.ts';
import type { ScanError } from '../core/ports.ts';
import { envSchemas, readEnv } from './env.ts';

export interface SweepFailureDeps {
  scans: { abortScan(scanId: string, finishedAt: string, errors: ScanError[]): Promise<void> };
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  now: () => Date;
}

/** What Lambda sends to an on-failure destination (fields this function reads). */
const destinationRecordSchema = z.looseObject({
  requestContext: z.looseObject({
    condition: z.optional(z.string()),
    approximateInvokeCount: z.optional(z.number()),
  }),
  requestPayload: z.unknown(),
  responsePayload: z.optional(
    z.looseObject({ errorType: z.optional(z.string()), errorMessage: z.optional(z.string()) }),
  ),
});

/** The scan record's error line: why and after how many attempts the sweep gave up. */
function failureMessage(record: z.infer<typeof destinationRecordSchema>): string {
  const attempts = record.requestContext.approximateInvokeCount;
  const condition = record.requestContext.condition ?? 'unknown condition';
  const { errorType, errorMessage } = record.responsePayload ?? {};
  const error = errorMessage
    ? `${errorType ? `${errorType}: ` : ''}${errorMessage}`
    : 'no error reported (the sweep timed out, or the event expired before it ran)';
  const after = attempts ? `after ${attempts} attempt${attempts === 1 ? '' : 's'} ` : '';
  return `sweep failed ${after}(${condition}): ${error}`.slice(0, 1000);
}

function parseBody(body: string): z.infer<typeof destinationRecordSchema> | undefined {
  try {
    const parsed = destinationRecordSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const isMissingScan = (error: unknown) =>
  (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';

/** Handles one batch; a record whose scan could not be updated is reported for a retry. */
export async function handleSweepFailures(
  event: SQSEvent,
  deps: SweepFailureDeps,
): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const message of event.Records) {
    const record = parseBody(message.body);
    if (!record) {
      deps.logger.error('unreadable sweep failure record dropped', { messageId: message.messageId });
      continue;
    }
    const reason = failureMessage(record);
    const request = apiScanRequestSchema.safeParse(record.requestPayload);
    if (!request.success) {
      deps.logger.error('scheduled sweep failed', { reason, event: record.requestPayload });
      continue;
    }
    const { scanId, region } = request.data;
    try {
      await deps.scans.abortScan(scanId, deps.now().toISOString(), [
        { message: reason, operation: 'SweepApiScan', ...(region ? { region } : {}) },
      ]);
      deps.logger.warn('api scan marked FAILED', { scanId, reason });
    } catch (error) {
      if (isMissingScan(error)) {
        deps.logger.warn('failed api scan has no scan record any more', { scanId, reason });
        continue;
      }
      deps.logger.error('cannot mark api scan FAILED; retried later', {
        scanId,
        error: error instanceof Error ? error.message : String(error),
      });
      batchItemFailures.push({ itemIdentifier: message.messageId });
    }
  }
  return { batchItemFailures };
}

const logger = createLogger();
let deps: SweepFailureDeps | undefined;

function defaultDeps(): SweepFailureDeps {
  const env = readEnv({ TABLE_NAME: envSchemas.tableName }, process.env);
  return { scans: createFindingsStore({ tableName: env.TABLE_NAME }), logger, now: () => new Date() };
}

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  deps ??= defaultDeps();
  if (context) logger.addContext(context);
  return handleSweepFailures(event, deps);
}
