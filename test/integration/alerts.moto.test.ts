/**
 * Alerts against a real SNS wire protocol (moto): an SQS queue subscribed with raw
 * delivery OFF receives exactly what an AWS Chatbot / Lambda / e-mail subscriber's
 * envelope holds, and subscription filter policies match (or not) on the attributes.
 *
 * Needs MOTO_ENDPOINT (e.g. http://127.0.0.1:5000). Without it the suite is skipped with
 * a loud message — except under CI=true, where it fails.
 */
import { randomUUID } from 'node:crypto';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SnsNotifier } from '../../functions/adapters/sns-notifier.ts';
import { type AlertMessage, buildClusterAlert } from '../../functions/core/alert-message.ts';
import { exampleAlertInput } from '../fixtures/alert-examples.ts';

const endpoint = process.env.MOTO_ENDPOINT;
const inCi = process.env.CI === 'true';
if (!endpoint) {
  console.warn(
    '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' +
      '!!! alerts.moto.test.ts SKIPPED: MOTO_ENDPOINT is not set.\n' +
      '!!! Start moto (moto_server -H 127.0.0.1 -p <port>) and export MOTO_ENDPOINT.\n' +
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n',
  );
}

describe.runIf(!endpoint && inCi)('alerts against moto (CI)', () => {
  it('requires MOTO_ENDPOINT under CI=true', () => {
    expect.fail('MOTO_ENDPOINT must be set when CI=true (see .ci/run)');
  });
});

// A region and names of our own, so this file never collides with others sharing one moto.
const REGION = 'ap-southeast-2';
const RUN = randomUUID().slice(0, 8);
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

interface Envelope {
  Type: string;
  TopicArn: string;
  Subject: string;
  Message: string;
  MessageAttributes: Record<string, { Type: string; Value: string }>;
}

describe.runIf(endpoint)('alerts through moto SNS to SQS subscribers', () => {
  const sns = new SNSClient({ region: REGION, endpoint, credentials });
  const sqs = new SQSClient({ region: REGION, endpoint, credentials });
  const queues = new Map<string, string>();
  let topicArn = '';
  let alert: AlertMessage;

  /** name → filter policy (undefined = no filter). */
  const subscribers: Record<string, Record<string, unknown> | undefined> = {
    all: undefined,
    'high-or-critical': { severity: ['HIGH', 'CRITICAL'] },
    'critical-only': { severity: ['CRITICAL'] },
    'this-cluster': { clusterName: ['demo'], accountId: ['123456789012'], region: ['us-east-1'] },
    'other-cluster': { clusterName: ['prod-payments'] },
    'sg-rules': { ruleIds: ['sg-open-ingress'] },
    'az-rules': { ruleIds: ['subnet-single-az'] },
    'new-problems': { transition: ['OPENED', 'REOPENED', 'UNSUPPRESSED'] },
    'resolutions-only': { transition: ['RESOLVED'] },
  };

  beforeAll(async () => {
    alert = buildClusterAlert(exampleAlertInput())!;
    const topic = await sns.send(new CreateTopicCommand({ Name: `eks-netguard-alerts-${RUN}` }));
    topicArn = topic.TopicArn!;
    for (const [name, policy] of Object.entries(subscribers)) {
      const queue = await sqs.send(new CreateQueueCommand({ QueueName: `alerts-${RUN}-${name}` }));
      const attrs = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl!, AttributeNames: ['QueueArn'] }),
      );
      await sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: attrs.Attributes!.QueueArn!,
          Attributes: {
            RawMessageDelivery: 'false',
            ...(policy
              ? { FilterPolicy: JSON.stringify(policy), FilterPolicyScope: 'MessageAttributes' }
              : {}),
          },
        }),
      );
      queues.set(name, queue.QueueUrl!);
    }
    await new SnsNotifier({ topicArn, client: sns }).publish(alert);
  });

  async function received(name: string): Promise<Envelope[]> {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.get(name)!, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    return (out.Messages ?? []).map((m) => JSON.parse(m.Body!) as Envelope);
  }

  it('delivers one SNS envelope whose Message is the Chatbot default body, with subject and attributes', async () => {
    const messages = await received('all');
    expect(messages).toHaveLength(1);
    const [envelope] = messages;
    expect(envelope?.Type).toBe('Notification');
    expect(envelope?.TopicArn).toBe(topicArn);
    expect(envelope?.Subject).toBe(alert.Subject);
    expect(envelope?.Message).toBe((JSON.parse(alert.Message) as { default: string }).default);
    const chat = JSON.parse(envelope!.Message);
    expect(chat).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
    });
    expect(chat.metadata.threadId).toBe('eks-netguard/123456789012/us-east-1/demo');
    expect(envelope?.MessageAttributes).toEqual({
      severity: { Type: 'String', Value: 'HIGH' },
      clusterName: { Type: 'String', Value: 'demo' },
      accountId: { Type: 'String', Value: '123456789012' },
      region: { Type: 'String', Value: 'us-east-1' },
      transition: { Type: 'String', Value: 'OPENED' },
      ruleIds: {
        Type: 'String.Array',
        Value: '["endpoint-public-open","sg-open-ingress","subnet-ip-exhaustion"]',
      },
    });
  });

  it('matches a severity filter on the highest severity in the message', async () => {
    expect(await received('high-or-critical')).toHaveLength(1);
    expect(await received('critical-only')).toHaveLength(0);
  });

  it('matches a cluster filter (clusterName, accountId, region) only for that cluster', async () => {
    expect(await received('this-cluster')).toHaveLength(1);
    expect(await received('other-cluster')).toHaveLength(0);
  });

  it('matches a ruleIds filter when any rule of the message is listed (String.Array)', async () => {
    expect(await received('sg-rules')).toHaveLength(1);
    expect(await received('az-rules')).toHaveLength(0);
  });

  it('matches a transition filter on the most significant kind', async () => {
    expect(await received('new-problems')).toHaveLength(1);
    expect(await received('resolutions-only')).toHaveLength(0);
  });
});
