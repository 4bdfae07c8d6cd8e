import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_TOPIC_ARN, LocalNotifier } from '../../../functions/adapters/local-notifier.ts';
import { AlertDeliveryError, buildClusterAlert } from '../../../functions/core/alert-message.ts';
import { exampleAlertInput } from '../../fixtures/alert-examples.ts';

describe('LocalNotifier', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'netguard-notify-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends one line per alert holding exactly the Publish input, TopicArn included, and prints a summary', async () => {
    const lines: string[] = [];
    const message = buildClusterAlert(exampleAlertInput())!;
    const notifier = new LocalNotifier({ directory: join(dir, 'nested'), log: (l) => lines.push(l) });
    await notifier.publish(message);
    await notifier.publish(message);
    const written = (await readFile(join(dir, 'nested', 'notifications.jsonl'), 'utf8')).split('\n');
    expect(written).toHaveLength(3); // two lines and the trailing newline
    expect(JSON.parse(written[0]!)).toEqual({ TopicArn: LOCAL_TOPIC_ARN, ...message });
    expect(written[2]).toBe('');
    expect(lines[0]).toBe(`alert: ${message.Subject} -> ${join(dir, 'nested', 'notifications.jsonl')}`);
  });

  it('uses a configured topic ARN', async () => {
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:team-alerts';
    await new LocalNotifier({ directory: dir, topicArn, log: () => {} }).publish(
      buildClusterAlert(exampleAlertInput())!,
    );
    const line = JSON.parse((await readFile(join(dir, 'notifications.jsonl'), 'utf8')).trim());
    expect(line.TopicArn).toBe(topicArn);
  });

  it('surfaces an unwritable directory as AlertDeliveryError so the alert stays pending', async () => {
    const blocker = join(dir, 'file');
    await writeFile(blocker, 'not a directory');
    const notifier = new LocalNotifier({ directory: blocker, log: () => {} });
    await expect(notifier.publish(buildClusterAlert(exampleAlertInput())!)).rejects.toBeInstanceOf(
      AlertDeliveryError,
    );
  });
});
