/**
 * The route table: every route with its input schemas, its documented answers and its
 * implementation. `router.ts` dispatches on it and `openapi.ts` documents it.
 */
import type * as z from 'zod/mini';
import type { RuleMetadata } from '../model.ts';
import { createSuppression } from '../suppression.ts';
import { decodeCursor, encodeCursor, queryFingerprint } from './cursor.ts';
import { NotFoundError, ServiceUnavailableError } from './errors.ts';
import { buildOpenApiDocument } from './openapi.ts';
import type { ApiLogger, ApiStore, FindingsFilter, Page, ScanSubmitter } from './ports.ts';
import { ScanTargetError } from './ports.ts';
import { presentCluster, presentFindings, presentRule, presentScan, presentScanListItem } from './present.ts';
import {
  clusterSummarySchema,
  errorSchema,
  findingSchema,
  idPathSchema,
  listClustersQuerySchema,
  listFindingsQuerySchema,
  listOf,
  listScansQuerySchema,
  listSuppressionsQuerySchema,
  noQuerySchema,
  ruleSchema,
  scanAcceptedSchema,
  scanListItemSchema,
  scanRequestBodySchema,
  scanSchema,
  settingsSchema,
  suppressionRequestSchema,
  suppressionSchema,
} from './schemas.ts';

/** Everything a route implementation may use. */
export interface ApiDeps {
  store: ApiStore;
  scans: ScanSubmitter;
  /** The rule catalog (metadata only: the API never evaluates). */
  rules: readonly RuleMetadata[];
  now(): Date;
  /** A new unique scan id. */
  newId(): string;
  /** HMAC key of pagination cursors. */
  cursorSecret: string;
  maxSuppressionDays: number;
  logger: ApiLogger;
}

/** The expiry the console proposes for a new suppression (capped by `maxSuppressionDays`). */
export const DEFAULT_SUPPRESSION_DAYS = 30;

/** The caller as API Gateway (or the local stack) identified it. */
export interface Caller {
  /** IAM principal ARN, JWT `sub`, or the local identity. */
  id: string;
  /** Account the API serves. */
  accountId: string;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext<Q, P, B> {
  query: Q;
  params: P;
  body: B;
  caller: Caller;
  deps: ApiDeps;
}

export type Method = 'GET' | 'POST' | 'DELETE';

export interface Route<Q = unknown, P = unknown, B = unknown> {
  method: Method;
  /** OpenAPI-style path: `/findings/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  query: z.ZodMiniType<Q>;
  params?: z.ZodMiniType<P>;
  /** Present for routes that take a JSON body. */
  body?: z.ZodMiniType<B>;
  /** Whether an empty body means `{}` (instead of a 400). */
  emptyBodyIsObject?: boolean;
  responses: Record<number, { description: string; schema?: z.ZodMiniType }>;
  handle(context: RouteContext<Q, P, B>): Promise<RouteResult>;
}

function route<Q, P, B>(definition: Route<Q, P, B>): Route {
  return definition as unknown as Route;
}

const badRequest = {
  description: 'Bad parameter or body (the message names the field)',
  schema: errorSchema,
};
const notFound = { description: 'Unknown id', schema: errorSchema };

/** Encodes the next cursor of a page (null on the last page). */
function nextCursor(page: Page<unknown>, fingerprint: string, secret: string): string | null {
  return page.nextAfter === undefined ? null : encodeCursor({ after: page.nextAfter }, fingerprint, secret);
}

function decodeOptional(cursor: string | undefined, fingerprint: string, secret: string): string | undefined {
  return cursor === undefined ? undefined : decodeCursor(cursor, fingerprint, secret).after;
}

/** Every route of the API, in documentation order. */
export const ROUTES: readonly Route[] = [
  route({
    method: 'GET',
    path: '/findings',
    operationId: 'listFindings',
    summary: 'Findings matching every given filter, newest first (or worst first with sort=severity)',
    query: listFindingsQuerySchema,
    responses: {
      200: { description: 'One page of findings', schema: listOf(findingSchema) },
      400: badRequest,
    },
    async handle({ query, deps }) {
      const filter: FindingsFilter = {
        ...(query.status ? { status: query.status } : {}),
        ...(query.severity ? { severity: query.severity } : {}),
        ...(query.cluster ? { clusterName: query.cluster } : {}),
        ...(query.rule ? { ruleId: query.rule } : {}),
        ...(query.region ? { region: query.region } : {}),
        ...(query.account ? { accountId: query.account } : {}),
        ...(query.q ? { text: query.q } : {}),
      };
      const bySeverity = query.sort === 'severity';
      // The order is part of the query: a cursor of one order means nothing in the other.
      const fingerprint = queryFingerprint('findings', {
        ...filter,
        ...(bySeverity ? { sort: 'severity' } : {}),
      });
      const after = decodeOptional(query.cursor, fingerprint, deps.cursorSecret);
      const page = bySeverity
        ? await deps.store.queryFindingsBySeverity(filter, query.limit, after)
        : await deps.store.queryFindings(filter, query.limit, after);
      return {
        status: 200,
        body: {
          items: await presentFindings(deps.store, page.items),
          nextCursor: nextCursor(page, fingerprint, deps.cursorSecret),
        },
      };
    },
  }),
  route({
    method: 'GET',
    path: '/findings/{id}',
    operationId: 'getFinding',
    summary: 'One finding',
    query: noQuerySchema,
    params: idPathSchema,
    responses: { 200: { description: 'The finding', schema: findingSchema }, 400: badRequest, 404: notFound },
    async handle({ params, deps }) {
      const finding = await deps.store.getFinding(params.id);
      if (!finding) throw new NotFoundError(`id: no finding "${params.id}"`);
      const [presented] = await presentFindings(deps.store, [finding]);
      return { status: 200, body: presented };
    },
  }),
  route({
    method: 'GET',
    path: '/clusters',
    operationId: 'listClusters',
    summary: 'Clusters with open findings by severity and their last complete scan',
    query: listClustersQuerySchema,
    responses: {
      200: { description: 'One page of clusters', schema: listOf(clusterSummarySchema) },
      400: badRequest,
    },
    async handle({ query, deps }) {
      const includeDeleted = query.includeDeleted === 'true';
      const fingerprint = queryFingerprint('clusters', { includeDeleted });
      const after = decodeOptional(query.cursor, fingerprint, deps.cursorSecret);
      const page = await deps.store.queryClusters({
        limit: query.limit,
        includeDeleted,
        ...(after ? { after } : {}),
      });
      return {
        status: 200,
        body: {
          items: page.items.map(presentCluster),
          nextCursor: nextCursor(page, fingerprint, deps.cursorSecret),
        },
      };
    },
  }),
  route({
    method: 'GET',
    path: '/rules',
    operationId: 'listRules',
    summary: 'The rule catalog with descriptions and remediation',
    query: noQuerySchema,
    responses: { 200: { description: 'Every rule (one page)', schema: listOf(ruleSchema) }, 400: badRequest },
    async handle({ deps }) {
      return { status: 200, body: { items: deps.rules.map(presentRule), nextCursor: null } };
    },
  }),
  route({
    method: 'POST',
    path: '/scans',
    operationId: 'startScan',
    summary: 'Scan one cluster, one region, or everything (empty body)',
    query: noQuerySchema,
    body: scanRequestBodySchema,
    emptyBodyIsObject: true,
    responses: {
      202: { description: 'Scan accepted', schema: scanAcceptedSchema },
      400: badRequest,
      404: { description: 'Unknown cluster', schema: errorSchema },
      413: { description: 'Body over 64 KB', schema: errorSchema },
      503: { description: 'The scan could not be queued; retry', schema: errorSchema },
    },
    async handle({ body, caller, deps }) {
      const scanId = deps.newId();
      const now = deps.now();
      const target = {
        ...(body.region ? { region: body.region } : {}),
        ...(body.cluster ? { clusterName: body.cluster } : {}),
      };
      await deps.store.createScan({
        scanId,
        trigger: 'api',
        status: 'QUEUED',
        ...(Object.keys(target).length > 0 ? { target } : {}),
        accountId: caller.accountId,
        startedAt: now.toISOString(),
        errors: [],
        // One queue message per cluster: the scan completes when all of them are done (the
        // submitter records how many; see adapters/cluster-count-submitter.ts).
        tracksClusters: true,
      });
      let submitted: number | null;
      try {
        submitted = await deps.scans.submit({
          scanId,
          accountId: caller.accountId,
          ...target,
          requestedAt: now,
          requestedBy: caller.id,
        });
      } catch (error) {
        const reason = error instanceof ScanTargetError ? error.message : 'the scan could not be submitted';
        await deps.store.finishScan(scanId, 'FAILED', deps.now().toISOString(), reason);
        if (error instanceof ScanTargetError) throw error;
        throw new ServiceUnavailableError('the scan could not be queued; try again', { cause: error });
      }
      // Nothing to scan (a region without clusters): the scan is complete, not queued forever.
      if (submitted === 0) await deps.store.finishScan(scanId, 'COMPLETED', deps.now().toISOString());
      return { status: 202, body: { scanId }, headers: { location: `/scans/${scanId}` } };
    },
  }),
  route({
    method: 'GET',
    path: '/scans',
    operationId: 'listScans',
    summary: 'Recent scans, newest first, each with the open findings it left (the trend)',
    query: listScansQuerySchema,
    responses: {
      200: { description: 'One page of scans', schema: listOf(scanListItemSchema) },
      400: badRequest,
    },
    async handle({ query, deps }) {
      const fingerprint = queryFingerprint('scans', {});
      const after = decodeOptional(query.cursor, fingerprint, deps.cursorSecret);
      const page = await deps.store.queryScans(query.limit, after);
      return {
        status: 200,
        body: {
          items: page.items.map(presentScanListItem),
          nextCursor: nextCursor(page, fingerprint, deps.cursorSecret),
        },
      };
    },
  }),
  route({
    method: 'GET',
    path: '/scans/{id}',
    operationId: 'getScan',
    summary: 'Progress, counts and errors of a scan',
    query: noQuerySchema,
    params: idPathSchema,
    responses: { 200: { description: 'The scan', schema: scanSchema }, 400: badRequest, 404: notFound },
    async handle({ params, deps }) {
      const scan = await deps.store.getScan(params.id);
      if (!scan) throw new NotFoundError(`id: no scan "${params.id}"`);
      return { status: 200, body: presentScan(scan) };
    },
  }),
  route({
    method: 'POST',
    path: '/suppressions',
    operationId: 'createSuppression',
    summary: 'Suppress matching findings until an expiry, with a reason',
    query: noQuerySchema,
    body: suppressionRequestSchema,
    responses: {
      201: { description: 'The stored suppression', schema: suppressionSchema },
      400: badRequest,
      413: { description: 'Body over 64 KB', schema: errorSchema },
    },
    async handle({ body, caller, deps }) {
      const suppression = createSuppression(body, {
        now: deps.now(),
        createdBy: caller.id,
        maxDays: deps.maxSuppressionDays,
        knownRuleIds: deps.rules.map((r) => r.id),
      });
      await deps.store.putSuppression(suppression);
      return { status: 201, body: suppression, headers: { location: `/suppressions/${suppression.id}` } };
    },
  }),
  route({
    method: 'GET',
    path: '/suppressions',
    operationId: 'listSuppressions',
    summary: 'Suppressions created through the API, newest first',
    query: listSuppressionsQuerySchema,
    responses: {
      200: { description: 'One page of suppressions', schema: listOf(suppressionSchema) },
      400: badRequest,
    },
    async handle({ query, deps }) {
      const fingerprint = queryFingerprint('suppressions', {});
      const after = decodeOptional(query.cursor, fingerprint, deps.cursorSecret);
      const page = await deps.store.querySuppressions(query.limit, after);
      return {
        status: 200,
        body: { items: page.items, nextCursor: nextCursor(page, fingerprint, deps.cursorSecret) },
      };
    },
  }),
  route({
    method: 'GET',
    path: '/suppressions/{id}',
    operationId: 'getSuppression',
    summary: 'One suppression created through the API',
    query: noQuerySchema,
    params: idPathSchema,
    responses: {
      200: { description: 'The suppression', schema: suppressionSchema },
      400: badRequest,
      404: notFound,
    },
    async handle({ params, deps }) {
      const suppression = await deps.store.getSuppression(params.id);
      if (!suppression) throw new NotFoundError(`id: no suppression "${params.id}"`);
      return { status: 200, body: suppression };
    },
  }),
  route({
    method: 'DELETE',
    path: '/suppressions/{id}',
    operationId: 'deleteSuppression',
    summary: 'Delete a suppression (its findings reopen at the next scan)',
    query: noQuerySchema,
    params: idPathSchema,
    responses: { 204: { description: 'Deleted' }, 400: badRequest, 404: notFound },
    async handle({ params, caller, deps }) {
      const deleted = await deps.store.deleteSuppression(params.id, deps.now().toISOString(), caller.id);
      if (!deleted) throw new NotFoundError(`id: no suppression "${params.id}"`);
      return { status: 204 };
    },
  }),
  route({
    method: 'GET',
    path: '/settings',
    operationId: 'getSettings',
    summary: 'What a client such as the console needs: the suppression expiry limits',
    query: noQuerySchema,
    responses: { 200: { description: 'The settings', schema: settingsSchema }, 400: badRequest },
    async handle({ deps }) {
      return {
        status: 200,
        body: {
          maxSuppressionDays: deps.maxSuppressionDays,
          defaultSuppressionDays: Math.min(DEFAULT_SUPPRESSION_DAYS, deps.maxSuppressionDays),
        },
      };
    },
  }),
  route({
    method: 'GET',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This API as an OpenAPI 3.1 document',
    query: noQuerySchema,
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
    async handle() {
      return { status: 200, body: buildOpenApiDocument(ROUTES) };
    },
  }),
];
