import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  queryFingerprint,
} from '../../../functions/core/api/cursor.ts';

const SECRET = 'unit-test-secret';
const FINDINGS = queryFingerprint('findings', { status: 'OPEN' });

describe('page cursors', () => {
  it('round-trips the position for the same query', () => {
    // Arrange
    const cursor = encodeCursor({ after: '2026-01-01T00:00:00.000Z#abc' }, FINDINGS, SECRET);
    // Act
    const position = decodeCursor(cursor, FINDINGS, SECRET);
    // Assert
    expect(position).toEqual({ after: '2026-01-01T00:00:00.000Z#abc' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('ignores undefined filters and key order in the fingerprint', () => {
    expect(queryFingerprint('findings', { a: '1', b: undefined, c: '2' })).toBe(
      queryFingerprint('findings', { c: '2', a: '1' }),
    );
  });

  it('rejects a cursor of another query', () => {
    const cursor = encodeCursor({ after: 'x' }, FINDINGS, SECRET);
    const other = queryFingerprint('findings', { status: 'RESOLVED' });
    expect(() => decodeCursor(cursor, other, SECRET)).toThrow(/different query/);
  });

  it('rejects a cursor signed with another secret (forged)', () => {
    const cursor = encodeCursor({ after: 'x' }, FINDINGS, 'attacker');
    expect(() => decodeCursor(cursor, FINDINGS, SECRET)).toThrow(/signature/);
  });

  it('rejects a payload edited after signing', () => {
    const [, signature] = encodeCursor({ after: 'x' }, FINDINGS, SECRET).split('.');
    const edited = Buffer.from(JSON.stringify({ v: 1, q: FINDINGS, k: 'y' })).toString('base64url');
    expect(() => decodeCursor(`${edited}.${signature}`, FINDINGS, SECRET)).toThrow(InvalidCursorError);
  });

  it.each(['', 'abc', 'a.b.c', '!!!.???', 'x'.repeat(2000)])('rejects garbage %#', (garbage) => {
    expect(() => decodeCursor(garbage, FINDINGS, SECRET)).toThrow(InvalidCursorError);
  });

  it('rejects a correctly signed payload that breaks the strict schema', () => {
    // A leaked secret still cannot smuggle extra keys or types into the query.
    const payload = Buffer.from(JSON.stringify({ v: 1, q: FINDINGS, k: { $ne: 1 } })).toString('base64url');
    const signature = createHmac('sha256', SECRET).update(payload).digest('base64url');
    expect(() => decodeCursor(`${payload}.${signature}`, FINDINGS, SECRET)).toThrow(/malformed/);
  });
});
