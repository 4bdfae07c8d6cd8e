/**
 * The AWS SDK clients the collector uses, created lazily and cached per service and
 * region. Handlers create one `AwsClients` at module scope so that warm Lambda
 * invocations reuse connections; tests inject their own.
 */
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import * as z from 'zod/mini';
// zod/mini (see core/zod-english.ts): this module is in the scan-cluster bundle.
import '../core/zod-english.ts';
import { AwsClientConfigError } from './errors.ts';

/** Retries per call: enough to ride out EC2/EKS throttling bursts with adaptive backoff. */
export const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * Socket timeouts of every call. The SDK's own defaults are "none": an endpoint that
 * accepts the connection and never answers (a stalled VPN or proxy) would hold a
 * scan forever. A timed-out attempt is retried like any transient error.
 */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;
/** Longest time for one attempt of a call; describe pages of large accounts take seconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

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
  /** Time to open a connection, in ms; default {@link DEFAULT_CONNECTION_TIMEOUT_MS}. */
  connectionTimeoutMs?: number;
  /** Longest time for one attempt, in ms; default {@link DEFAULT_REQUEST_TIMEOUT_MS}. */
  requestTimeoutMs?: number;
  /**
   * A deadline for every call of these clients (the CLI's `--timeout`): when the
   * signal fires, calls in flight are aborted on the wire and fail, like any call
   * started afterwards, with {@link AwsCallTimeoutError}.
   */
  deadline?: AwsCallDeadline;
  /** Told about every finished call (the CLI's progress display); must not throw. */
  onCallSettled?: (call: AwsCallRecord) => void;
}

export interface AwsCallDeadline {
  signal: AbortSignal;
  /** Names the deadline in error messages, e.g. `scan deadline (--timeout 10m)`. */
  description: string;
}

export interface AwsCallRecord {
  service: 'ec2' | 'eks' | 'sts';
  region: string;
  /** The API operation, e.g. `DescribeSubnets`. */
  operation: string;
  durationMs: number;
  ok: boolean;
}

/**
 * A call that had no answer when the deadline fired. Deliberately not named
 * `TimeoutError`: the SDK retries those, and after the deadline nothing may retry.
 */
export class AwsCallTimeoutError extends Error {
  override readonly name = 'AwsCallTimeoutError';
  /** The error code collection errors show (`Timeout: ListClusters got no answer…`). */
  readonly Code = 'Timeout';
  readonly operation: string;
  constructor(operation: string, deadline: AwsCallDeadline, options?: { cause?: unknown }) {
    super(`${operation} got no answer within the ${deadline.description}`, options);
    this.operation = operation;
  }
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

const timeoutMs = z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(3_600_000)));
const optionsSchema = z.object({
  endpointUrl: z.optional(z.url({ protocol: /^https?$/ })),
  maxAttempts: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(20))),
  connectionTimeoutMs: timeoutMs,
  requestTimeoutMs: timeoutMs,
});

function validate(options: AwsClientOptions): void {
  const result = optionsSchema.safeParse({
    endpointUrl: options.endpointUrl,
    maxAttempts: options.maxAttempts,
    connectionTimeoutMs: options.connectionTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue?.path.join('.') || 'options';
    throw new AwsClientConfigError(`invalid AWS client option ${key}: ${issue?.message ?? 'invalid value'}`, {
      cause: result.error,
    });
  }
}

type RequestHandlerOption = NonNullable<EC2ClientConfig['requestHandler']>;
type HandleFn = NodeHttpHandler['handle'];

function isHandler(value: RequestHandlerOption): value is NodeHttpHandler {
  return typeof (value as { handle?: unknown }).handle === 'function';
}

/**
 * The HTTP handler of one client: the injected one, or a Node handler with socket
 * timeouts. With a deadline, every request also carries its abort signal, so that a
 * call still waiting when it fires has its socket destroyed instead of left open.
 */
function requestHandlerFor(options: AwsClientOptions): RequestHandlerOption {
  const timeouts = {
    connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    // Without it the handler only logs a warning when requestTimeout passes, and waits on.
    throwOnRequestTimeout: true,
  };
  const injected = options.requestHandler;
  const handler =
    injected === undefined
      ? new NodeHttpHandler(timeouts)
      : isHandler(injected)
        ? injected
        : new NodeHttpHandler({ ...timeouts, ...(injected as object) });
  const signal = options.deadline?.signal;
  if (signal === undefined) return handler;
  const handle: HandleFn = (request, handlerOptions = {}) =>
    handler.handle(request, {
      ...handlerOptions,
      abortSignal: handlerOptions.abortSignal
        ? AbortSignal.any([handlerOptions.abortSignal as AbortSignal, signal])
        : signal,
    });
  // Same handler (config, destroy…), requests routed through the deadline.
  return Object.assign(Object.create(handler) as NodeHttpHandler, { handle });
}

type AnyClient = EC2Client | EKSClient | STSClient;

/** Rejects with `onAbort()` as soon as the signal fires (at once if it already has). */
function raceSignal<T>(promise: Promise<T>, signal: AbortSignal, onAbort: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(signal.aborted ? onAbort() : error);
      },
    );
  });
}

/**
 * Outermost middleware (before retries): enforces the deadline on the whole call,
 * retry back-off sleeps included, and reports the call's duration.
 */
function instrument<T extends AnyClient>(
  client: T,
  service: AwsCallRecord['service'],
  region: string,
  options: AwsClientOptions,
): T {
  const { deadline, onCallSettled } = options;
  if (!deadline && !onCallSettled) return client;
  // The middleware is service-agnostic; one client type names the stack's signature.
  (client as EC2Client).middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'UnknownCommand').replace(/Command$/, '');
      const started = Date.now();
      const settle = (ok: boolean) =>
        onCallSettled?.({ service, region, operation, durationMs: Date.now() - started, ok });
      try {
        const call = next(args);
        const output = deadline
          ? await raceSignal(call, deadline.signal, () => new AwsCallTimeoutError(operation, deadline))
          : await call;
        settle(true);
        return output;
      } catch (error) {
        settle(false);
        throw error;
      }
    },
    { step: 'initialize', name: 'eksNetguardDeadline', priority: 'high' },
  );
  return client;
}

/**
 * Creates the client factory. Each service+region pair gets exactly one client,
 * configured with `retryMode: 'adaptive'` (client-side rate limiting on throttling)
 * and socket timeouts.
 * @throws AwsClientConfigError when an option is invalid (names the option).
 */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  validate(options);
  const common = () => ({
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: requestHandlerFor(options),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.retryStrategy ? { retryStrategy: options.retryStrategy } : {}),
  });
  const cache = new Map<string, AnyClient>();
  function cached<T extends AnyClient>(key: string, make: () => T): T {
    let client = cache.get(key);
    if (!client) {
      client = make();
      cache.set(key, client);
    }
    return client as T;
  }
  return {
    ec2: (region) =>
      cached(`ec2:${region}`, () =>
        instrument(new EC2Client({ ...common(), region }), 'ec2', region, options),
      ),
    eks: (region) =>
      cached(`eks:${region}`, () =>
        instrument(new EKSClient({ ...common(), region }), 'eks', region, options),
      ),
    sts: (region) =>
      cached(`sts:${region}`, () =>
        instrument(new STSClient({ ...common(), region }), 'sts', region, options),
      ),
  };
}
