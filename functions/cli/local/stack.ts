/**
 * The local stack: the API + HTML page on 127.0.0.1 (bound first), embedded DynamoDB, and one
 * sweep through the scan-processing service with the local notifier. Everything the Lambdas
 * do, in one process, without an AWS account.
 */
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { withClusterCount } from '../../adapters/cluster-count-submitter.ts';
import { readConfigFile } from '../../adapters/config-file.ts';
import { loadConsoleAssets } from '../../adapters/console-assets.ts';
import { startDynalite } from '../../adapters/dynalite-server.ts';
import { createDocumentClient, createFindingsStore } from '../../adapters/findings-store.ts';
import { LocalNotifier } from '../../adapters/local-notifier.ts';
import { FindingsQueries } from '../../adapters/store/findings-queries.ts';
import { mergeRuleConfig } from '../../core/config.ts';
import { expiredSuppressionWarning, withConfigSuppressions } from '../../core/config-suppressions.ts';
import type { RuleConfig } from '../../core/model.ts';
import type { SuppressionSource } from '../../core/ports.ts';
import { RULES } from '../../core/rules/index.ts';
import {
  DEFAULT_MAX_SUPPRESSION_DAYS,
  type Suppression,
  SuppressionValidationError,
  suppressionsFromConfig,
} from '../../core/suppression.ts';
import { DEMO_ACCOUNT_ID, demoSnapshot } from '../demo-account.ts';
import { createApiProxy } from './api-proxy.ts';
import type { LocalStackOptions } from './args.ts';
import { startLocalHttpServer } from './http-server.ts';
import { createLocalScanner, demoSource, type SnapshotSource } from './local-scanner.ts';
import { isLoopbackHost } from './write-guard.ts';

export interface LocalStackIo {
  log(line: string): void;
  now(): Date;
}

export interface LocalStack {
  url: string;
  close(): Promise<void>;
}

/** The local stack could not start (port taken, emulator unreachable…). */
export class LocalStackStartError extends Error {
  override readonly name = 'LocalStackStartError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

async function liveSource(options: LocalStackOptions, now: () => Date): Promise<SnapshotSource> {
  // Loaded lazily: the demo never needs the AWS SDK's EC2/EKS clients.
  const [{ createAwsClients, EMULATOR_CREDENTIALS }, { collectInventory }] = await Promise.all([
    import('../../adapters/aws-clients.ts'),
    import('../../adapters/inventory-collector.ts'),
  ]);
  // An emulator accepts any signed request: no one should need AWS credentials to try it.
  const clients = createAwsClients(
    options.endpointUrl ? { endpointUrl: options.endpointUrl, credentials: EMULATOR_CREDENTIALS } : {},
  );
  return {
    regions: options.regions,
    collect: (regions, clusterNames) =>
      collectInventory(clients, {
        regions: [...regions],
        ...(clusterNames ? { clusterNames: [...clusterNames] } : {}),
        now,
      }),
  };
}

function describeSource(options: LocalStackOptions): string {
  if (options.mode === 'demo') return `the bundled demo account ${DEMO_ACCOUNT_ID}`;
  if (options.mode === 'emulator')
    return `the emulator at ${options.endpointUrl} (${options.regions.join(', ')})`;
  return `live AWS with the default credential chain (${options.regions.join(', ')})`;
}

/** `--config`: rule settings and the file's suppressions (validated like the CLI's). */
async function loadConfig(
  path: string | undefined,
  now: Date,
): Promise<{ ruleConfig: RuleConfig; suppressions: Suppression[] }> {
  if (!path) return { ruleConfig: mergeRuleConfig(undefined), suppressions: [] };
  const ruleIds = RULES.map((r) => r.id);
  const file = await readConfigFile(path, ruleIds);
  try {
    const suppressions = suppressionsFromConfig(file.suppressions ?? [], {
      now,
      ...(file.maxSuppressionDays ? { maxDays: file.maxSuppressionDays } : {}),
      knownRuleIds: ruleIds,
    });
    return { ruleConfig: mergeRuleConfig(file), suppressions };
  } catch (error) {
    if (!(error instanceof SuppressionValidationError)) throw error;
    throw new LocalStackStartError(`${path}: ${error.message}`, { cause: error });
  }
}

/**
 * Starts the stack: binds the port FIRST (a taken port fails before any scan or alert),
 * then the embedded DynamoDB and the first sweep; resolves once the API answers.
 */
export async function startLocalStack(options: LocalStackOptions, io: LocalStackIo): Promise<LocalStack> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    if (options.apiUrl) return await startConsoleOnly(options, options.apiUrl, io, closers, close);
    const config = await loadConfig(options.configPath, io.now());
    // No sign-in locally: the stack serves this machine only (see write-guard.ts).
    const consoleAssets = await loadConsoleAssets(fileURLToPath(new URL('../web', import.meta.url)), {
      auth: null,
    });
    const identity = `local:${safeUser()}`;
    let accountId: () => string | undefined = () => undefined;
    const logger = {
      error: (message: string, details: Record<string, unknown>) =>
        io.log(`api error: ${message} ${JSON.stringify(details)}`),
    };
    const http = await startLocalHttpServer({
      port: options.port,
      ...(options.host ? { host: options.host } : {}),
      console: consoleAssets,
      caller: () => ({ id: identity, accountId: accountId() ?? DEMO_ACCOUNT_ID }),
      logger,
    }).catch((error: unknown) => {
      throw new LocalStackStartError((error as Error).message, { cause: error });
    });
    closers.push(() => http.close());
    if (!isLoopbackHost(http.host)) {
      io.log(
        `warning: listening on ${http.host}:${http.port}, not only this machine: the API has no authentication, so anyone who can reach it can read the findings (writes still need this page's origin)`,
      );
    }

    io.log(
      `eks-netguard local stack: embedded DynamoDB (dynalite, ${options.dataDir ? `data in ${options.dataDir}` : 'in memory'})`,
    );
    const dynamo = await startDynalite(options.dataDir ? { path: options.dataDir } : {});
    closers.push(() => dynamo.close());
    const client = createDocumentClient(dynamo.client);
    const store = createFindingsStore({ tableName: dynamo.tableName, client });
    const notifier = new LocalNotifier({ log: (line) => io.log(line) });
    const source =
      options.mode === 'demo' ? demoSource(demoSnapshot, io.now) : await liveSource(options, io.now);
    // Config-file suppressions apply next to the ones stored through the API.
    const suppressions: SuppressionSource = withConfigSuppressions(store, config.suppressions, (s) =>
      io.log(`warning: ${expiredSuppressionWarning(s)}`),
    );
    if (options.configPath)
      io.log(`config: ${options.configPath} (${config.suppressions.length} suppression(s))`);
    const scanner = createLocalScanner(
      { repository: store, suppressions, notifier, clock: { now: io.now } },
      source,
      config.ruleConfig,
    );
    accountId = () => scanner.accountId();

    io.log(`scanning ${describeSource(options)}…`);
    const first = await scanner.run(randomUUID(), 'local');
    const findings = first.clusters.reduce((n, c) => n + c.transitions.length, 0);
    io.log(
      `sweep ${first.scanId}: ${first.status}, ${first.clusters.length} cluster(s), ${findings} finding change(s), ${first.errors.length} error(s)`,
    );
    for (const e of first.errors)
      io.log(`  error: ${[e.region, e.clusterName, e.operation].filter(Boolean).join(' ')}: ${e.message}`);
    io.log(`alerts: console and ${notifier.file}`);

    http.serve({
      store: new FindingsQueries(store, client),
      scans: withClusterCount(scanner, store, io.now),
      rules: RULES,
      now: io.now,
      newId: () => randomUUID(),
      // A fresh key per run: cursors only need to survive while this process does.
      cursorSecret: randomUUID(),
      maxSuppressionDays: DEFAULT_MAX_SUPPRESSION_DAYS,
      logger,
    });
    io.log(`page:     ${http.url}/  (the findings console)`);
    io.log(
      `API:      ${http.url}/findings  ${http.url}/clusters  ${http.url}/rules  ${http.url}/openapi.json`,
    );
    io.log(`rescan:   curl -X POST ${http.url}/scans -H 'content-type: application/json' -d '{}'`);
    io.log('Ctrl-C stops the stack.');
    return { url: http.url, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `--api-url`: the console on this machine, its API requests signed and sent to the deployed API. */
async function startConsoleOnly(
  options: LocalStackOptions,
  apiUrl: string,
  io: LocalStackIo,
  closers: (() => Promise<void>)[],
  close: () => Promise<void>,
): Promise<LocalStack> {
  const proxy = createApiProxy({ apiUrl, ...(options.regions[0] ? { region: options.regions[0] } : {}) });
  const consoleAssets = await loadConsoleAssets(fileURLToPath(new URL('../web', import.meta.url)), {
    auth: null,
  });
  const logger = {
    error: (message: string, details: Record<string, unknown>) =>
      io.log(`api error: ${message} ${JSON.stringify(details)}`),
  };
  const http = await startLocalHttpServer({
    port: options.port,
    ...(options.host ? { host: options.host } : {}),
    console: consoleAssets,
    caller: () => ({ id: `local:${safeUser()}`, accountId: DEMO_ACCOUNT_ID }),
    logger,
    proxy,
  }).catch((error: unknown) => {
    throw new LocalStackStartError((error as Error).message, { cause: error });
  });
  closers.push(() => http.close());
  io.log(`eks-netguard console for ${apiUrl}: requests signed with your AWS credentials (default chain)`);
  if (!isLoopbackHost(http.host)) {
    io.log(
      `warning: listening on ${http.host}:${http.port}: anyone who can reach it reads the findings with YOUR credentials`,
    );
  }
  io.log(`page:     ${http.url}/  (the findings console)`);
  io.log('Ctrl-C stops the stack.');
  return { url: http.url, close };
}

function safeUser(): string {
  try {
    return userInfo().username || 'user';
  } catch {
    return 'user';
  }
}
