/**
 * API errors and the ONE place that maps error classes to HTTP answers. Anything not
 * recognised here is a 500 whose body carries only a request id; the details go to the log.
 */
import { SuppressionValidationError } from '../suppression.ts';
import { InvalidCursorError } from './cursor.ts';
import { type ApiLogger, ScanTargetError } from './ports.ts';

/** Base of errors that are the caller's fault (or a known server condition) with a fixed status. */
export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class BadRequestError extends ApiError {
  override readonly name = 'BadRequestError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(400, 'BAD_REQUEST', message, options);
  }
}

export class NotFoundError extends ApiError {
  override readonly name = 'NotFoundError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(404, 'NOT_FOUND', message, options);
  }
}

/** The caller may not do this here (the local stack: a write from another web origin). */
export class ForbiddenError extends ApiError {
  override readonly name = 'ForbiddenError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(403, 'FORBIDDEN', message, options);
  }
}

/** A write whose body is not declared as JSON. */
export class UnsupportedMediaTypeError extends ApiError {
  override readonly name = 'UnsupportedMediaTypeError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', message, options);
  }
}

export class MethodNotAllowedError extends ApiError {
  override readonly name = 'MethodNotAllowedError';
  constructor(
    method: string,
    path: string,
    readonly allow: readonly string[],
  ) {
    super(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; allowed: ${allow.join(', ')}`);
  }
}

export class PayloadTooLargeError extends ApiError {
  override readonly name = 'PayloadTooLargeError';
  constructor(limitBytes: number) {
    super(413, 'PAYLOAD_TOO_LARGE', `request body is over ${limitBytes / 1024} KB`);
  }
}

/** A dependency (queue, scanner) is unavailable; the caller may retry. */
export class ServiceUnavailableError extends ApiError {
  override readonly name = 'ServiceUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(503, 'SERVICE_UNAVAILABLE', message, options);
  }
}

export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: { error: { code: string; message: string } };
}

/**
 * Maps any thrown value to an HTTP answer. Caller errors keep their message (it names the
 * field); everything else is logged with `requestId` and answered generically.
 */
export function toErrorAnswer(error: unknown, requestId: string, logger: ApiLogger): ErrorAnswer {
  const mapped = known(error);
  if (mapped) {
    const headers: Record<string, string> = {};
    if (mapped instanceof MethodNotAllowedError) headers.allow = mapped.allow.join(', ');
    if (mapped.status >= 500) log(logger, error, requestId);
    const message = mapped.status >= 500 ? `${mapped.message} (request id ${requestId})` : mapped.message;
    return { status: mapped.status, headers, body: { error: { code: mapped.code, message } } };
  }
  log(logger, error, requestId);
  return {
    status: 500,
    headers: {},
    body: { error: { code: 'INTERNAL_ERROR', message: `internal error; quote request id ${requestId}` } },
  };
}

function known(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof InvalidCursorError)
    return new BadRequestError(`cursor: ${error.message}`, { cause: error });
  if (error instanceof SuppressionValidationError)
    return new BadRequestError(error.message, { cause: error });
  if (error instanceof ScanTargetError) {
    return error.field === 'cluster'
      ? new NotFoundError(`cluster: ${error.message}`, { cause: error })
      : new BadRequestError(`region: ${error.message}`, { cause: error });
  }
  return undefined;
}

function log(logger: ApiLogger, error: unknown, requestId: string): void {
  const details: Record<string, unknown> = { requestId };
  if (error instanceof Error) {
    details.errorName = error.name;
    details.errorMessage = error.message;
    details.stack = error.stack;
    if (error.cause instanceof Error) details.cause = `${error.cause.name}: ${error.cause.message}`;
  } else details.error = String(error);
  logger.error('request failed', details);
}
