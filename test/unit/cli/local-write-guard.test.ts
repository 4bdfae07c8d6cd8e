import { describe, expect, it } from 'vitest';
import { checkWrite, ownOrigins } from '../../../functions/cli/local/write-guard.ts';
import { ForbiddenError, UnsupportedMediaTypeError } from '../../../functions/core/api/errors.ts';

const ORIGINS = ownOrigins('127.0.0.1', 3000);
const JSON_TYPE = 'application/json';

describe('local stack write guard', () => {
  it('lets reads through whatever their origin or content type', () => {
    expect(() => checkWrite({ method: 'GET', origin: 'http://evil.example' }, ORIGINS)).not.toThrow();
    expect(() => checkWrite({ method: 'HEAD' }, ORIGINS)).not.toThrow();
  });

  it('refuses a write from another origin, a DNS-rebinding host name, or an opaque "null" origin', () => {
    for (const origin of [
      'http://evil.example',
      'http://evil.example:3000',
      'null',
      'http://127.0.0.1:3001',
    ]) {
      expect(() => checkWrite({ method: 'POST', origin, contentType: JSON_TYPE }, ORIGINS)).toThrow(
        ForbiddenError,
      );
    }
  });

  it('accepts a JSON write from the page of its own origin, under any loopback name, or with no Origin (curl)', () => {
    for (const origin of ['http://127.0.0.1:3000', 'http://localhost:3000', 'http://[::1]:3000', undefined]) {
      expect(() => checkWrite({ method: 'POST', origin, contentType: JSON_TYPE }, ORIGINS)).not.toThrow();
    }
    expect(() =>
      checkWrite({ method: 'DELETE', contentType: 'application/json; charset=utf-8' }, ORIGINS),
    ).not.toThrow();
  });

  it('refuses a write not declared as JSON (text/plain, a form, or no Content-Type), saying what to send', () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      expect(() => checkWrite({ method: 'POST', contentType }, ORIGINS)).toThrow(UnsupportedMediaTypeError);
    }
    expect(() => checkWrite({ method: 'POST', contentType: 'text/plain' }, ORIGINS)).toThrow(
      /Content-Type: application\/json \(got "text\/plain"\)/,
    );
  });

  it('counts the bound host and, bound to every interface, each machine address as its own origin', () => {
    expect(ownOrigins('192.168.1.20', 8080).has('http://192.168.1.20:8080')).toBe(true);
    const all = ownOrigins('0.0.0.0', 8080, ['10.0.0.5', 'fe80::1']);
    expect(all.has('http://10.0.0.5:8080')).toBe(true);
    expect(all.has('http://[fe80::1]:8080')).toBe(true);
    expect(all.has('http://0.0.0.0:8080')).toBe(false);
  });
});
