import {
  AuthorizationErrorException,
  InternalErrorException,
  PublishCommand,
  SNSClient,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { NotifierConfigError, SnsNotifier } from '../../../functions/adapters/sns-notifier.ts';
import { AlertDeliveryError, buildClusterAlert } from '../../../functions/core/alert-message.ts';
import { exampleAlertInput } from '../../fixtures/alert-examples.ts';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:eks-netguard-alerts';
const client = new SNSClient({ region: 'us-east-1' });
const sns = mockClient(client);
const message = buildClusterAlert(exampleAlertInput())!;

async function deliveryError(promise: Promise<unknown>): Promise<AlertDeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AlertDeliveryError);
  return error as AlertDeliveryError;
}

describe('SnsNotifier', () => {
  beforeEach(() => sns.reset());

  it('publishes exactly the built alert to the topic', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await new SnsNotifier({ topicArn: TOPIC, client }).publish(message);
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ TopicArn: TOPIC, ...message });
  });

  it('surfaces SNS throttling as a retryable AlertDeliveryError carrying the cause', async () => {
    const throttled = new ThrottledException({
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 },
    });
    sns.on(PublishCommand).rejects(throttled);
    const error = await deliveryError(new SnsNotifier({ topicArn: TOPIC, client }).publish(message));
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(throttled);
    expect(error.message).toMatch(
      /^SNS Publish to arn:aws:sns:.* failed \(retryable\): ThrottledException: Rate exceeded$/,
    );
  });

  it('surfaces an SNS outage (internal error, 503, no connection) as a retryable AlertDeliveryError', async () => {
    const notifier = new SnsNotifier({ topicArn: TOPIC, client });
    const internal = new InternalErrorException({ message: 'internal', $metadata: { httpStatusCode: 500 } });
    const unavailable = Object.assign(new Error('Service Unavailable'), {
      name: 'ServiceUnavailable',
      $metadata: { httpStatusCode: 503 },
    });
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
    for (const failure of [internal, unavailable, refused]) {
      sns.reset();
      sns.on(PublishCommand).rejects(failure);
      const error = await deliveryError(notifier.publish(message));
      expect(error.retryable).toBe(true);
      expect(error.cause).toBe(failure);
    }
  });

  it('marks errors a retry cannot fix (access denied) as not retryable, still as AlertDeliveryError', async () => {
    sns.on(PublishCommand).rejects(
      new AuthorizationErrorException({
        message: 'not authorized to SNS:Publish',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const error = await deliveryError(new SnsNotifier({ topicArn: TOPIC, client }).publish(message));
    expect(error.retryable).toBe(false);
  });

  it('refuses a malformed topic ARN at construction with a clear message', () => {
    expect(() => new SnsNotifier({ topicArn: 'eks-netguard-alerts', client })).toThrow(NotifierConfigError);
    expect(() => new SnsNotifier({ topicArn: 'eks-netguard-alerts', client })).toThrow(
      /is not an SNS topic ARN/,
    );
  });
});
