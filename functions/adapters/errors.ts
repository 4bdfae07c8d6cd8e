/**
 * Errors raised by the adapters, and the small helpers that classify AWS SDK errors.
 * Adapters turn SDK failures into these classes (or into snapshot `errors` entries) so
 * that callers never have to inspect SDK internals or print an SDK stack trace.
 */

/** No usable AWS credentials (missing, expired or rejected). The CLI exits 2 on it. */
export class AwsCredentialsError extends Error {
  override readonly name = 'AwsCredentialsError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The AWS client options are invalid (bad endpoint URL, bad retry count…). */
export class AwsClientConfigError extends Error {
  override readonly name = 'AwsClientConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The collector was called with invalid options (no region, a malformed region name…). */
export class CollectOptionsError extends Error {
  override readonly name = 'CollectOptionsError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A failure that makes the whole collection impossible (e.g. the account id cannot be read). */
export class CollectionFailedError extends Error {
  override readonly name = 'CollectionFailedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function shape(error: unknown): SdkErrorShape {
  return error !== null && typeof error === 'object' ? (error as SdkErrorShape) : {};
}

/** The AWS error code of an SDK error (`AccessDeniedException`, `InvalidGroup.NotFound`…). */
export function awsErrorCode(error: unknown): string | undefined {
  const { name, Code } = shape(error);
  if (typeof Code === 'string' && Code !== '') return Code;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** The HTTP status of an SDK error, when the service answered. */
export function httpStatusOf(error: unknown): number | undefined {
  const status = shape(error).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** One line describing an SDK error: `Code: message` (never a stack trace). */
export function describeAwsError(error: unknown): string {
  const code = awsErrorCode(error);
  const raw = shape(error).message;
  const message = typeof raw === 'string' ? raw.split('\n')[0]?.trim() : String(error);
  if (!message || message === 'UnknownError') {
    const status = httpStatusOf(error);
    return `${code ?? 'Error'}${status ? ` (HTTP ${status})` : ''}`;
  }
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}

/** True for EKS `ResourceNotFoundException` (the resource no longer exists). */
export function isResourceNotFound(error: unknown): boolean {
  return awsErrorCode(error) === 'ResourceNotFoundException';
}

/**
 * Errors meaning "these credentials cannot be used at all", whatever the region:
 * none could be resolved, or they expired. Region-specific auth failures (an opt-in
 * region that is disabled answers `AuthFailure`/`UnrecognizedClientException`) are not
 * in this list: they are per-region collection errors.
 */
const GLOBAL_CREDENTIAL_CODES = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
]);

/** Errors STS `GetCallerIdentity` answers when the credentials are invalid. */
const STS_CREDENTIAL_CODES = new Set([
  ...GLOBAL_CREDENTIAL_CODES,
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'AuthFailure',
  'AccessDenied',
]);

/** True when the error means the credentials are unusable everywhere. */
export function isGlobalCredentialsError(error: unknown): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && GLOBAL_CREDENTIAL_CODES.has(code);
}

/** True when an STS `GetCallerIdentity` failure is a credentials problem. */
export function isStsCredentialsError(error: unknown): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && STS_CREDENTIAL_CODES.has(code);
}
