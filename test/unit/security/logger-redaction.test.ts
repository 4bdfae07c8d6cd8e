/**
 * Logs never carry credentials, session tokens or webhook URLs: the shared logger
 * redacts them whatever the call site passes (message, extra keys, persistent keys,
 * errors), and every handler logs through that logger.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, REDACTED, redactSecrets } from '../../../functions/adapters/logger.ts';

const WEBHOOK = 'https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/abcdefghijklmnopqrstuvwx';
const ACCESS_KEY_ID = 'ASIAZZZZZZZZZZZZZZZZ';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYq';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexamplesessiontoken0123456789';
const SECRETS = [WEBHOOK, ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, 'T0AAAAAAA/B0BBBBBBB'];

let lines: string[];

beforeEach(() => {
  lines = [];
  // Powertools writes through a Console bound to process.stdout/stderr.
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
});

function assertNoSecret(output: string): void {
  for (const secret of SECRETS) expect(output, `leaked ${secret.slice(0, 12)}…`).not.toContain(secret);
}

describe('shared logger redaction', () => {
  it('redacts a webhook URL and credentials in the message, extra keys, persistent keys and errors', () => {
    // Arrange
    const logger = createLogger({ logLevel: 'INFO' });
    logger.appendPersistentKeys({ webhookUrl: WEBHOOK });
    const error = new Error(`POST ${WEBHOOK} failed; token ${SESSION_TOKEN}`);
    // Act
    logger.info(`posting to ${WEBHOOK}`);
    logger.error('collector failed', {
      credentials: {
        accessKeyId: ACCESS_KEY_ID,
        secretAccessKey: SECRET_ACCESS_KEY,
        sessionToken: SESSION_TOKEN,
      },
      env: `AWS_ACCESS_KEY_ID=${ACCESS_KEY_ID} aws_secret_access_key=${SECRET_ACCESS_KEY}`,
      headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=x', 'X-Amz-Security-Token': SESSION_TOKEN },
      urls: [`https://s3.amazonaws.com/b/k?X-Amz-Security-Token=${encodeURIComponent(SESSION_TOKEN)}&a=1`],
      error,
    });
    // Assert
    const output = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    assertNoSecret(output);
    expect(output).toContain(REDACTED);
    // What is not secret stays readable: the operator still learns what failed.
    expect(output).toContain('collector failed');
    expect(output).toContain('posting to');
  });

  it('keeps ordinary identifiers (cluster names, security group ids, ARNs) intact', () => {
    // Arrange
    const logger = createLogger({ logLevel: 'INFO' });
    const details = {
      clusterName: 'prod-eu',
      groupId: 'sg-0123456789abcdef0',
      arn: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod-eu',
      roleId: 'AROAEXAMPLEROLEID0001',
    };
    // Act
    logger.info('cluster scanned', details);
    // Assert
    const logged = JSON.parse(lines.join(''));
    expect(logged).toMatchObject(details);
  });

  it('redacts secret-shaped substrings in plain text', () => {
    expect(redactSecrets(`url=${WEBHOOK} key=${ACCESS_KEY_ID}`)).toBe(`url=${REDACTED} key=${REDACTED}`);
    expect(redactSecrets('Authorization: Bearer abc.def.ghi')).toBe(`Authorization: Bearer ${REDACTED}`);
  });

  it('is the logger of every handler (no handler builds its own Powertools Logger)', () => {
    // Arrange
    const dir = join(import.meta.dirname, '../../../functions/handlers');
    // env.ts holds schemas and deploy-params.ts runs at packaging time: neither is a Lambda.
    const handlers = readdirSync(dir).filter(
      (f) => f.endsWith('.ts') && f !== 'env.ts' && f !== 'deploy-params.ts',
    );
    // Act
    const offenders = handlers.filter((f) => /new Logger\(/.test(readFileSync(join(dir, f), 'utf8')));
    const users = handlers.filter((f) => /createLogger\(/.test(readFileSync(join(dir, f), 'utf8')));
    // Assert
    expect(handlers.length).toBeGreaterThanOrEqual(5);
    expect(offenders).toEqual([]);
    expect(users.sort()).toEqual(handlers.sort());
  });
});
