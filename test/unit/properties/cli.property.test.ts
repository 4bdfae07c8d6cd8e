/**
 * Property: whatever config file or snapshot file a user hands the CLI, it exits 0/1
 * with a report, or exits 2 with exactly one line on stderr — never a stack trace,
 * never an unhandled rejection. Oversized snapshot files are refused by size first.
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_SNAPSHOT_BYTES } from '../../../functions/adapters/snapshot-file.ts';
import { DEMO_SNAPSHOT } from '../../../functions/cli/demo-account.ts';
import { RULES } from '../../../functions/core/rules/index.ts';
import { run } from '../cli/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'netguard-cli-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileSeq = 0;

function file(content: string, ext: string): string {
  const path = join(dir, `f${++fileSeq}.${ext}`);
  writeFileSync(path, content);
  return path;
}

/**
 * Refused input: exit 2, exactly one line on stderr naming the tool, nothing on stdout.
 * The one other exit 2 is a valid snapshot that records collection errors: the report is
 * printed, then one `eks-netguard:` line per error and a final "scan incomplete" line.
 */
function assertOutcome(result: { code: number; stdout: string; stderr: string }, allowed: number[]): void {
  expect(allowed).toContain(result.code);
  expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+/); // never a stack frame
  if (result.code === 2 && result.stdout === '') {
    expect(result.stderr).toMatch(/^eks-netguard: [^\n]+\n$/);
    return;
  }
  expect(() => JSON.parse(result.stdout)).not.toThrow();
  if (result.code === 2) {
    const lines = result.stderr.split('\n').slice(0, -1);
    for (const line of lines) expect(line).toMatch(/^eks-netguard: /);
    expect(lines.at(-1)).toMatch(/^eks-netguard: scan incomplete \(\d+ error\(s\)\); exit code 2$/);
  } else {
    expect(result.stderr).toBe('');
  }
}

/** Sets `value` at `path` in a copy of `base`. */
function mutate(base: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[path.at(-1) as string | number] = value;
  return copy;
}

const anyValue = fc.oneof(fc.anything({ maxDepth: 2 }), fc.string(), fc.constant(null), fc.integer());
const ruleId = fc.oneof(fc.constantFrom(...RULES.map((r) => r.id)), fc.string({ maxLength: 30 }));
const CONFIG_KEYS = [
  'rules',
  'disabledRules',
  'severityOverrides',
  'minPublicCidrPrefix',
  'allowedPublicCidrs',
  'requiredVpcEndpoints',
  'suppressions',
  'maxSuppressionDays',
];
const configObject = fc.dictionary(
  fc.oneof(fc.constantFrom(...CONFIG_KEYS), fc.string({ maxLength: 12 })),
  fc.oneof(
    anyValue,
    fc.array(ruleId, { maxLength: 3 }),
    fc.dictionary(ruleId, fc.oneof(fc.constantFrom('LOW', 'MEDIUM', 'HIGH', 'CRITICAL'), fc.string())),
  ),
  { maxKeys: 4 },
);
const configText = fc.oneof(
  fc.string(),
  fc.json(),
  configObject.map((o) => JSON.stringify(o)),
  configObject.map((o) =>
    Object.entries(o)
      .map(([k, v]) => `${k}: ${JSON.stringify(v) ?? 'null'}`)
      .join('\n'),
  ),
  fc.constantFrom('', '\u0000\u0001', '{{{', '- - -', 'rules: &a [*a]', 'a: b: c'),
);

const SNAPSHOT_PATHS: (string | number)[][] = [
  ['schemaVersion'],
  ['scannedAt'],
  ['accountId'],
  ['regions'],
  ['clusters'],
  ['vpcs'],
  ['errors'],
  ['clusters', 0],
  ['clusters', 0, 'cluster'],
  ['clusters', 0, 'cluster', 'name'],
  ['clusters', 0, 'cluster', 'resourcesVpcConfig'],
  ['clusters', 0, 'cluster', 'resourcesVpcConfig', 'publicAccessCidrs'],
  ['clusters', 0, 'incomplete'],
  ['vpcs', 0, 'subnets'],
  ['vpcs', 0, 'subnets', 0, 'CidrBlock'],
  ['vpcs', 0, 'securityGroups', 0, 'IpPermissions'],
  ['vpcs', 0, 'routeTables', 0, 'Routes'],
  ['vpcs', 0, 'networkAcls'],
  ['vpcs', 0, 'networkAcls', 0, 'Entries', 0, 'CidrBlock'],
  ['vpcs', 0, 'networkAcls', 0, 'Entries', 0, 'RuleNumber'],
  ['vpcs', 0, 'networkAcls', 0, 'Entries', 0, 'PortRange'],
  ['vpcs', 0, 'flowLogs'],
  ['vpcs', 0, 'instances', 0, 'MetadataOptions'],
  ['clusters', 0, 'cluster', 'kubernetesNetworkConfig'],
  ['clusters', 0, 'cluster', 'remoteNetworkConfig', 'remoteNodeNetworks'],
];
const snapshotText = fc.oneof(
  fc.string(),
  fc.json(),
  fc
    .array(fc.tuple(fc.constantFrom(...SNAPSHOT_PATHS), anyValue), { minLength: 1, maxLength: 3 })
    .map((edits) =>
      JSON.stringify(edits.reduce<unknown>((acc, [path, value]) => mutate(acc, path, value), DEMO_SNAPSHOT)),
    ),
);

describe('CLI with arbitrary files', () => {
  it('config files: exit 0 with a report, or exit 2 with one line', async () => {
    await fc.assert(
      fc.asyncProperty(configText, fc.constantFrom('yaml', 'json', 'yml'), async (text, ext) => {
        const result = await run(['scan', '--demo', '--format', 'json', '--config', file(text, ext)]);
        assertOutcome(result, [0, 2]);
      }),
      { numRuns: 200, seed: 21 },
    );
  });

  it('snapshot files: exit 0 with a report, or exit 2 with one line', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(snapshotText, async (text) => {
        const result = await run(['scan', '--snapshot-in', file(text, 'json'), '--format', 'json']);
        assertOutcome(result, [0, 2]);
        if (result.code === 0) accepted++;
      }),
      { numRuns: 200, seed: 22 },
    );
    // Some mutations keep the snapshot valid: the property covers the report path too.
    expect(accepted).toBeGreaterThan(0);
  });

  it('refuses a snapshot file over the size limit by its size, with the limit in the message', async () => {
    // Arrange: a sparse file one byte over the limit (nothing is read to refuse it).
    const path = join(dir, 'huge.json');
    writeFileSync(path, '');
    truncateSync(path, DEFAULT_MAX_SNAPSHOT_BYTES + 1);
    // Act
    const result = await run(['scan', '--snapshot-in', path, '--format', 'json']);
    // Assert
    expect(result.stdout).toBe('');
    assertOutcome(result, [2]);
    expect(result.stderr).toMatch(/snapshot file is .* above the 64(\.0)? MiB limit/);
  });
});
