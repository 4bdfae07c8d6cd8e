/**
 * Who may write to the local stack's API. The local API has no authentication (it serves
 * the user's own machine), so any web page the user has open could otherwise POST to it:
 * a `no-cors` `text/plain` request needs no CORS preflight and carries a JSON body. Two
 * rules close that, the ones browsers make enforceable:
 *
 * - a write must say `Content-Type: application/json`: a page of another origin can only
 *   send that after a CORS preflight, which this server never grants;
 * - a write that carries an `Origin` must carry the stack's own: browsers always send
 *   `Origin` on POST and DELETE, so a page elsewhere (including a DNS-rebinding one, whose
 *   origin is its own host name) is refused. Tools such as curl send none and are allowed.
 */
import { ForbiddenError, UnsupportedMediaTypeError } from '../../core/api/errors.ts';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/** Whether `host` is the loopback interface (only this machine can connect). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Whether `host` means every interface. */
export function isWildcardHost(host: string): boolean {
  return WILDCARD_HOSTS.has(host);
}

/** `host` as it appears in a URL (IPv6 in brackets). */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The origins of the stack's own page: the loopback names, the host it is bound to, and,
 * bound to every interface, each address of this machine (`interfaceAddresses`).
 */
export function ownOrigins(
  host: string,
  port: number,
  interfaceAddresses: readonly string[] = [],
): Set<string> {
  const hosts = [...LOOPBACK_NAMES];
  if (isWildcardHost(host)) hosts.push(...interfaceAddresses);
  else hosts.push(host);
  return new Set(hosts.map((h) => `http://${urlHost(h).toLowerCase()}:${port}`));
}

export interface WriteRequest {
  method: string;
  /** The `Origin` header, if any. */
  origin?: string | undefined;
  /** The `Content-Type` header, if any. */
  contentType?: string | undefined;
}

/**
 * @throws {ForbiddenError} a write from another origin (answered 403).
 * @throws {UnsupportedMediaTypeError} a write not declared as JSON (answered 415).
 */
export function checkWrite(request: WriteRequest, origins: ReadonlySet<string>): void {
  if (READS.has(request.method.toUpperCase())) return;
  if (request.origin !== undefined && !origins.has(request.origin.toLowerCase())) {
    throw new ForbiddenError(
      `writes are refused from origin ${request.origin}: only the stack's own page (${[...origins][0]}) or a tool that sends no Origin may write`,
    );
  }
  const mediaType = request.contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new UnsupportedMediaTypeError(
      `writes need the header Content-Type: application/json (got ${request.contentType ? `"${request.contentType}"` : 'none'}); with curl add -H 'content-type: application/json'`,
    );
  }
}
