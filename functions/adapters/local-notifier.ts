/**
 * The local notifier (CLI and local stack): prints a one-line summary of each alert and
 * appends one JSON line per alert to `<directory>/notifications.jsonl`, holding exactly
 * the SNS `Publish` input (`TopicArn` included) the deployed stack would send.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AlertDeliveryError, type AlertMessage } from '../core/alert-message.ts';
import type { Notifier } from '../core/ports.ts';

/** The topic ARN written into local lines when none is configured (no real topic exists locally). */
export const LOCAL_TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:eks-netguard-alerts';
export const NOTIFICATIONS_FILE = 'notifications.jsonl';

export interface LocalNotifierOptions {
  /** Where `notifications.jsonl` goes; default `.local` (relative to the working directory). */
  directory?: string;
  topicArn?: string;
  /** Where the summary line goes; default `console.log`. */
  log?: (line: string) => void;
}

export class LocalNotifier implements Notifier {
  readonly file: string;
  private readonly topicArn: string;
  private readonly log: (line: string) => void;
  private readonly directory: string;

  constructor(options: LocalNotifierOptions = {}) {
    this.directory = options.directory ?? '.local';
    this.file = join(this.directory, NOTIFICATIONS_FILE);
    this.topicArn = options.topicArn ?? LOCAL_TOPIC_ARN;
    this.log = options.log ?? ((line) => console.log(line));
  }

  /** @throws {AlertDeliveryError} when the file cannot be written (the alert stays pending). */
  async publish(message: AlertMessage): Promise<void> {
    const input = { TopicArn: this.topicArn, ...message };
    try {
      await mkdir(this.directory, { recursive: true });
      // One appendFile call per line: concurrent publishers never interleave within a line.
      await appendFile(this.file, `${JSON.stringify(input)}\n`, 'utf8');
    } catch (error) {
      throw new AlertDeliveryError(
        `cannot append the alert to ${this.file}: ${(error as Error).message}`,
        false,
        {
          cause: error,
        },
      );
    }
    this.log(`alert: ${message.Subject} -> ${this.file}`);
  }
}
