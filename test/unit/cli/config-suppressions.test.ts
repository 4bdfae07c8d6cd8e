/**
 * Suppressions kept in the `--config` file apply to `eks-netguard scan`: a covered finding
 * is shown as SUPPRESSED (table, SARIF, ASFF, OCSF), left out of the JSON contract's `findings`, and
 * never counts toward `--fail-on`; an expired entry is
 * ignored with a warning, so its finding fails the scan again.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../fixtures/snapshot-builder.ts';
import { run } from './run-cli.ts';

// run-cli's clock: 2026-02-01T12:00Z.
let dir: string;
let snapshot: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netguard-cli-supp-'));
  // One LOW finding: a subnet missing its cluster tag.
  const lowOnly = buildSnapshot(({ vpc }) => {
    // Tagged only for another cluster: catalog v2's one LOW subnet-cluster-tag-missing.
    delete vpc.subnets[0]!.Tags['kubernetes.io/cluster/demo'];
    vpc.subnets[0]!.Tags['kubernetes.io/cluster/other'] = 'shared';
  });
  snapshot = join(dir, 'snapshot.json');
  await writeFile(snapshot, JSON.stringify(lowOnly));
});

async function configWith(name: string, expiresAt: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(
    path,
    [
      'suppressions:',
      '  - ruleId: subnet-cluster-tag-missing',
      '    clusterName: demo',
      '    reason: tagged by the platform pipeline next sprint',
      `    expiresAt: ${expiresAt}`,
      '',
    ].join('\n'),
  );
  return path;
}

describe('scan --config with suppressions', () => {
  it('without a suppression the LOW finding fails --fail-on LOW (the baseline)', async () => {
    const result = await run(['scan', '--snapshot-in', snapshot, '--fail-on', 'LOW', '--format', 'json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual([
      'subnet-cluster-tag-missing',
    ]);
  });

  it('leaves a covered finding out of the JSON contract and the exit code, with a note', async () => {
    const config = await configWith('live.yaml', '2026-03-01');
    const result = await run([
      'scan',
      ...['--snapshot-in', snapshot, '--config', config, '--fail-on', 'LOW', '--format', 'json'],
    ]);
    const report = JSON.parse(result.stdout);
    expect(result.code).toBe(0);
    expect(report.findings).toEqual([]);
    expect(Object.keys(report).sort()).toEqual([
      'accountId',
      'clusters',
      'errors',
      'findings',
      'regions',
      'scannedAt',
    ]);
    expect(result.stderr).toMatch(
      /^eks-netguard: note: 1 finding\(s\) suppressed by .*live\.yaml not listed/,
    );
  });

  it('shows the suppressed finding as SUPPRESSED in the table, outside the totals', async () => {
    const config = await configWith('live-table.yaml', '2026-03-01');
    const result = await run(['scan', '--snapshot-in', snapshot, '--config', config]);
    expect(result.stdout).toMatch(/SUPPRESSED\s+subnet-cluster-tag-missing/);
    expect(result.stdout).toMatch(/Total: 0 findings \(\+1 suppressed\)/);
  });

  it('marks the suppressed result with a SARIF suppression', async () => {
    const config = await configWith('live-sarif.yaml', '2026-03-01');
    const result = await run(['scan', '--snapshot-in', snapshot, '--config', config, '--format', 'sarif']);
    const [result0] = JSON.parse(result.stdout).runs[0].results;
    expect(result0.ruleId).toBe('subnet-cluster-tag-missing');
    expect(result0.suppressions).toEqual([expect.objectContaining({ kind: 'external', status: 'accepted' })]);
  });

  it('sends the suppressed finding to Security Hub as Workflow SUPPRESSED (--format asff)', async () => {
    const config = await configWith('live-asff.yaml', '2026-03-01');
    const result = await run(['scan', '--snapshot-in', snapshot, '--config', config, '--format', 'asff']);
    const [document] = JSON.parse(result.stdout);
    expect(document).toMatchObject({
      GeneratorId: 'subnet-cluster-tag-missing',
      Workflow: { Status: 'SUPPRESSED' },
      Compliance: { Status: 'FAILED' },
      RecordState: 'ACTIVE',
    });
  });

  it('reports the suppressed finding as OCSF status Suppressed with the reason (--format ocsf)', async () => {
    const config = await configWith('live-ocsf.yaml', '2026-03-01');
    const result = await run(['scan', '--snapshot-in', snapshot, '--config', config, '--format', 'ocsf']);
    const event = JSON.parse(result.stdout.trim());
    expect(event).toMatchObject({ status_id: 3, status: 'Suppressed' });
    expect(event.status_detail).toContain('tagged by the platform pipeline next sprint');
  });

  it('ignores an expired suppression with a warning: the finding counts again', async () => {
    const config = await configWith('expired.yaml', '2026-01-15');
    const result = await run([
      'scan',
      ...['--snapshot-in', snapshot, '--config', config, '--fail-on', 'LOW', '--format', 'json'],
    ]);
    const report = JSON.parse(result.stdout);
    expect(result.code).toBe(1);
    expect(report.findings).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^eks-netguard: warning: .*expired\.yaml: config suppression cfg-[0-9a-f]+ \(subnet-cluster-tag-missing demo\) expired at 2026-01-15T23:59:59\.999Z; ignored/,
    );
  });

  it('rejects a suppression naming no rule, with the file and field (exit 2)', async () => {
    const path = join(dir, 'typo.yaml');
    await writeFile(
      path,
      'suppressions:\n  - ruleId: no-such-rule\n    reason: x\n    expiresAt: 2026-03-01\n',
    );
    const result = await run(['scan', '--snapshot-in', snapshot, '--config', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/typo\.yaml: suppressions\.0\.ruleId: "no-such-rule" matches no rule/);
  });
});
