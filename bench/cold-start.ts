/**
 * Cold start per Lambda function: each handler is bundled with esbuild using the options
 * of `custom.esbuild` in serverless.yml, next to a baseline bundle that only imports the
 * same AWS SDK clients (found in the function bundle's metafile). Init time is the time a
 * fresh `node --enable-source-maps` process (Lambda sets that NODE_OPTIONS) takes to
 * `require` the bundle; function and baseline runs are interleaved and the median kept.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BuildOptions, build } from 'esbuild';

export const FUNCTIONS = ['sweep', 'on-change', 'scan-vpc', 'api', 'slack-forwarder'] as const;

/** SDK packages → the client class a baseline imports from them. */
const SDK_CLASSES: Record<string, string> = {
  'client-ec2': 'EC2Client',
  'client-eks': 'EKSClient',
  'client-lambda': 'LambdaClient',
  'client-dynamodb': 'DynamoDBClient',
  'client-sns': 'SNSClient',
  'client-sqs': 'SQSClient',
  'client-securityhub': 'SecurityHubClient',
  'client-ssm': 'SSMClient',
  'client-sts': 'STSClient',
  'lib-dynamodb': 'DynamoDBDocumentClient',
};

export interface ColdStartResult {
  function: string;
  bundleBytes: number;
  baselineBundleBytes: number;
  initMs: number;
  baselineInitMs: number;
  ratio: number;
  sdkPackages: string[];
  /** True when the bundle holds the EC2 or EKS client (must be false for `api`). */
  hasEc2OrEksClient: boolean;
  /**
   * Where the bytes above the baseline come from (esbuild metafile, minified bytes per npm
   * package, or `functions/<layer>` for this repository), largest first, ≥ 1 KB only.
   */
  bytesOverBaseline: Record<string, number>;
}

/** The esbuild options of serverless.yml `custom.esbuild`. */
const OPTIONS: BuildOptions & { metafile: true } = {
  bundle: true,
  minify: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  mainFields: ['module', 'main'],
  // serverless.yml `custom.esbuild.external`: packaged beside the bundle, loaded on first use.
  external: ['yaml'],
  metafile: true,
  logLevel: 'silent',
};

function sdkPackagesOf(inputs: Record<string, unknown>): string[] {
  const found = new Set<string>();
  for (const path of Object.keys(inputs)) {
    const match = /node_modules\/@aws-sdk\/([a-z0-9-]+)\//.exec(path);
    if (!match?.[1]) continue;
    if (SDK_CLASSES[match[1]]) found.add(match[1]);
    // A client missing from SDK_CLASSES would be left out of the baseline and counted as
    // the function's own cost (client-lambda was, when the API started invoking sweep).
    else if (match[1].startsWith('client-'))
      throw new Error(`bench/cold-start.ts: add @aws-sdk/${match[1]} to SDK_CLASSES`);
  }
  return [...found].sort();
}

type Metafile = {
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }>;
};

/** Minified bytes of the entry's output per npm package, or per `functions/<layer>`. */
function bytesByOrigin(metafile: Metafile): Map<string, number> {
  const bytes = new Map<string, number>();
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];
    const origin = pkg ?? (path.startsWith('functions/') ? path.split('/').slice(0, 2).join('/') : 'other');
    bytes.set(origin, (bytes.get(origin) ?? 0) + input.bytesInOutput);
  }
  return bytes;
}

function bytesOverBaseline(fn: Metafile, baseline: Metafile): Record<string, number> {
  const base = bytesByOrigin(baseline);
  const over = [...bytesByOrigin(fn)]
    .map(([origin, bytes]) => [origin, bytes - (base.get(origin) ?? 0)] as const)
    .filter(([, bytes]) => bytes >= 1024)
    .sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(over);
}

/** One fresh process: time from before `require` to after it, in ms. */
function initOnce(file: string): number {
  const script = `const t=performance.now();require(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t))`;
  const out = spawnSync(process.execPath, ['--enable-source-maps', '-e', script], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'eu-west-1',
      TABLE_NAME: 'eks-netguard-bench',
      SCAN_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/bench.fifo',
      TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:bench',
      AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
    },
  });
  if (out.status !== 0)
    throw new Error(`cannot load ${file}: ${out.stderr.split('\n').slice(0, 3).join(' ')}`);
  return Number(out.stdout);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export async function measureColdStart(runs: number): Promise<ColdStartResult[]> {
  const root = resolve(import.meta.dirname, '..');
  const out = join(tmpdir(), `eks-netguard-bench-${process.pid}`);
  mkdirSync(out, { recursive: true });
  try {
    const results: ColdStartResult[] = [];
    for (const name of FUNCTIONS) {
      const entry = join(root, 'functions/handlers', `${name}.ts`);
      const fn = await build({
        ...OPTIONS,
        entryPoints: { [name]: entry },
        outdir: out,
        absWorkingDir: root,
      });
      const sdk = sdkPackagesOf(fn.metafile.inputs);
      const baselineSource = join(out, `${name}-baseline.mjs`);
      writeFileSync(
        baselineSource,
        `${sdk.map((p) => `import { ${SDK_CLASSES[p]} } from '@aws-sdk/${p}';`).join('\n')}\n` +
          `export const clients = [${sdk.map((p) => SDK_CLASSES[p]).join(', ')}];\n` +
          'export const handler = async () => clients.length;\n',
      );
      const base = await build({
        ...OPTIONS,
        entryPoints: { [`${name}-baseline`]: baselineSource },
        outdir: out,
        absWorkingDir: root,
        nodePaths: [join(root, 'node_modules')],
      });
      const bundle = join(out, `${name}.cjs`);
      const baseline = join(out, `${name}-baseline.cjs`);
      initOnce(bundle); // warm the file cache for both before timing
      initOnce(baseline);
      const fnTimes: number[] = [];
      const baseTimes: number[] = [];
      for (let r = 0; r < runs; r++) {
        fnTimes.push(initOnce(bundle));
        baseTimes.push(initOnce(baseline));
      }
      const initMs = median(fnTimes);
      const baselineInitMs = median(baseTimes);
      results.push({
        function: name,
        bundleBytes: statSync(bundle).size,
        baselineBundleBytes: statSync(baseline).size,
        initMs: Math.round(initMs * 10) / 10,
        baselineInitMs: Math.round(baselineInitMs * 10) / 10,
        ratio: Math.round((initMs / baselineInitMs) * 1000) / 1000,
        sdkPackages: sdk,
        hasEc2OrEksClient: sdk.includes('client-ec2') || sdk.includes('client-eks'),
        bytesOverBaseline: bytesOverBaseline(fn.metafile, base.metafile),
      });
    }
    return results;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
