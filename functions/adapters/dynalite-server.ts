/**
 * An embedded DynamoDB (dynalite: the real DynamoDB wire protocol, in process) with the
 * findings table created from the same definition as `infra/findings-table.yml`. Used by
 * the local stack, the benchmarks and the integration tests.
 *
 * dynalite does not implement TTL (`UpdateTimeToLive`): items keep their `expiresAt`
 * attribute but never expire locally.
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { EMULATOR_CREDENTIALS } from './aws-clients.ts';
import { FINDINGS_TABLE_DEFINITION } from './store/table-definition.ts';

export interface DynaliteOptions {
  /** Directory for a persistent store; in memory when absent. */
  path?: string;
  /** TCP port on 127.0.0.1; a free one when absent or 0. */
  port?: number;
  /** Table to create (default `eks-netguard-findings`). */
  tableName?: string;
  region?: string;
}

export interface DynaliteServer {
  endpoint: string;
  port: number;
  tableName: string;
  region: string;
  /** A low-level client pointed at the server (wrap it with `createDocumentClient`). */
  client: DynamoDBClient;
  close(): Promise<void>;
}

/** Cannot start dynalite or create the table. */
export class DynaliteStartError extends Error {
  override readonly name = 'DynaliteStartError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Creates the findings table on any DynamoDB endpoint; an existing table is left as it is. */
export async function createFindingsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand({ TableName: tableName, ...FINDINGS_TABLE_DEFINITION }));
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
  }
}

/** Starts dynalite on 127.0.0.1 and creates the findings table. */
export async function startDynalite(options: DynaliteOptions = {}): Promise<DynaliteServer> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    throw new DynaliteStartError(`cannot start dynalite on port ${options.port ?? 0}: ${String(error)}`, {
      cause: error,
    });
  }
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const region = options.region ?? 'us-east-1';
  const tableName = options.tableName ?? 'eks-netguard-findings';
  const client = new DynamoDBClient({ endpoint, region, credentials: EMULATOR_CREDENTIALS, maxAttempts: 3 });
  const close = async (): Promise<void> => {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    await createFindingsTable(client, tableName);
  } catch (error) {
    await close();
    throw new DynaliteStartError(`dynalite started but the table could not be created: ${String(error)}`, {
      cause: error,
    });
  }
  return { endpoint, port, tableName, region, client, close };
}
