/**
 * The API router: matches a request against the route table, validates every input with
 * the route's zod schemas, runs the route, and turns any error into the JSON error shape.
 * Transport-neutral: the Lambda handler and the local stack both adapt their requests to
 * {@link ApiRequest}.
 */
import {
  BadRequestError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  toErrorAnswer,
} from './errors.ts';
import { type ApiDeps, type Caller, type Method, ROUTES, type Route } from './routes.ts';
import { MAX_BODY_BYTES } from './schemas.ts';
import { parseInput } from './validation.ts';

export interface ApiRequest {
  method: string;
  /** Path without stage prefix or query string, still percent-encoded. */
  path: string;
  /** Query parameters; repeated ones joined by commas (as API Gateway does). */
  query: Record<string, string>;
  /** Raw body as received (base64 when `isBase64Encoded`). */
  body?: string;
  isBase64Encoded?: boolean;
  caller: Caller;
  requestId: string;
}

export interface ApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

interface Match {
  route: Route;
  params: Record<string, string>;
}

function splitPath(path: string): string[] {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return trimmed.split('/').slice(1);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch (error) {
    throw new BadRequestError('path: malformed percent-encoding', { cause: error });
  }
}

/** Routes whose path template matches, with the captured parameters. */
function matchPath(routes: readonly Route[], path: string): Match[] {
  const segments = splitPath(path);
  const matches: Match[] = [];
  for (const route of routes) {
    const template = splitPath(route.path);
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < template.length && ok; i++) {
      const part = template[i] as string;
      const segment = segments[i] as string;
      if (part.startsWith('{') && part.endsWith('}')) {
        if (segment === '') ok = false;
        else params[part.slice(1, -1)] = decodeSegment(segment);
      } else ok = part === segment;
    }
    if (ok) matches.push({ route, params });
  }
  return matches;
}

function readBody(request: ApiRequest, route: Route): unknown {
  const raw = request.body ?? '';
  const bytes = request.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
  const text = bytes.toString('utf8');
  if (text.trim() === '') {
    if (route.emptyBodyIsObject) return {};
    throw new BadRequestError('body: is required (a JSON object)');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequestError('body: is not valid JSON', { cause: error });
  }
}

function json(
  status: number,
  body: unknown,
  requestId: string,
  extra: Record<string, string> = {},
): ApiResponse {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'x-request-id': requestId,
    'cache-control': 'no-store',
    ...extra,
  };
  if (body === undefined) {
    const { 'content-type': _ignored, ...rest } = headers;
    return { statusCode: status, headers: rest, body: '' };
  }
  return { statusCode: status, headers, body: JSON.stringify(body) };
}

async function dispatch(request: ApiRequest, deps: ApiDeps) {
  const matches = matchPath(ROUTES, request.path);
  if (matches.length === 0) throw new NotFoundError(`no route ${request.path}; see GET /openapi.json`);
  const method = request.method.toUpperCase();
  const match = matches.find((m) => m.route.method === method);
  if (!match) {
    const allow = [...new Set(matches.map((m) => m.route.method as Method))];
    throw new MethodNotAllowedError(method, request.path, allow);
  }
  const { route } = match;
  // Body size first: an oversized body is rejected before anything else reads it.
  const rawBody = route.body ? readBody(request, route) : undefined;
  const params = route.params ? parseInput(route.params, match.params, 'path') : {};
  const query = parseInput(route.query, request.query, 'query');
  const body = route.body ? parseInput(route.body, rawBody, 'body') : undefined;
  return route.handle({ query, params, body, caller: request.caller, deps });
}

/**
 * Answers one request. Never throws: every failure becomes `{ error: { code, message } }`
 * (4xx for caller mistakes; a 5xx only with the request id).
 */
export async function handleApiRequest(request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  try {
    const result = await dispatch(request, deps);
    return json(result.status, result.body, request.requestId, result.headers);
  } catch (error) {
    const answer = toErrorAnswer(error, request.requestId, deps.logger);
    return json(answer.status, answer.body, request.requestId, answer.headers);
  }
}
