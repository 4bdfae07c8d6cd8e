/**
 * Which AWS API actions a handler's bundle can call: esbuild resolves the handler's
 * import graph exactly as serverless-esbuild does, and every project file in it is read
 * for `new XCommand(` and `paginateX(` on SDK clients. Library internals (credential
 * providers' nested STS/SSO clients, DynamoDB endpoint discovery) are not our calls and
 * are not counted; they never run in Lambda, whose credentials come from the environment.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/** IAM service prefix of each SDK package the code imports commands from. */
const SERVICE_OF_PACKAGE: Record<string, string> = {
  '@aws-sdk/client-ec2': 'ec2',
  '@aws-sdk/client-eks': 'eks',
  '@aws-sdk/client-lambda': 'lambda',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-securityhub': 'securityhub',
};

/** Document-client commands are named after the item operation they wrap. */
const DOCUMENT_CLIENT_OPERATION: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
};

/** Operations authorised by another action's name (AWS service authorization reference). */
const ACTION_OF_OPERATION: Record<string, string> = {
  'sqs:SendMessageBatch': 'sqs:SendMessage',
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibilityBatch': 'sqs:ChangeMessageVisibility',
  'lambda:Invoke': 'lambda:InvokeFunction',
};

export interface SdkCall {
  action: string;
  /** Project file the call is written in (relative to the repository root). */
  file: string;
}

/** The handler bundled as serverless-esbuild bundles it, with esbuild's metafile. */
async function bundleOutput(root: string, handlerFile: string) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [handlerFile],
    bundle: true,
    write: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    metafile: true,
    outfile: 'out.cjs',
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  if (!output) throw new Error(`esbuild produced no output for ${handlerFile}`);
  return output;
}

/** Project files (under `functions/`) esbuild puts into the handler's bundle. */
async function bundledProjectFiles(root: string, handlerFile: string): Promise<string[]> {
  const output = await bundleOutput(root, handlerFile);
  return Object.entries(output.inputs)
    .filter(([path, input]) => path.startsWith('functions/') && input.bytesInOutput > 0)
    .map(([path]) => path);
}

/** npm packages (`@scope/name` or `name`) esbuild puts into the handler's bundle. */
export async function bundledPackages(root: string, handlerFile: string): Promise<Set<string>> {
  const output = await bundleOutput(root, handlerFile);
  const packages = new Set<string>();
  for (const [path, input] of Object.entries(output.inputs)) {
    if (input.bytesInOutput === 0) continue;
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
    if (match) packages.add(match[1] as string);
  }
  return packages;
}

/** SDK names a file imports, mapped to the package they come from. */
function importedSdkNames(source: string): Map<string, string> {
  const names = new Map<string, string>();
  const importRe = /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/[a-z0-9-]+)'/g;
  for (const match of source.matchAll(importRe)) {
    const pkg = match[2] as string;
    for (const raw of (match[1] as string).split(',')) {
      const name = raw
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name) names.set(name, pkg);
    }
  }
  return names;
}

function actionOf(pkg: string, operation: string): string | undefined {
  const service = SERVICE_OF_PACKAGE[pkg];
  if (!service) return undefined;
  const op =
    pkg === '@aws-sdk/lib-dynamodb' ? (DOCUMENT_CLIENT_OPERATION[operation] ?? operation) : operation;
  const action = `${service}:${op}`;
  return ACTION_OF_OPERATION[action] ?? action;
}

/** Every AWS action the handler's own code (and the project modules it bundles) can call. */
export async function sdkCallsOfHandler(root: string, handlerFile: string): Promise<SdkCall[]> {
  const calls: SdkCall[] = [];
  for (const file of await bundledProjectFiles(root, handlerFile)) {
    const source = readFileSync(join(root, file), 'utf8');
    const imported = importedSdkNames(source);
    const used = [
      ...[...source.matchAll(/new\s+([A-Z][A-Za-z0-9]*)Command\s*\(/g)].map((m) => m[1] as string),
      ...[...source.matchAll(/\bpaginate([A-Z][A-Za-z0-9]*)\s*\(/g)].map((m) => m[1] as string),
    ];
    for (const operation of used) {
      const pkg =
        imported.get(`${operation}Command`) ??
        imported.get(`paginate${operation}`) ??
        // `QueryCommand as DocQuery` style aliases are resolved by their local name above;
        // a command built from an unimported name is not an SDK call.
        undefined;
      const action = pkg ? actionOf(pkg, operation) : undefined;
      if (action) calls.push({ action, file });
    }
  }
  return calls;
}
