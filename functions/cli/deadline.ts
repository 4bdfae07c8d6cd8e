/**
 * The whole-scan deadline (`--timeout`). Every AWS call is bounded by it (the clients
 * abort calls in flight when it fires); the collection as a whole gets a short grace
 * after it, for whatever is not an AWS call (a credentials provider, a stuck socket).
 */
import ms from 'ms';
import { UsageError } from './errors.ts';

export const DEFAULT_TIMEOUT = '10m';

/** Time after the deadline for the aborted calls to be recorded and the report printed. */
export const DEADLINE_GRACE_MS = 3_000;

const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/**
 * Parses a duration such as `90s`, `10m`, `1h`, `500ms`.
 * A bare number is refused: `ms` would read `--timeout 90` as 90 milliseconds.
 */
export function parseTimeout(value: string): number {
  const text = value.trim();
  const parsed = /^\d+(\.\d+)?$/.test(text) ? undefined : ms(text as ms.StringValue);
  if (parsed === undefined || !Number.isFinite(parsed) || parsed <= 0 || parsed > MAX_TIMEOUT_MS) {
    throw new UsageError(
      `invalid --timeout "${value}": expected a duration with a unit, up to 24h, such as 90s, 10m or 1h`,
    );
  }
  return Math.round(parsed);
}

/** Raised when the collection itself outlives the deadline plus its grace. */
export class ScanDeadlineError extends Error {
  override readonly name = 'ScanDeadlineError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Settles like `work`, or rejects with ScanDeadlineError `graceMs` after `signal` fires.
 * The grace timer exists only once the signal fired, so a finished scan leaves no timer.
 */
export function settleBeforeDeadline<T>(
  work: Promise<T>,
  signal: AbortSignal,
  graceMs: number,
  description: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      timer = setTimeout(
        () => reject(new ScanDeadlineError(`the scan did not finish within the ${description}`)),
        graceMs,
      );
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      signal.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
    };
    work.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}
