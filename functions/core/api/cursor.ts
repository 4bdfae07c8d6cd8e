/**
 * Opaque pagination cursors. A cursor is `base64url(JSON payload) + "." + base64url(HMAC)`,
 * where the payload holds the position (the sort key of the last item returned) and the
 * fingerprint of the query it belongs to. Anything that does not decode, does not match
 * the strict payload schema, carries a wrong signature, or belongs to another query is
 * rejected with {@link InvalidCursorError} (a 400), never passed to the database.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
// zod/mini (see ../zod-english.ts); cursor errors carry no zod message, so no locale import.

/** Longest cursor accepted; real ones are ~150 characters. */
export const MAX_CURSOR_LENGTH = 1024;

const payloadSchema = z.strictObject({
  v: z.literal(1),
  /** Fingerprint of the query (route + filters) the cursor continues. */
  q: z.string().check(z.regex(/^[0-9a-f]{16}$/)),
  /** Sort key of the last item of the previous page. */
  k: z.string().check(z.minLength(1), z.maxLength(512)),
});

/** The position a cursor carries. */
export interface CursorPosition {
  /** Sort key of the last item already returned; the next page starts strictly after it. */
  after: string;
}

/** The cursor is garbled, forged, or from another query. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Fingerprint of a query: the route and its filters (not the limit or the cursor), so a
 * cursor cannot be replayed against a different filter whose partitions it does not fit.
 */
export function queryFingerprint(route: string, filters: Record<string, unknown>): string {
  const canonical = JSON.stringify([
    route,
    Object.entries(filters)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  ]);
  return createHmac('sha256', 'eks-netguard-query').update(canonical).digest('hex').slice(0, 16);
}

/** Encodes and signs a cursor. */
export function encodeCursor(position: CursorPosition, fingerprint: string, secret: string): string {
  const payload = Buffer.from(JSON.stringify({ v: 1, q: fingerprint, k: position.after }), 'utf8').toString(
    'base64url',
  );
  return `${payload}.${sign(payload, secret)}`;
}

/**
 * Decodes a cursor and checks it belongs to the query with `fingerprint`.
 * @throws {InvalidCursorError} with a one-line reason.
 */
export function decodeCursor(cursor: string, fingerprint: string, secret: string): CursorPosition {
  if (cursor.length > MAX_CURSOR_LENGTH) throw new InvalidCursorError('cursor is too long');
  const [payload, signature, ...rest] = cursor.split('.');
  if (!payload || !signature || rest.length > 0 || !B64URL.test(payload) || !B64URL.test(signature)) {
    throw new InvalidCursorError('cursor is malformed; pass the nextCursor of a previous page unchanged');
  }
  const expected = Buffer.from(sign(payload, secret), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new InvalidCursorError(
      'cursor signature does not match; pass the nextCursor of a previous page unchanged',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidCursorError('cursor is malformed', { cause: error });
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) throw new InvalidCursorError('cursor is malformed', { cause: parsed.error });
  if (parsed.data.q !== fingerprint) {
    throw new InvalidCursorError('cursor belongs to a different query; keep the same filters while paging');
  }
  return { after: parsed.data.k };
}

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}
