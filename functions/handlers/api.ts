/**
 * `api` Lambda (API Gateway HTTP API, payload v2): adapts the event to the core router
 * and its answer back. The caller is the IAM principal (AWS_IAM auth) or the JWT `sub`.
 * With JWT auth it also serves the findings console (`GET /`, `GET /console/*`, routes
 * without an authorizer: the page signs in through the OIDC issuer, then calls the API
 * with the ID token).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { withClusterCount } from '../adapters/cluster-count-submitter.ts';
import { CONSOLE_DIR, type ConsoleAssets, loadConsoleAssets } from '../adapters/console-assets.ts';
import { createFindingsStore, defaultDocumentClient } from '../adapters/findings-store.ts';
import { createLogger } from '../adapters/logger.ts';
import { createQueueScanSubmitter } from '../adapters/queue-scan-submitter.ts';
import { createScanQueue } from '../adapters/scan-queue.ts';
import { FindingsQueries } from '../adapters/store/findings-queries.ts';
import { createSweepInvoker } from '../adapters/sweep-invoker.ts';
import { type ApiRequest, handleApiRequest } from '../core/api/router.ts';
import type { ApiDeps } from '../core/api/routes.ts';
import { RULE_CATALOG } from '../core/rules/catalog.generated.ts';
import { DEFAULT_MAX_SUPPRESSION_DAYS } from '../core/suppression.ts';
import { envSchemas, HandlerConfigError, readEnv } from './env.ts';

/** The parts of a payload v2 event the API reads (the authorizer shape varies by auth type). */
export type ApiEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { iam?: { userArn?: string }; jwt?: { claims?: Record<string, unknown> } };
  };
};

/** Who made the request, as API Gateway authenticated them. */
export function callerOf(event: ApiEvent): string {
  const authorizer = event.requestContext.authorizer;
  const arn = authorizer?.iam?.userArn;
  if (arn) return arn;
  const sub = authorizer?.jwt?.claims?.sub;
  if (typeof sub === 'string' && sub) return `jwt:${sub}`;
  return 'anonymous';
}

/** Payload v2 event → transport-neutral request. */
export function toApiRequest(event: ApiEvent): ApiRequest {
  const { stage } = event.requestContext;
  let path = event.rawPath || '/';
  // A named stage prefixes rawPath; the `$default` stage does not.
  if (stage && stage !== '$default' && (path === `/${stage}` || path.startsWith(`/${stage}/`))) {
    path = path.slice(stage.length + 1) || '/';
  }
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) query[key] = value;
  }
  return {
    method: event.requestContext.http.method,
    path,
    query,
    ...(event.body !== undefined ? { body: event.body } : {}),
    isBase64Encoded: event.isBase64Encoded,
    caller: { id: callerOf(event), accountId: event.requestContext.accountId },
    requestId: event.requestContext.requestId,
  };
}

const logger = createLogger();
let deps: ApiDeps | undefined;

function defaultDeps(): ApiDeps {
  const env = readEnv(
    {
      TABLE_NAME: envSchemas.tableName,
      SCAN_QUEUE_URL: envSchemas.queueUrl,
      /** The sweep lists the clusters of `POST /scans` of a region or of everything. */
      SWEEP_FUNCTION_NAME: z
        .string()
        .check(
          z.regex(
            /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}$/,
            'must be the sweep function name or ARN',
          ),
        ),
      // zod/mini functions (see core/zod-english.ts): the api bundle carries no classic zod.
      RETENTION_DAYS: z.optional(envSchemas.retentionDays),
      MAX_SUPPRESSION_DAYS: z.optional(
        z.coerce.number().check(z.int(), z.minimum(1), z.maximum(DEFAULT_MAX_SUPPRESSION_DAYS)),
      ),
      /** HMAC key of page cursors; without it the table name is used (cursors stay strictly validated). */
      CURSOR_SECRET: z.optional(z.string().check(z.minLength(16, 'must be at least 16 characters'))),
    },
    process.env,
  );
  const client = defaultDocumentClient();
  const store = createFindingsStore({
    tableName: env.TABLE_NAME,
    client,
    ...(env.RETENTION_DAYS ? { retentionDays: env.RETENTION_DAYS } : {}),
  });
  return {
    store: new FindingsQueries(store, client),
    scans: withClusterCount(
      createQueueScanSubmitter({
        queue: createScanQueue({ queueUrl: env.SCAN_QUEUE_URL }),
        sweep: createSweepInvoker({ functionName: env.SWEEP_FUNCTION_NAME }),
        knownClusters: () => store.listAllClusters(),
      }),
      store,
      () => new Date(),
    ),
    // Metadata only (generated): the API bundle carries no rule evaluation code.
    rules: RULE_CATALOG,
    now: () => new Date(),
    newId: () => randomUUID(),
    cursorSecret: env.CURSOR_SECRET ?? `eks-netguard:${env.TABLE_NAME}`,
    maxSuppressionDays: env.MAX_SUPPRESSION_DAYS ?? DEFAULT_MAX_SUPPRESSION_DAYS,
    logger: { error: (message, details) => logger.error(message, details) },
  };
}

/** Replaces the dependencies (tests). */
export function setApiDeps(next: ApiDeps | undefined): void {
  deps = next;
}

/** How the console signs in; `jwt` serves it, `iam` does not (a browser cannot SigV4-sign). */
function readConsoleEnv(env: Record<string, string | undefined>) {
  // serverless.yml passes the JWT parameters under IAM auth too, as empty strings.
  const given = (name: string) => (env[name] === '' ? undefined : env[name]);
  const parsed = readEnv(
    {
      API_AUTH: z._default(z.enum(['iam', 'jwt']), 'iam'),
      JWT_ISSUER_URL: z.optional(
        z.url({ protocol: /^https$/, error: 'must be the https URL of the OIDC issuer' }),
      ),
      JWT_AUDIENCE: z.optional(z.string().check(z.minLength(1))),
    },
    {
      API_AUTH: given('API_AUTH'),
      JWT_ISSUER_URL: given('JWT_ISSUER_URL'),
      JWT_AUDIENCE: given('JWT_AUDIENCE'),
    },
  );
  if (parsed.API_AUTH === 'jwt' && (!parsed.JWT_ISSUER_URL || !parsed.JWT_AUDIENCE)) {
    throw new HandlerConfigError(
      'environment variables JWT_ISSUER_URL and JWT_AUDIENCE must be set when API_AUTH is jwt',
    );
  }
  return parsed;
}

let consoleAssets: Promise<ConsoleAssets | undefined> | undefined;

/** The console's files (read once, on the first page request), or undefined under IAM auth. */
function consoleFor(env: Record<string, string | undefined>): Promise<ConsoleAssets | undefined> {
  consoleAssets ??= (async () => {
    const settings = readConsoleEnv(env);
    if (settings.API_AUTH !== 'jwt') return undefined;
    // package.patterns ships the files next to the bundle (serverless.yml, api function).
    const dir = join(env.LAMBDA_TASK_ROOT ?? process.cwd(), CONSOLE_DIR);
    return loadConsoleAssets(dir, {
      auth: {
        type: 'oidc',
        issuer: settings.JWT_ISSUER_URL as string,
        // The JWT authorizer checks the ID token's audience: the app client the user signs in with.
        clientId: settings.JWT_AUDIENCE as string,
        scope: 'openid email',
      },
    });
  })();
  return consoleAssets;
}

/** Replaces the console's environment (tests); the files are read again on the next page request. */
export function resetConsole(): void {
  consoleAssets = undefined;
}

function isConsolePath(method: string, path: string): boolean {
  return (method === 'GET' || method === 'HEAD') && (path === '/' || path.startsWith('/console/'));
}

export async function handler(
  event: ApiEvent,
  context?: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  deps ??= defaultDeps();
  if (context) logger.addContext(context);
  logger.appendKeys({ correlation_id: event.requestContext.requestId });
  try {
    const request = toApiRequest(event);
    if (isConsolePath(request.method, request.path)) {
      const assets = await consoleFor(process.env);
      const page = assets?.answer(request.path);
      if (page) return { statusCode: page.status, headers: page.headers, body: page.body };
      if (!assets) {
        return {
          statusCode: 404,
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
          body: JSON.stringify({
            error: {
              code: 'NOT_FOUND',
              message:
                'the console is served with apiAuth=jwt; with IAM auth run it locally: npm start -- --api-url <this API URL>',
            },
          }),
        };
      }
    }
    const response = await handleApiRequest(request, deps);
    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
  } finally {
    logger.resetKeys();
  }
}
