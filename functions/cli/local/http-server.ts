/**
 * The local stack's HTTP server: adapts Node requests to the same router the Lambda uses
 * (as API Gateway would: query joined by commas, body as text, a request id), and serves
 * the findings console (`/` and `/console/*`). It binds its port before the stack does anything else (a taken
 * port fails at once), answers 503 until the first sweep is done, and refuses writes from
 * other web origins (see write-guard.ts).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { ConsoleAssets } from '../../adapters/console-assets.ts';
import { ServiceUnavailableError, toErrorAnswer } from '../../core/api/errors.ts';
import type { ApiLogger } from '../../core/api/ports.ts';
import { type ApiRequest, handleApiRequest } from '../../core/api/router.ts';
import type { ApiDeps } from '../../core/api/routes.ts';
import { MAX_BODY_BYTES } from '../../core/api/schemas.ts';
import type { ProxyAnswer, ProxyRequest } from './api-proxy.ts';
import { checkWrite, isWildcardHost, ownOrigins, urlHost } from './write-guard.ts';

export const DEFAULT_HOST = '127.0.0.1';

/** The server could not bind; the message is one line saying what to do. */
export class LocalHttpListenError extends Error {
  override readonly name = 'LocalHttpListenError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface LocalHttpOptions {
  port: number;
  /** Interface to bind (default 127.0.0.1: only this machine can connect). */
  host?: string;
  /** The console served at `/` and `/console/*`. */
  console: ConsoleAssets;
  /** Caller identity of every request (no auth locally). */
  caller: () => { id: string; accountId: string };
  /** Where failures outside the router go (a broken connection). */
  logger: ApiLogger;
  /** `--api-url`: API requests go to a deployed API (signed) instead of the local router. */
  proxy?: (request: ProxyRequest) => Promise<ProxyAnswer>;
}

export interface LocalHttpServer {
  /** The URL to open (loopback when bound to every interface). */
  url: string;
  port: number;
  host: string;
  /** Starts answering the API with `deps`; until then API requests get a 503. */
  serve(deps: ApiDeps): void;
  close(): Promise<void>;
}

/** Reads the body, keeping at most one byte more than the limit so oversize is still detected. */
async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    if (size <= MAX_BODY_BYTES) chunks.push(buffer);
    size += buffer.length;
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES + 1);
}

/** Node request → the router's transport-neutral request (payload v2 semantics). */
export async function toApiRequest(
  request: IncomingMessage,
  caller: ApiRequest['caller'],
  requestId: string = randomUUID(),
): Promise<ApiRequest> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const query: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
  const body = await readBody(request);
  return {
    method: request.method ?? 'GET',
    path: url.pathname,
    query,
    ...(body.length > 0 ? { body: body.toString('base64'), isBase64Encoded: true } : {}),
    caller,
    requestId,
  };
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function sendJson(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: unknown,
): void {
  send(
    response,
    status,
    { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    JSON.stringify(body),
  );
}

const STARTING = new ServiceUnavailableError(
  'the local stack is still running its first sweep; retry in a few seconds',
);

function listenMessage(error: NodeJS.ErrnoException, host: string, port: number): string {
  const where = `${urlHost(host)}:${port}`;
  if (error.code === 'EADDRINUSE')
    return `${where} is already in use; stop what is using it, or pick another port with --port N (or PORT=N)`;
  if (error.code === 'EACCES')
    return `${where}: permission denied (ports below 1024 need privileges); pick another port with --port N`;
  if (error.code === 'EADDRNOTAVAIL')
    return `${where}: ${host} is not an address of this machine; pass --host with one of its addresses`;
  return `cannot listen on ${where}: ${error.message}`;
}

/** Binds `host:port` (127.0.0.1 by default) and starts answering; the API waits for {@link LocalHttpServer.serve}. */
export async function startLocalHttpServer(options: LocalHttpOptions): Promise<LocalHttpServer> {
  const host = options.host ?? DEFAULT_HOST;
  let deps: ApiDeps | undefined;
  let origins = new Set<string>();
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const page =
      request.method === 'GET' || request.method === 'HEAD' ? options.console.answer(path) : undefined;
    if (page) {
      send(response, page.status, page.headers, page.body);
      return;
    }
    const requestId = randomUUID();
    try {
      // Before the body is read: a refused write never reaches the router.
      checkWrite(
        {
          method: request.method ?? 'GET',
          origin: request.headers.origin,
          contentType: request.headers['content-type'],
        },
        origins,
      );
    } catch (error) {
      const answer = toErrorAnswer(error, requestId, options.logger);
      // The refused body is never read: close the connection rather than drain it.
      const headers = { ...answer.headers, connection: 'close', 'x-request-id': requestId };
      sendJson(response, answer.status, headers, answer.body);
      return;
    }
    const { proxy } = options;
    if (proxy) {
      readBody(request)
        .then((body) =>
          proxy({
            method: request.method ?? 'GET',
            url: request.url ?? '/',
            contentType: request.headers['content-type'],
            body,
          }),
        )
        .then((answer) =>
          send(response, answer.status, { ...answer.headers, 'x-request-id': requestId }, answer.body),
        )
        .catch((error: unknown) => {
          options.logger.error('forwarding to the deployed API failed', { error: String(error) });
          if (!response.headersSent) {
            const message = `the deployed API could not be reached or signed for: ${(error as Error).message}`;
            sendJson(
              response,
              502,
              { 'x-request-id': requestId },
              { error: { code: 'BAD_GATEWAY', message } },
            );
          }
        });
      return;
    }
    if (!deps) {
      // Expected while the first sweep runs: answered, not logged.
      const headers = { 'retry-after': '2', 'x-request-id': requestId };
      sendJson(response, 503, headers, { error: { code: STARTING.code, message: STARTING.message } });
      return;
    }
    const ready = deps;
    toApiRequest(request, options.caller(), requestId)
      .then((apiRequest) => handleApiRequest(apiRequest, ready))
      .then((answer) => send(response, answer.statusCode, answer.headers, answer.body))
      .catch((error: unknown) => {
        // handleApiRequest never throws; this is a broken connection while reading the body.
        options.logger.error('local request failed', { error: String(error) });
        if (!response.headersSent) {
          sendJson(
            response,
            400,
            {},
            { error: { code: 'BAD_REQUEST', message: 'could not read the request' } },
          );
        }
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new LocalHttpListenError(listenMessage(error, host, options.port), { cause: error })),
    );
    server.listen(options.port, host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origins = ownOrigins(host, port, isWildcardHost(host) ? interfaceAddresses() : []);
  const shown = isWildcardHost(host) ? DEFAULT_HOST : host;
  return {
    url: `http://${urlHost(shown)}:${port}`,
    port,
    host,
    serve(next) {
      deps = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Addresses of this machine's interfaces (the origins its page may have when bound to all). */
function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((entries) =>
    (entries ?? []).map((entry) => entry.address),
  );
}
