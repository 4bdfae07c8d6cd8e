/**
 * Optional direct Slack delivery (teams with AWS Chatbot need none of it): turns the
 * Chatbot custom notification carried in the SNS message into a Block Kit message and
 * posts it to a Slack incoming webhook. The webhook URL is a secret: it never appears in
 * an error message or a log line.
 */
// zod/mini, not zod: this module and the forwarder are the slack-forwarder Lambda's only
// zod users, and mini (functions instead of methods) tree-shakes to ~20 KB where the
// classic API bundles ~90 KB; it is that function's largest cost over the SDK client.
import * as z from 'zod/mini';

/** Slack limits: header text 150 chars, section text 3,000, context element 2,000. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const CONTEXT_MAX = 2000;
const DEFAULT_TIMEOUT_MS = 10_000;

export interface SlackBlock {
  type: 'header' | 'section' | 'context' | 'divider';
  text?: { type: 'plain_text' | 'mrkdwn'; text: string; emoji?: boolean };
  elements?: { type: 'mrkdwn'; text: string }[];
}

/** Body of an incoming-webhook POST: `text` is the notification/fallback text, `blocks` the layout. */
export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

const chatbotNotificationSchema = z.object({
  version: z.literal('1.0'),
  source: z.literal('custom'),
  id: z.optional(z.string()),
  content: z.object({
    textType: z.optional(z.string()),
    title: z.optional(z.string()),
    description: z.string(),
    nextSteps: z.optional(z.array(z.string())),
    keywords: z.optional(z.array(z.string())),
  }),
  metadata: z.optional(
    z.object({
      threadId: z.optional(z.string()),
      summary: z.optional(z.string()),
      eventType: z.optional(z.string()),
      relatedResources: z.optional(z.array(z.string())),
      additionalContext: z.optional(z.record(z.string(), z.string())),
    }),
  ),
});

/**
 * Block Kit for an SNS message body. A Chatbot custom notification (what eks-netguard
 * publishes) becomes header + description + next steps + context; anything else (a test
 * message published by hand) is posted as plain text rather than dropped.
 */
export function slackPayloadFromSnsMessage(message: string, subject?: string): SlackPayload {
  const notification = parseNotification(message);
  if (!notification) {
    const text = truncate(message, SECTION_MAX);
    return {
      text: truncate(subject ?? text, SECTION_MAX),
      blocks: [
        ...(subject ? [{ type: 'header' as const, text: plain(subject) }] : []),
        { type: 'section', text: { type: 'mrkdwn', text } },
      ],
    };
  }
  const { content, metadata } = notification;
  const blocks: SlackBlock[] = [];
  if (content.title) blocks.push({ type: 'header', text: plain(content.title) });
  blocks.push({
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(content.description, SECTION_MAX) },
  });
  if (content.nextSteps?.length) {
    const steps = content.nextSteps.map((step) => `• ${step}`).join('\n');
    blocks.push({ type: 'divider' });
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`*Next steps*\n${steps}`, SECTION_MAX) },
    });
  }
  const context = metadata?.additionalContext ?? {};
  const facts = ['accountId', 'region', 'clusterName', 'scanId']
    .filter((key) => context[key])
    .map((key) => `${key}: \`${context[key]}\``)
    .join('  ·  ');
  if (facts)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(facts, CONTEXT_MAX) }] });
  return { text: truncate(metadata?.summary ?? content.title ?? content.description, SECTION_MAX), blocks };
}

/** Posting to Slack failed; the message never contains the webhook URL. */
export class SlackDeliveryError extends Error {
  override readonly name = 'SlackDeliveryError';
  constructor(
    message: string,
    /** HTTP status, when Slack answered. */
    readonly status: number | undefined,
    /** True for 429, 5xx and network failures. */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface PostOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * POSTs the payload to the incoming webhook. Slack answers 200 `ok`, or an error code in
 * the body (`invalid_payload`, `no_service`, `channel_is_archived`…).
 * @throws {SlackDeliveryError}
 */
export async function postSlackWebhook(
  url: string,
  payload: SlackPayload,
  options: PostOptions = {},
): Promise<void> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (error) {
    // fetch errors can echo the request URL; keep only the error's class, and scrub the cause.
    const kind = error instanceof Error ? error.name : 'error';
    throw new SlackDeliveryError(`Slack webhook unreachable (${kind})`, undefined, true, {
      cause: scrub(error, url),
    });
  }
  if (response.ok) return;
  const body = scrubText((await response.text().catch(() => '')).slice(0, 200), url);
  const retryable = response.status === 429 || response.status >= 500;
  throw new SlackDeliveryError(
    `Slack webhook answered HTTP ${response.status}${body ? ` (${body})` : ''}`,
    response.status,
    retryable,
  );
}

function parseNotification(message: string): z.infer<typeof chatbotNotificationSchema> | undefined {
  try {
    const parsed = chatbotNotificationSchema.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function plain(text: string): { type: 'plain_text'; text: string; emoji: true } {
  return { type: 'plain_text', text: truncate(text.replace(/\s+/g, ' '), HEADER_MAX), emoji: true };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function scrubText(text: string, secret: string): string {
  return secret ? text.split(secret).join('<webhook-url>') : text;
}

function scrub(error: unknown, secret: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  const scrubbed = new Error(scrubText(message, secret));
  scrubbed.name = error instanceof Error ? error.name : 'Error';
  return scrubbed;
}
