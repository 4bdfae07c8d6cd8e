import { Logger } from '@aws-lambda-powertools/logger';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SlackDeliveryError, slackPayloadFromSnsMessage } from '../../../functions/adapters/slack-webhook.ts';
import { buildClusterAlert } from '../../../functions/core/alert-message.ts';
import {
  createSlackForwarder,
  readForwarderEnv,
  SlackForwarderConfigError,
  WebhookParameterError,
} from '../../../functions/handlers/slack-forwarder.ts';
import { exampleAlertInput } from '../../fixtures/alert-examples.ts';

const PARAMETER = '/eks-netguard/slack-webhook-url';
const WEBHOOK = 'https://hooks.slack.com/services/T000SECRET/B000SECRET/XXXXsecretXXXX';
const ssmClient = new SSMClient({ region: 'us-east-1' });
const ssm = mockClient(ssmClient);

/** What SNS delivers to a subscribed Lambda: the `default` body of our JSON-structured message. */
function snsEvent(): SNSEvent {
  const alert = buildClusterAlert(exampleAlertInput())!;
  const body = JSON.parse(alert.Message) as { default: string };
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:eks-netguard-alerts:1b2c',
        Sns: {
          Type: 'Notification',
          MessageId: 'e7a1c2d3-0000-4000-8000-000000000001',
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:eks-netguard-alerts',
          Subject: alert.Subject,
          Message: body.default,
          Timestamp: '2026-03-09T08:00:05.000Z',
          SignatureVersion: '1',
          Signature: 'sig',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/cert.pem',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: {
            severity: { Type: 'String', Value: 'HIGH' },
            clusterName: { Type: 'String', Value: 'demo' },
          },
        },
      },
    ],
  };
}

interface Captured {
  output: string[];
  posts: { url: string; body: unknown }[];
}

function fakeFetch(captured: Captured, status = 200, text = 'ok'): typeof fetch {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    captured.posts.push({ url: String(url), body: JSON.parse(String(init?.body)) });
    return new Response(text, { status });
  }) as typeof fetch;
}

describe('slack-forwarder', () => {
  let captured: Captured;
  let logger: Logger;

  beforeEach(() => {
    ssm.reset();
    captured = { output: [], posts: [] };
    // Capture everything Powertools writes, to prove the webhook URL never reaches a log.
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        captured.output.push(String(chunk));
        return true;
      });
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        captured.output.push(args.map(String).join(' '));
      });
    }
    logger = new Logger({ serviceName: 'test', logLevel: 'DEBUG' });
    ssm
      .on(GetParameterCommand, { Name: PARAMETER, WithDecryption: true })
      .resolves({ Parameter: { Value: WEBHOOK } });
  });
  afterEach(() => vi.restoreAllMocks());

  it('posts a Block Kit message built from the Chatbot notification to the webhook from SSM', async () => {
    const forward = createSlackForwarder({
      parameterName: PARAMETER,
      ssm: ssmClient,
      logger,
      fetch: fakeFetch(captured),
    });
    await forward(snsEvent());
    expect(captured.posts).toHaveLength(1);
    expect(captured.posts[0]?.url).toBe(WEBHOOK);
    const body = captured.posts[0]?.body as {
      text: string;
      blocks: { type: string; text?: { text: string } }[];
    };
    expect(body.text).toBe('eks-netguard: 2 opened, 1 resolved on demo (us-east-1), highest HIGH');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'divider', 'section', 'context']);
    expect(body.blocks[0]?.text?.text).toContain('2 opened, 1 resolved on cluster demo');
    expect(body.blocks[1]?.text?.text).toContain('`endpoint-public-open`');
    expect(body.blocks[3]?.text?.text).toMatch(/^\*Next steps\*\n• /);
  });

  it('reads the SSM parameter once and serves later events from the cache', async () => {
    const forward = createSlackForwarder({
      parameterName: PARAMETER,
      ssm: ssmClient,
      logger,
      fetch: fakeFetch(captured),
    });
    await forward(snsEvent());
    await forward(snsEvent());
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
    expect(captured.posts).toHaveLength(2);
  });

  it('re-reads the parameter after the cache expires (a rotated URL is picked up)', async () => {
    let clock = 0;
    const forward = createSlackForwarder({
      parameterName: PARAMETER,
      ssm: ssmClient,
      logger,
      fetch: fakeFetch(captured),
      now: () => clock,
    });
    await forward(snsEvent());
    clock += 6 * 60_000;
    await forward(snsEvent());
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('throws on a Slack failure so Lambda retries, and never logs the webhook URL', async () => {
    const forward = createSlackForwarder({
      parameterName: PARAMETER,
      ssm: ssmClient,
      logger,
      fetch: fakeFetch(captured, 500, `upstream error for ${WEBHOOK}`),
    });
    const error = await forward(snsEvent()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect((error as SlackDeliveryError).retryable).toBe(true);
    expect((error as Error).message).not.toContain('T000SECRET');
    const logs = captured.output.join('\n');
    expect(logs).toContain('slack post failed');
    expect(logs).not.toContain('T000SECRET');
    expect(logs).not.toContain('hooks.slack.com/services');
  });

  it('does not leak the URL when the network call itself fails', async () => {
    const failing = (async () => {
      throw new TypeError(`fetch failed: ${WEBHOOK}`);
    }) as typeof fetch;
    const forward = createSlackForwarder({
      parameterName: PARAMETER,
      ssm: ssmClient,
      logger,
      fetch: failing,
    });
    const error = (await forward(snsEvent()).catch((e: unknown) => e)) as SlackDeliveryError;
    expect(error.message).toBe('Slack webhook unreachable (TypeError)');
    expect(String((error.cause as Error).message)).not.toContain('T000SECRET');
    expect(captured.output.join('\n')).not.toContain('T000SECRET');
  });

  it('forgets the cached URL when Slack says the webhook is gone (404), so the retry re-reads SSM', async () => {
    const forward = createSlackForwarder({
      parameterName: PARAMETER,
      ssm: ssmClient,
      logger,
      fetch: fakeFetch(captured, 404, 'no_service'),
    });
    await expect(forward(snsEvent())).rejects.toThrow('Slack webhook answered HTTP 404 (no_service)');
    await expect(forward(snsEvent())).rejects.toThrow(SlackDeliveryError);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('fails with a clear error when the parameter is missing or holds no https URL, without echoing its value', async () => {
    ssm.reset();
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    const forward = createSlackForwarder({
      parameterName: PARAMETER,
      ssm: ssmClient,
      logger,
      fetch: fakeFetch(captured),
    });
    await expect(forward(snsEvent())).rejects.toThrow(
      new WebhookParameterError(`cannot read SSM parameter ${PARAMETER}: ParameterNotFound`),
    );
    ssm.reset();
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'xoxb-not-a-url-secret' } });
    const error = (await forward(snsEvent()).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(`SSM parameter ${PARAMETER} does not hold an https:// webhook URL`);
    expect(captured.posts).toHaveLength(0);
  });

  it('requires SLACK_WEBHOOK_PARAMETER, naming the variable', () => {
    expect(() => readForwarderEnv({})).toThrow(SlackForwarderConfigError);
    expect(() => readForwarderEnv({})).toThrow(/^SLACK_WEBHOOK_PARAMETER: is required/);
    expect(readForwarderEnv({ SLACK_WEBHOOK_PARAMETER: PARAMETER })).toEqual({ parameterName: PARAMETER });
  });
});

describe('slackPayloadFromSnsMessage', () => {
  it('posts a message that is not a Chatbot notification as plain text instead of dropping it', () => {
    const payload = slackPayloadFromSnsMessage('hello from a manual test publish', 'Test');
    expect(payload).toEqual({
      text: 'Test',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Test', emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: 'hello from a manual test publish' } },
      ],
    });
  });

  it('keeps every block within Slack limits for a 5,000-transition digest', () => {
    const example = exampleAlertInput();
    const big = Array.from({ length: 5000 }, () => example.transitions).flat();
    const alert = buildClusterAlert({ ...example, transitions: big })!;
    const payload = slackPayloadFromSnsMessage((JSON.parse(alert.Message) as { default: string }).default);
    for (const block of payload.blocks) {
      if (block.type === 'header') expect(block.text!.text.length).toBeLessThanOrEqual(150);
      if (block.type === 'section') expect(block.text!.text.length).toBeLessThanOrEqual(3000);
    }
  });
});
