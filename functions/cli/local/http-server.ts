/**
 * The local stack's HTTP server: adapts Node requests to the same router the Lambda uses
 * (as API Gateway would: query joined by commas, body as text, a request id), and serves
 * the HTML page at `/`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApiRequest, handleApiRequest } from '../../core/api/router.ts';
import type { ApiDeps } from '../../core/api/routes.ts';
import { MAX_BODY_BYTES } from '../../core/api/schemas.ts';

export interface LocalHttpOptions {
  port: number;
  deps: ApiDeps;
  /** The page served at `/`. */
  html: string;
  /** Caller identity of every request (no auth locally). */
  caller: () => { id: string; accountId: string };
}

export interface LocalHttpServer {
  url: string;
  port: number;
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
    requestId: randomUUID(),
  };
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** Starts the server on 127.0.0.1. */
export async function startLocalHttpServer(options: LocalHttpOptions): Promise<LocalHttpServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if ((path === '/' || path === '/index.html') && (request.method === 'GET' || request.method === 'HEAD')) {
      send(
        response,
        200,
        { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
        options.html,
      );
      return;
    }
    toApiRequest(request, options.caller())
      .then((apiRequest) => handleApiRequest(apiRequest, options.deps))
      .then((answer) => send(response, answer.statusCode, answer.headers, answer.body))
      .catch((error: unknown) => {
        // handleApiRequest never throws; this is a broken connection while reading the body.
        options.deps.logger.error('local request failed', { error: String(error) });
        if (!response.headersSent) {
          send(
            response,
            400,
            { 'content-type': 'application/json' },
            JSON.stringify({ error: { code: 'BAD_REQUEST', message: 'could not read the request' } }),
          );
        }
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
