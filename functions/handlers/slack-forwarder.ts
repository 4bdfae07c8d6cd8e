/**
 * SNS-subscribed Lambda for teams without AWS Chatbot: posts each alert to a Slack
 * incoming webhook as Block Kit. The webhook URL is read from the SSM SecureString
 * parameter named by env `SLACK_WEBHOOK_PARAMETER`, cached for a few minutes (so a
 * rotated URL is picked up) and never logged.
 *
 * A failed post throws: Lambda's asynchronous retries (and its on-failure destination)
 * take over, so an alert is not silently dropped.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context, SNSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { createLogger } from '../adapters/logger.ts';
import {
  postSlackWebhook,
  SlackDeliveryError,
  slackPayloadFromSnsMessage,
} from '../adapters/slack-webhook.ts';

const CACHE_TTL_MS = 5 * 60_000;

// zod/mini (see adapters/slack-webhook.ts): ~70 KB less bundle for this small function.
/** The SSM parameter name (the `slackWebhookParameter` deploy parameter checks it too). */
export const webhookParameterNameSchema = z
  .string({
    error: 'is required: the name of the SSM SecureString parameter holding the Slack webhook URL',
  })
  .check(
    z.regex(
      /^[A-Za-z0-9_./-]{1,2048}$/,
      'must be an SSM parameter name such as /eks-netguard/slack-webhook-url',
    ),
  );
const envSchema = z.object({ SLACK_WEBHOOK_PARAMETER: webhookParameterNameSchema });

/** The forwarder's configuration is missing or invalid; the message names the variable. */
export class SlackForwarderConfigError extends Error {
  override readonly name = 'SlackForwarderConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The webhook parameter could not be read, or does not hold an https URL. */
export class WebhookParameterError extends Error {
  override readonly name = 'WebhookParameterError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Reads and validates the environment once. */
export function readForwarderEnv(env: Record<string, string | undefined>): { parameterName: string } {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SlackForwarderConfigError(`${issue?.path.join('.') ?? 'env'}: ${issue?.message ?? 'invalid'}`);
  }
  return { parameterName: parsed.data.SLACK_WEBHOOK_PARAMETER };
}

export interface ForwarderDeps {
  parameterName: string;
  ssm: SSMClient;
  logger: Logger;
  fetch?: typeof fetch;
  /** Clock for the cache; injectable in tests. */
  now?: () => number;
}

/** Builds the handler with its dependencies (the exported `handler` wires the real ones). */
export function createSlackForwarder(deps: ForwarderDeps): (event: SNSEvent) => Promise<void> {
  const now = deps.now ?? Date.now;
  let cached: { url: string; at: number } | undefined;

  async function webhookUrl(): Promise<string> {
    if (cached && now() - cached.at < CACHE_TTL_MS) return cached.url;
    let value: string | undefined;
    try {
      const out = await deps.ssm.send(
        new GetParameterCommand({ Name: deps.parameterName, WithDecryption: true }),
      );
      value = out.Parameter?.Value;
    } catch (error) {
      throw new WebhookParameterError(
        `cannot read SSM parameter ${deps.parameterName}: ${(error as Error).name}`,
        { cause: error },
      );
    }
    if (!value || !/^https:\/\/\S+$/.test(value.trim())) {
      // Say what is wrong without echoing the value (it may be a secret pasted in the wrong place).
      throw new WebhookParameterError(
        `SSM parameter ${deps.parameterName} does not hold an https:// webhook URL`,
      );
    }
    cached = { url: value.trim(), at: now() };
    return cached.url;
  }

  return async (event: SNSEvent): Promise<void> => {
    for (const record of event.Records) {
      const sns = record.Sns;
      const payload = slackPayloadFromSnsMessage(sns.Message, sns.Subject ?? undefined);
      const url = await webhookUrl();
      try {
        await postSlackWebhook(url, payload, { fetch: deps.fetch });
      } catch (error) {
        if (
          error instanceof SlackDeliveryError &&
          (error.status === 403 || error.status === 404 || error.status === 410)
        ) {
          // Revoked or rotated webhook: re-read the parameter on the retry.
          cached = undefined;
        }
        deps.logger.error('slack post failed', {
          snsMessageId: sns.MessageId,
          error: error instanceof Error ? error.message : String(error),
          status: error instanceof SlackDeliveryError ? error.status : undefined,
          retryable: error instanceof SlackDeliveryError ? error.retryable : undefined,
        });
        throw error;
      }
      deps.logger.info('posted alert to slack', {
        snsMessageId: sns.MessageId,
        subject: sns.Subject,
        blocks: payload.blocks.length,
      });
    }
  };
}

const logger = createLogger({ logLevel: 'INFO' });
let ssmClient: SSMClient | undefined;
let forwarder: ((event: SNSEvent) => Promise<void>) | undefined;

/** Lambda entry point (SNS trigger). Configuration is read and validated on the first event. */
export async function handler(event: SNSEvent, context?: Context): Promise<void> {
  if (context) logger.addContext(context);
  if (!forwarder) {
    const { parameterName } = readForwarderEnv(process.env);
    ssmClient ??= new SSMClient({ retryMode: 'adaptive' });
    forwarder = createSlackForwarder({ parameterName, ssm: ssmClient, logger });
  }
  await forwarder(event);
}
