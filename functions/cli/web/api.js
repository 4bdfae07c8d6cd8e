/**
 * The console's API client: same-origin requests to the findings API (the local stack, or
 * the deployed API Gateway with a bearer token). Writes always say
 * `Content-Type: application/json` (the local stack refuses other writes); an error answer
 * becomes an {@link ApiError} carrying the API's own message, shown as is.
 */

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

let tokenProvider = async () => undefined;

/** Sets where a bearer token comes from (deployed console with JWT auth). */
export function useToken(provider) {
  tokenProvider = provider;
}

async function request(method, path, body) {
  const headers = { accept: 'application/json' };
  // Every write, DELETE included: the local stack refuses writes not declared as JSON.
  if (method !== 'GET') headers['content-type'] = 'application/json';
  const token = await tokenProvider();
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', `the API could not be reached (${error.message})`);
  }
  if (response.status === 204) return undefined;
  let answer;
  try {
    answer = await response.json();
  } catch {
    throw new ApiError(response.status, 'BAD_ANSWER', `HTTP ${response.status} without a JSON body`);
  }
  if (!response.ok) {
    const error = answer?.error;
    throw new ApiError(response.status, error?.code ?? 'HTTP', error?.message ?? `HTTP ${response.status}`);
  }
  return answer;
}

export const getJson = (path) => request('GET', path);
export const postJson = (path, body) => request('POST', path, body);
export const deleteJson = (path) => request('DELETE', path, undefined);

/** Every page of a list endpoint (small lists only: clusters, rules, recent scans). */
export async function getAll(path, maxPages = 20) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const answer = await getJson(cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path);
    items.push(...answer.items);
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  return items;
}

export const encode = encodeURIComponent;
