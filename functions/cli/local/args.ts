/**
 * Command line of the local stack: `npm start -- [--port N] [--host H] [--endpoint-url URL]
 * [--region R]... [--live] [--data-dir DIR] [--config FILE] [--api-url URL]`, validated with zod.
 */
import { parseArgs } from 'node:util';
import * as z from 'zod';

export const DEFAULT_PORT = 3000;

/** A bad flag; the message says which and what to pass instead. */
export class LocalStackUsageError extends Error {
  override readonly name = 'LocalStackUsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type ScanMode = 'demo' | 'emulator' | 'live';

export interface LocalStackOptions {
  port: number;
  /** Interface to bind; absent = 127.0.0.1 (only this machine). */
  host?: string;
  mode: ScanMode;
  endpointUrl?: string;
  regions: string[];
  dataDir?: string;
  /** The CLI's config file: rule settings and suppressions kept in git. */
  configPath?: string;
  /** `--api-url`: only serve the console, against this deployed API (IAM auth, signed locally). */
  apiUrl?: string;
}

const regionSchema = z.string().regex(/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/, 'must be a region such as us-east-1');
const portSchema = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(0, 'must be 0-65535')
  .max(65535, 'must be 0-65535');

/** An IP address or a host name to bind: no scheme, no port, no path. */
const hostSchema = z.union(
  [
    z.ipv4(),
    z.ipv6(),
    z
      .string()
      .regex(
        /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
      ),
  ],
  { error: 'must be an IP address or host name to listen on, such as 127.0.0.1 or 0.0.0.0' },
);

export const USAGE = `usage: npm start -- [--port N] [--host H] [--endpoint-url URL] [--region R]... [--live] [--data-dir DIR] [--config FILE] [--api-url URL]
  (default) scan the bundled demo account (no AWS needed)
  --endpoint-url URL  scan an AWS emulator such as moto_server
  --live              scan real AWS with the default credential chain (needs --region or AWS_REGION)
  --region R          region(s) to scan with --endpoint-url/--live (repeatable)
  --port N            HTTP port (default PORT or ${DEFAULT_PORT})
  --host H            interface to listen on (default 127.0.0.1: this machine only;
                      0.0.0.0 exposes the unauthenticated API to the network)
  --data-dir DIR      keep the embedded DynamoDB in DIR (default: in memory)
  --config FILE       rule settings and suppressions (the CLI's config file, YAML or JSON)
  --api-url URL       no local scan: the console against a deployed API with IAM auth, each
                      request signed with your AWS credentials (--region if the URL does not say)`;

function check<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new LocalStackUsageError(
    `${flag} "${String(value)}": ${result.error.issues[0]?.message ?? 'invalid'}`,
  );
}

/** Parses argv (without node and script) and the environment. */
export function parseLocalStackArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): LocalStackOptions | 'help' {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new LocalStackUsageError((error as Error).message.split('\n')[0] ?? 'bad arguments', {
      cause: error,
    });
  }
  if (values.help) return 'help';
  const port =
    values.port !== undefined
      ? check(portSchema, values.port, '--port')
      : env.PORT
        ? check(portSchema, env.PORT, 'PORT')
        : DEFAULT_PORT;
  const host = values.host !== undefined ? check(hostSchema, values.host, '--host') : undefined;
  if (values['api-url'] !== undefined) return apiUrlOptions(values, port, host, env);
  if (values.live && values['endpoint-url']) {
    throw new LocalStackUsageError('--live and --endpoint-url cannot be used together; pick one');
  }
  const endpointUrl = values['endpoint-url']
    ? check(
        z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
        values['endpoint-url'],
        '--endpoint-url',
      )
    : undefined;
  const mode: ScanMode = values.live ? 'live' : endpointUrl ? 'emulator' : 'demo';
  let regions = (values.region ?? []).map((r) => check(regionSchema, r, '--region'));
  if (mode !== 'demo' && regions.length === 0) {
    const fromEnv = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (fromEnv) regions = [check(regionSchema, fromEnv, 'AWS_REGION')];
    else if (mode === 'emulator') regions = ['us-east-1'];
    else throw new LocalStackUsageError('--live needs a region: pass --region us-east-1 or set AWS_REGION');
  }
  if (mode === 'demo' && regions.length > 0) {
    throw new LocalStackUsageError(
      '--region applies to --endpoint-url or --live; the demo account has fixed regions',
    );
  }
  return {
    port,
    ...(host ? { host } : {}),
    mode,
    ...(endpointUrl ? { endpointUrl } : {}),
    regions: [...new Set(regions)],
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(values.config ? { configPath: values.config } : {}),
  };
}

/** `--api-url`: the console only; nothing is scanned or stored locally. */
function apiUrlOptions(
  values: ReturnType<typeof parse>['values'],
  port: number,
  host: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): LocalStackOptions {
  for (const flag of ['live', 'endpoint-url', 'data-dir', 'config'] as const) {
    if (values[flag] !== undefined) {
      throw new LocalStackUsageError(
        `--api-url and --${flag} cannot be used together: --api-url serves the console against the deployed API`,
      );
    }
  }
  const apiUrl = check(
    z.url({ protocol: /^https$/, error: 'must be the https URL of the deployed API' }),
    values['api-url'],
    '--api-url',
  );
  const given = values.region ?? [];
  if (given.length > 1) throw new LocalStackUsageError('--api-url takes at most one --region (the API’s)');
  const region = given[0] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return {
    port,
    ...(host ? { host } : {}),
    mode: 'demo',
    regions: region ? [check(regionSchema, region, given[0] ? '--region' : 'AWS_REGION')] : [],
    apiUrl,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'endpoint-url': { type: 'string' },
      region: { type: 'string', multiple: true },
      live: { type: 'boolean' },
      'data-dir': { type: 'string' },
      config: { type: 'string' },
      'api-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
    strict: true,
  });
}
