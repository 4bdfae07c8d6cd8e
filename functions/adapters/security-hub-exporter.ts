/**
 * The Security Hub exporter (deploy parameter `securityHub=true`): imports findings in
 * ASFF with `BatchImportFindings` and sets their workflow with `BatchUpdateFindings`, at
 * most 100 findings per call (both APIs' limit). It never throws: whatever Security Hub
 * refused — per finding (`FailedFindings`, `UnprocessedFindings`) or for a whole call
 * (AccessDenied, Security Hub not enabled, an outage) — is returned so the scan service
 * keeps it pending for the next scan, and is logged. A refusal that retrying cannot fix is
 * logged at ERROR with the message {@link EXPORT_FAILED_MESSAGE}, which the
 * `SecurityHubExportErrors` metric filter counts and alarms on (infra/alarms.yml).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import type { AwsSecurityFinding } from '../core/asff.ts';
import type { SecurityHubFailure, SecurityHubPort, SecurityHubWorkflowUpdate } from '../core/ports.ts';
import { NOTE_AUTHOR } from '../core/security-hub-sync.ts';

/** Findings per BatchImportFindings / BatchUpdateFindings call (the APIs' maximum). */
export const SECURITY_HUB_BATCH_SIZE = 100;
/** The log message of a failure retrying will not fix; infra/alarms.yml filters on it. */
export const EXPORT_FAILED_MESSAGE = 'Security Hub export failed';

/** What the exporter needs of a client: tests and the bench inject their own. */
export type SecurityHubSender = Pick<SecurityHubClient, 'send'>;

const clients = new Map<string, SecurityHubClient>();

/** The module's client for a region (findings go to the Security Hub of their own region). */
export function defaultSecurityHubClient(region: string): SecurityHubClient {
  let client = clients.get(region);
  if (!client) {
    client = new SecurityHubClient({ region, retryMode: 'adaptive', maxAttempts: 5 });
    clients.set(region, client);
  }
  return client;
}

export interface SecurityHubExporterOptions {
  /** The client of a region; defaults to {@link defaultSecurityHubClient}. */
  clientFor?: (region: string) => SecurityHubSender;
  logger?: Pick<Logger, 'error' | 'warn'>;
}

/** Error names (whole calls) and codes (single findings) that mean "try again later". */
const RETRYABLE = /throttl|toomanyrequests|limitexceeded|internal|serviceunavailable|timeout/i;

function isRetryableCode(code: string): boolean {
  return RETRYABLE.test(code);
}

/** A whole call that failed, as the failure of each finding it carried. */
function callFailure(error: unknown): Omit<SecurityHubFailure, 'findingId'> {
  if (!(error instanceof Error)) return { code: 'Unknown', message: String(error), retryable: true };
  const sdk = error as Error & { $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = sdk.$metadata?.httpStatusCode;
  // No HTTP status: no answer at all (DNS, reset, timeout) — an outage, worth retrying.
  const retryable =
    isRetryableCode(error.name) ||
    Boolean(sdk.$retryable) ||
    status === undefined ||
    status >= 500 ||
    status === 429;
  return { code: error.name, message: error.message.split('\n')[0] ?? '', retryable };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class SecurityHubExporter implements SecurityHubPort {
  private readonly clientFor: (region: string) => SecurityHubSender;
  private readonly logger: Pick<Logger, 'error' | 'warn'> | undefined;

  constructor(options: SecurityHubExporterOptions = {}) {
    this.clientFor = options.clientFor ?? defaultSecurityHubClient;
    this.logger = options.logger;
  }

  async importFindings(
    region: string,
    findings: readonly AwsSecurityFinding[],
  ): Promise<SecurityHubFailure[]> {
    const failures: SecurityHubFailure[] = [];
    const batches = chunks(findings, SECURITY_HUB_BATCH_SIZE);
    for (const [index, batch] of batches.entries()) {
      try {
        const answer = await this.clientFor(region).send(new BatchImportFindingsCommand({ Findings: batch }));
        const refused = (answer.FailedFindings ?? []).map((f) => {
          const code = f.ErrorCode ?? 'Unknown';
          return {
            findingId: f.Id ?? '',
            code,
            message: f.ErrorMessage ?? '',
            retryable: isRetryableCode(code),
          };
        });
        this.log('BatchImportFindings', region, refused, batch.length);
        failures.push(...refused);
      } catch (error) {
        // The same refusal would meet every later batch (AccessDenied, an outage): skip them.
        const rest = batches.slice(index).flat();
        const refused = rest.map((f) => ({ findingId: f.Id, ...callFailure(error) }));
        this.log('BatchImportFindings', region, refused, rest.length);
        failures.push(...refused);
        break;
      }
    }
    return failures;
  }

  async updateWorkflow(region: string, update: SecurityHubWorkflowUpdate): Promise<SecurityHubFailure[]> {
    const failures: SecurityHubFailure[] = [];
    const batches = chunks(update.findings, SECURITY_HUB_BATCH_SIZE);
    for (const [index, batch] of batches.entries()) {
      try {
        const answer = await this.clientFor(region).send(
          new BatchUpdateFindingsCommand({
            FindingIdentifiers: batch.map((f) => ({ Id: f.id, ProductArn: f.productArn })),
            Workflow: { Status: update.status },
            Note: { Text: update.note, UpdatedBy: NOTE_AUTHOR },
          }),
        );
        const refused = (answer.UnprocessedFindings ?? []).map((f) => {
          const code = f.ErrorCode ?? 'Unknown';
          return {
            findingId: f.FindingIdentifier?.Id ?? '',
            code,
            message: f.ErrorMessage ?? '',
            retryable: isRetryableCode(code),
          };
        });
        this.log('BatchUpdateFindings', region, refused, batch.length);
        failures.push(...refused);
      } catch (error) {
        const rest = batches.slice(index).flat();
        const refused = rest.map((f) => ({ findingId: f.id, ...callFailure(error) }));
        this.log('BatchUpdateFindings', region, refused, rest.length);
        failures.push(...refused);
        break;
      }
    }
    return failures;
  }

  /** One line per call with failures: ERROR (alarmed) unless every failure is retryable. */
  private log(operation: string, region: string, failures: SecurityHubFailure[], sent: number): void {
    if (!this.logger || failures.length === 0) return;
    const codes = [...new Set(failures.map((f) => f.code))];
    const retryable = failures.every((f) => f.retryable);
    const details = {
      operation,
      region,
      errorCodes: codes,
      failed: failures.length,
      sent,
      retryable,
      firstError: failures[0]?.message,
      hint: codes.some((c) => /AccessDenied/i.test(c))
        ? 'the scan role lacks securityhub:BatchImportFindings/BatchUpdateFindings (deploy with securityHub=true)'
        : codes.some((c) => /InvalidAccess/i.test(c))
          ? `Security Hub is not enabled in ${region}`
          : undefined,
      pending: 'the findings stay pending and are sent again with the next scan of their cluster',
    };
    if (retryable) this.logger.warn(EXPORT_FAILED_MESSAGE, details);
    else this.logger.error(EXPORT_FAILED_MESSAGE, details);
  }
}
