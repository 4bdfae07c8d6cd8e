/**
 * `npm start -- --api-url URL`: the console on this machine, talking to a deployed API
 * that uses IAM auth. A browser cannot SigV4-sign, so the local server forwards each API
 * request to the deployed API signed with the user's AWS credentials (the SDK's default
 * chain: environment, profile, SSO, instance role), and hands the answer back unchanged.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** The API URL or its region cannot be used; the message says what to pass. */
export class ApiProxyConfigError extends Error {
  override readonly name = 'ApiProxyConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface ApiProxyOptions {
  /** The deployed API's base URL (stage path included when it has one). */
  apiUrl: string;
  /** Region of the API; default: read from an `execute-api` host name. */
  region?: string;
  /** Default: the SDK's default credential chain. */
  credentials?: ReturnType<typeof defaultProvider>;
  fetch?: typeof fetch;
}

export interface ProxyRequest {
  method: string;
  /** Path and query as the browser sent them (`/findings?status=OPEN`). */
  url: string;
  contentType?: string | undefined;
  body: Buffer;
}

export interface ProxyAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z]{2}(-[a-z]+)+-\d{1,2})\.amazonaws\.com(\.cn)?$/;

/** Region of an API Gateway URL, or undefined for a custom domain. */
export function regionOfApiUrl(url: URL): string | undefined {
  return EXECUTE_API_HOST.exec(url.hostname)?.[1];
}

/** A function forwarding one request to the deployed API, SigV4-signed. */
export function createApiProxy(options: ApiProxyOptions): (request: ProxyRequest) => Promise<ProxyAnswer> {
  const base = new URL(options.apiUrl);
  const region = options.region ?? regionOfApiUrl(base);
  if (!region) {
    throw new ApiProxyConfigError(
      `--api-url ${options.apiUrl}: cannot tell its region from the host name; pass --region R (or set AWS_REGION)`,
    );
  }
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    credentials: options.credentials ?? defaultProvider(),
    sha256: Hash.bind(null, 'sha256'),
  });
  const send = options.fetch ?? fetch;
  const basePath = base.pathname.replace(/\/+$/, '');
  return async (request) => {
    const target = new URL(request.url, 'http://local');
    const query: Record<string, string[]> = {};
    for (const key of new Set(target.searchParams.keys())) query[key] = target.searchParams.getAll(key);
    const headers: Record<string, string> = { host: base.host, accept: 'application/json' };
    if (request.contentType) headers['content-type'] = request.contentType;
    const hasBody = request.body.length > 0;
    const signed = await signer.sign({
      method: request.method,
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port ? { port: Number(base.port) } : {}),
      path: `${basePath}${target.pathname}`,
      query,
      headers,
      ...(hasBody ? { body: request.body.toString('utf8') } : {}),
    });
    const url = new URL(`${basePath}${target.pathname}${target.search}`, base);
    const answer = await send(url, {
      method: request.method,
      headers: signed.headers as Record<string, string>,
      ...(hasBody ? { body: request.body.toString('utf8') } : {}),
    });
    const kept: Record<string, string> = { 'cache-control': 'no-store' };
    for (const name of ['content-type', 'location', 'x-request-id', 'retry-after', 'allow']) {
      const value = answer.headers.get(name);
      if (value) kept[name] = value;
    }
    return { status: answer.status, headers: kept, body: await answer.text() };
  };
}
