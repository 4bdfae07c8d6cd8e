/**
 * The AWS SDK clients the collector uses, created lazily and cached per service and
 * region. Handlers create one `AwsClients` at module scope so that warm Lambda
 * invocations reuse connections; tests inject their own.
 */
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { STSClient } from '@aws-sdk/client-sts';
import * as z from 'zod/mini';
// zod/mini (see core/zod-english.ts): this module is in the scan-cluster bundle.
import '../core/zod-english.ts';
import { AwsClientConfigError } from './errors.ts';

/** Retries per call: enough to ride out EC2/EKS throttling bursts with adaptive backoff. */
export const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * Static credentials or a credentials provider (`AwsCredentialIdentity |
 * AwsCredentialIdentityProvider`), taken from the client config type so that no
 * transitive package has to be imported.
 */
export type AwsCredentialsOption = NonNullable<EC2ClientConfig['credentials']>;

export interface AwsClientOptions {
  /** Points every client at an emulator (moto) or a VPC endpoint. */
  endpointUrl?: string;
  maxAttempts?: number;
  credentials?: AwsCredentialsOption;
  /**
   * Replaces the adaptive retry strategy. Tests inject one that retries without
   * sleeping, so fault-injection runs stay fast; production leaves it unset.
   */
  retryStrategy?: EC2ClientConfig['retryStrategy'];
  /** Replaces the HTTP handler (tests wrap the real one to inject faults on the wire). */
  requestHandler?: EC2ClientConfig['requestHandler'];
}

export interface AwsClients {
  ec2(region: string): EC2Client;
  eks(region: string): EKSClient;
  sts(region: string): STSClient;
}

/**
 * Static credentials for emulators, which accept any key but still need a signed
 * request. Never use against real AWS.
 */
export const EMULATOR_CREDENTIALS = {
  accessKeyId: 'testing',
  secretAccessKey: 'testing',
} as const satisfies AwsCredentialsOption;

const optionsSchema = z.object({
  endpointUrl: z.optional(z.url({ protocol: /^https?$/ })),
  maxAttempts: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(20))),
});

function validate(options: AwsClientOptions): void {
  const result = optionsSchema.safeParse({
    endpointUrl: options.endpointUrl,
    maxAttempts: options.maxAttempts,
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue?.path.join('.') || 'options';
    throw new AwsClientConfigError(`invalid AWS client option ${key}: ${issue?.message ?? 'invalid value'}`, {
      cause: result.error,
    });
  }
}

/**
 * Creates the client factory. Each service+region pair gets exactly one client,
 * configured with `retryMode: 'adaptive'` (client-side rate limiting on throttling).
 * @throws AwsClientConfigError when an option is invalid (names the option).
 */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  validate(options);
  const common = {
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.retryStrategy ? { retryStrategy: options.retryStrategy } : {}),
    ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
  };
  const cache = new Map<string, EC2Client | EKSClient | STSClient>();
  function cached<T extends EC2Client | EKSClient | STSClient>(key: string, make: () => T): T {
    let client = cache.get(key);
    if (!client) {
      client = make();
      cache.set(key, client);
    }
    return client as T;
  }
  return {
    ec2: (region) => cached(`ec2:${region}`, () => new EC2Client({ ...common, region })),
    eks: (region) => cached(`eks:${region}`, () => new EKSClient({ ...common, region })),
    sts: (region) => cached(`sts:${region}`, () => new STSClient({ ...common, region })),
  };
}
