/**
 * The SNS notifier: publishes the alert built by `core/alert-message.ts` to the alert
 * topic, unchanged (AWS Chatbot subscribes for Slack, e-mail subscribes for the `email`
 * body). Any SNS failure becomes an {@link AlertDeliveryError} so the scan service keeps
 * the alert pending and sends it on the next attempt.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AlertDeliveryError, type AlertMessage } from '../core/alert-message.ts';
import type { Notifier } from '../core/ports.ts';

let defaultClient: SNSClient | undefined;

/** The module's one SNS client (adaptive retries absorb short throttling), created on first use. */
export function defaultSnsClient(): SNSClient {
  defaultClient ??= new SNSClient({ retryMode: 'adaptive', maxAttempts: 5 });
  return defaultClient;
}

export interface SnsNotifierOptions {
  topicArn: string;
  /** Injected in tests and when pointing at an emulator; defaults to the module client. */
  client?: SNSClient;
}

/** Standard SNS topic ARN, any partition. */
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** Error names that mean "try again later" rather than "this will never work". */
const RETRYABLE_NAMES = new Set([
  'Throttled',
  'ThrottledException',
  'ThrottlingException',
  'KMSThrottlingException',
  'InternalError',
  'InternalErrorException',
  'ServiceUnavailable',
  'RequestTimeout',
  'TimeoutError',
]);

/** The notifier was configured with something unusable (e.g. a malformed topic ARN). */
export class NotifierConfigError extends Error {
  override readonly name = 'NotifierConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class SnsNotifier implements Notifier {
  readonly topicArn: string;
  private readonly client: SNSClient;

  constructor(options: SnsNotifierOptions) {
    if (options.topicArn.endsWith('.fifo')) {
      throw new NotifierConfigError(
        `alert topic ARN "${options.topicArn}" is a FIFO topic; use a standard topic (AWS Chatbot and e-mail cannot subscribe to FIFO topics)`,
      );
    }
    if (!TOPIC_ARN.test(options.topicArn)) {
      throw new NotifierConfigError(
        `alert topic ARN "${options.topicArn}" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)`,
      );
    }
    this.topicArn = options.topicArn;
    this.client = options.client ?? defaultSnsClient();
  }

  /** @throws {AlertDeliveryError} when SNS rejects or cannot be reached; `retryable` says which. */
  async publish(message: AlertMessage): Promise<void> {
    try {
      await this.client.send(new PublishCommand({ TopicArn: this.topicArn, ...message }));
    } catch (error) {
      const retryable = isRetryable(error);
      const detail =
        error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
      throw new AlertDeliveryError(
        `SNS Publish to ${this.topicArn} failed (${retryable ? 'retryable' : 'not retryable'}): ${detail}`,
        retryable,
        { cause: error },
      );
    }
  }
}

function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  const sdk = error as Error & { $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (RETRYABLE_NAMES.has(error.name) || sdk.$retryable) return true;
  const status = sdk.$metadata?.httpStatusCode;
  // No HTTP status: the request never got an answer (DNS, connection reset, timeout) — an outage.
  return status === undefined || status >= 500 || status === 429;
}
