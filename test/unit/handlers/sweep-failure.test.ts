/**
 * A `POST /scans` handed to the sweep asynchronously, whose invocation still failed after
 * Lambda's retries, lands in the sweep failure queue (the sweep's on-failure destination);
 * the sweep-failure function marks that scan FAILED with the reason, so `GET /scans/{id}`
 * never shows it QUEUED forever. Real findings store on an in-process dynalite.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handleSweepFailures, type SweepFailureDeps } from '../../../functions/handlers/sweep-failure.ts';
import { dynaliteForFile, freshStore } from '../../fixtures/scan-vpc-deps.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const dynalite = dynaliteForFile();
let seq = 0;

/** The record Lambda sends to an SQS on-failure destination (asynchronous invocation). */
function destinationRecord(requestPayload: unknown, responsePayload?: unknown) {
  return {
    version: '1.0',
    timestamp: '2026-03-01T11:59:58.000Z',
    requestContext: {
      requestId: 'c9b2d8a4-0000-4000-8000-000000000001',
      functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:eks-netguard-prod-sweep:$LATEST',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    ...(responsePayload === undefined ? {} : { responsePayload }),
  };
}

function sqsEvent(...bodies: unknown[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m-${i}`,
      receiptHandle: `r-${i}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: {} as SQSEvent['Records'][number]['attributes'],
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:111122223333:eks-netguard-prod-sweep-failures',
      awsRegion: 'eu-west-1',
    })),
  };
}

const apiScan = (scanId: string) => ({
  kind: 'api-scan',
  scanId,
  accountId: '111122223333',
  region: 'eu-west-1',
  requestedAt: '2026-03-01T11:58:00.000Z',
});

async function world() {
  const { store } = await freshStore(dynalite(), `sweep-failure-${++seq}`);
  const logger = new Logger({ logLevel: 'SILENT' });
  const deps: SweepFailureDeps = { scans: store, logger, now: () => NOW };
  return { store, deps };
}

describe('sweep failure queue', () => {
  it('marks the API scan FAILED with the sweep error and the attempt count', async () => {
    const { store, deps } = await world();
    await store.createScan({
      scanId: 'scan-1',
      trigger: 'api',
      status: 'QUEUED',
      errors: [],
      tracksClusters: true,
    });

    const result = await handleSweepFailures(
      sqsEvent(
        destinationRecord(apiScan('scan-1'), {
          errorType: 'HandlerConfigError',
          errorMessage:
            'environment variable SCAN_REGIONS is invalid: must be "all" or a comma-separated list',
        }),
      ),
      deps,
    );

    expect(result).toEqual({ batchItemFailures: [] });
    const scan = await store.getScan('scan-1');
    expect(scan?.status).toBe('FAILED');
    expect(scan?.finishedAt).toBe(NOW.toISOString());
    expect(scan?.errors).toEqual([
      expect.objectContaining({
        operation: 'SweepApiScan',
        region: 'eu-west-1',
        message: expect.stringMatching(
          /sweep failed after 3 attempts \(RetriesExhausted\): HandlerConfigError: environment variable SCAN_REGIONS/,
        ),
      }),
    ]);
  });

  it('says the sweep timed out or expired when Lambda gives no error payload', async () => {
    const { store, deps } = await world();
    await store.createScan({
      scanId: 'scan-2',
      trigger: 'api',
      status: 'QUEUED',
      errors: [],
      tracksClusters: true,
    });
    const record = destinationRecord({ ...apiScan('scan-2'), region: undefined });
    record.requestContext.condition = 'EventAgeExceeded';

    await handleSweepFailures(sqsEvent(record), deps);

    const scan = await store.getScan('scan-2');
    expect(scan?.status).toBe('FAILED');
    expect(scan?.errors[0]?.message).toMatch(/\(EventAgeExceeded\): no error reported/);
  });

  it('consumes failed scheduled sweeps and unreadable messages without touching any scan (logged only)', async () => {
    const { deps } = await world();
    const aborted: string[] = [];
    deps.scans = {
      abortScan: async (scanId: string) => {
        aborted.push(scanId);
      },
    };
    const scheduled = {
      id: 'evt-1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '111122223333',
    };

    const result = await handleSweepFailures(sqsEvent(destinationRecord(scheduled), 'not json'), deps);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(aborted).toEqual([]);
  });

  it('keeps a message whose scan could not be updated, for a later retry', async () => {
    const { deps } = await world();
    deps.scans = {
      abortScan: async () => {
        throw new Error('throttled');
      },
    };

    const result = await handleSweepFailures(sqsEvent(destinationRecord(apiScan('scan-3'))), deps);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-0' }] });
  });

  it('treats a scan record that no longer exists as done (TTL removed it)', async () => {
    const { deps } = await world();

    const result = await handleSweepFailures(sqsEvent(destinationRecord(apiScan('gone'))), deps);

    expect(result).toEqual({ batchItemFailures: [] });
  });
});
