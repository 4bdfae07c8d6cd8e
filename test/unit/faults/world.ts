/**
 * Shared set-up of the fault tests (helper, not a test file): a fresh findings table on
 * an in-process dynalite, the fake AWS account of the collector tests, a fault injector
 * wrapped around its clients, and the real API handler reading the same table.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsClients } from '../../../functions/adapters/aws-clients.ts';
import { createFindingsTable, type DynaliteServer } from '../../../functions/adapters/dynalite-server.ts';
import {
  createDocumentClient,
  createFindingsStore,
  type FindingsStore,
} from '../../../functions/adapters/findings-store.ts';
import { FindingsQueries } from '../../../functions/adapters/store/findings-queries.ts';
import type { AlertMessage } from '../../../functions/core/alert-message.ts';
import type { ScanServiceDeps } from '../../../functions/core/ports.ts';
import { RULES } from '../../../functions/core/rules/index.ts';
import { type ApiEvent, handler as apiHandler, setApiDeps } from '../../../functions/handlers/api.ts';

export const silentLogger = () => new Logger({ logLevel: 'SILENT' });

/** One AWS call as the fault injector sees it. */
export interface Call {
  service: 'ec2' | 'eks' | 'sts';
  region: string;
  /** Command name without the `Command` suffix (`DescribeSecurityGroups`). */
  operation: string;
  input: Record<string, unknown>;
}

/** Returns the error to throw instead of answering, or undefined to let the call through. */
export type Fault = (call: Call) => Error | undefined;

/** An SDK-shaped service error (what the SDK raises after deserialising an error answer). */
export function awsError(code: string, status: number, message = code): Error {
  return Object.assign(new Error(message), {
    name: code,
    Code: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

function wrap<C extends object>(client: C, service: Call['service'], region: string, fault: Fault): C {
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop !== 'send') return typeof value === 'function' ? value.bind(target) : value;
      return async (command: { input: Record<string, unknown> }, ...rest: unknown[]) => {
        const operation = command.constructor.name.replace(/Command$/, '');
        const error = fault({ service, region, operation, input: command.input });
        if (error) throw error;
        return (value as (...args: unknown[]) => Promise<unknown>).call(target, command, ...rest);
      };
    },
  });
}

/**
 * Wraps every client of `inner` so that `fault` may fail any call. The proxies keep the
 * client class (paginators check `instanceof`), so collection code cannot tell them apart.
 */
export function faultyClients(inner: AwsClients, fault: Fault): AwsClients {
  return {
    ec2: (region) => wrap<EC2Client>(inner.ec2(region), 'ec2', region, fault),
    eks: (region) => wrap<EKSClient>(inner.eks(region), 'eks', region, fault),
    sts: (region) => wrap<STSClient>(inner.sts(region), 'sts', region, fault),
  };
}

export interface StoreWorld {
  store: FindingsStore;
  queries: FindingsQueries;
  alerts: AlertMessage[];
  service: ScanServiceDeps;
  /** Replaces the notifier's behaviour (e.g. an outage). */
  publish: (message: AlertMessage) => Promise<void>;
}

let tableSeq = 0;

/** A fresh findings table and the scan service on it; alerts are recorded. */
export async function storeWorld(
  dynalite: DynaliteServer,
  prefix: string,
  now: () => Date,
): Promise<StoreWorld> {
  const tableName = `${prefix}-${++tableSeq}`;
  await createFindingsTable(dynalite.client, tableName);
  const client = createDocumentClient(dynalite.client);
  const store = createFindingsStore({ tableName, client });
  const world: StoreWorld = {
    store,
    queries: new FindingsQueries(store, client),
    alerts: [],
    publish: async (message) => {
      world.alerts.push(message);
    },
    service: undefined as unknown as ScanServiceDeps,
  };
  world.service = {
    repository: store,
    suppressions: store,
    notifier: { publish: (message) => world.publish(message) },
    clock: { now },
  };
  return world;
}

/** `GET path` through the real API Lambda handler, reading `world`'s table. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers.
export async function apiGet(world: StoreWorld, path: string): Promise<{ status: number; body: any }> {
  setApiDeps({
    store: world.queries,
    scans: {
      submit: async () => {
        throw new Error('not used');
      },
    },
    rules: RULES,
    now: () => new Date('2026-03-01T12:00:00.000Z'),
    newId: () => 'id',
    cursorSecret: 'fault-tests-cursor-secret',
    maxSuppressionDays: 90,
    logger: { error: () => {} },
  });
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      accountId: '111122223333',
      apiId: 'api',
      domainName: 'api.example',
      domainPrefix: 'api',
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req-fault',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
      authorizer: { iam: { userArn: 'arn:aws:iam::111122223333:user/test' } },
    },
  } as ApiEvent;
  try {
    const response = await apiHandler(event);
    const text = typeof response.body === 'string' ? response.body : '';
    return { status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined };
  } finally {
    setApiDeps(undefined);
  }
}
