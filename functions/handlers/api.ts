/**
 * `api` Lambda (API Gateway HTTP API, payload v2): adapts the event to the core router
 * and its answer back. The caller is the IAM principal (AWS_IAM auth) or the JWT `sub`.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { withClusterCount } from '../adapters/cluster-count-submitter.ts';
import { createFindingsStore, defaultDocumentClient } from '../adapters/findings-store.ts';
import { createLogger } from '../adapters/logger.ts';
import { createQueueScanSubmitter } from '../adapters/queue-scan-submitter.ts';
import { createScanQueue } from '../adapters/scan-queue.ts';
import { FindingsQueries } from '../adapters/store/findings-queries.ts';
import { createSweepInvoker } from '../adapters/sweep-invoker.ts';
import { type ApiRequest, handleApiRequest } from '../core/api/router.ts';
import type { ApiDeps } from '../core/api/routes.ts';
import { RULES } from '../core/rules/index.ts';
import { DEFAULT_MAX_SUPPRESSION_DAYS } from '../core/suppression.ts';
import { envSchemas, readEnv } from './env.ts';

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
    rules: RULES,
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

export async function handler(
  event: ApiEvent,
  context?: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  deps ??= defaultDeps();
  if (context) logger.addContext(context);
  logger.appendKeys({ correlation_id: event.requestContext.requestId });
  try {
    const response = await handleApiRequest(toApiRequest(event), deps);
    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
  } finally {
    logger.resetKeys();
  }
}
