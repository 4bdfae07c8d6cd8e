/**
 * What every part of one collection shares: the call limiter, the error list of the
 * snapshot, and the "credentials are unusable" flag that aborts the collection.
 */
import type { CollectionError, InventoryPart } from '../../core/snapshot.ts';
import { describeAwsError, isGlobalCredentialsError } from '../errors.ts';
import type { Limiter } from './concurrency.ts';

export interface CollectContext {
  limit: Limiter;
  errors: CollectionError[];
  /** Set when a call failed because no usable credentials exist; the collector throws it at the end. */
  credentialsFailure?: unknown;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs one AWS call (or one paginated sequence) under the limiter and never throws:
 * the caller decides whether a failure is an inventory error or an expected "gone".
 */
export async function attempt<T>(ctx: CollectContext, call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await ctx.limit(call) };
  } catch (error) {
    if (isGlobalCredentialsError(error)) ctx.credentialsFailure ??= error;
    return { ok: false, error };
  }
}

export interface ErrorScope {
  region: string;
  clusterName?: string;
  vpcId?: string;
  part?: InventoryPart;
}

/**
 * Appends one entry to the snapshot's `errors`.
 * @param error the SDK error, or a message when the failure is not an API error.
 */
export function recordError(ctx: CollectContext, scope: ErrorScope, operation: string, error: unknown): void {
  const message = typeof error === 'string' ? error : describeAwsError(error);
  const entry: CollectionError = { region: scope.region, operation, message };
  if (scope.clusterName !== undefined) entry.clusterName = scope.clusterName;
  if (scope.vpcId !== undefined) entry.vpcId = scope.vpcId;
  if (scope.part !== undefined) entry.part = scope.part;
  ctx.errors.push(entry);
}

/** Drains an SDK paginator into one list. */
export async function collectPages<P, T>(
  pages: AsyncIterable<P>,
  items: (page: P) => T[] | undefined,
): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...(items(page) ?? []));
  return all;
}

/** Splits `values` into chunks of at most `size`. */
export function chunk<T>(values: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
}
